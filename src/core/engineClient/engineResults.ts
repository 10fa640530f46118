// Engine replies turned into what callers of InferenceBackend get: typed errors, results with
// `incomplete` spelled out, and the partial result kept when the process dies mid-answer.
import * as path from "node:path";
import type { EngineErrorCode, GenerationStats, LoadOptions, StopReason } from "../../shared/engineProtocol";
import {
  AbortedError,
  ContextFullError,
  EngineUnavailableError,
  InsufficientMemoryError,
  InvalidModelFileError,
  InvalidOptionsError,
  MixtralError,
  ModelNotInstalledError,
} from "../errors";
import type { GenerateResult } from "./types";

export function engineError(code: EngineErrorCode, message: string): MixtralError {
  switch (code) {
    case "invalidModelFile":
      return new InvalidModelFileError(message, "Download the model again or choose another GGUF file.");
    // The engine's message says what to do: the file it names is the model or a LoRA adapter.
    case "modelNotFound":
      return new ModelNotInstalledError(message);
    case "insufficientMemory":
      return new InsufficientMemoryError(message);
    case "invalidOptions":
      return new InvalidOptionsError(message);
    case "contextFull":
      return new ContextFullError(message);
    case "notLoaded":
    case "backendUnavailable":
    case "internal":
      return new EngineUnavailableError(message);
    default: {
      const _exhaustive: never = code;
      void _exhaustive;
      return new MixtralError(message);
    }
  }
}

/** The engine keeps its current model when it refuses a file or an option before loading; past
 *  that point it has dropped it. */
export function refusedBeforeLoading(error: unknown): boolean {
  return error instanceof InvalidOptionsError || error instanceof InvalidModelFileError || error instanceof ModelNotInstalledError;
}

export function completedResult(text: string, stopReason: StopReason, stats: GenerationStats, maxTokens: number): GenerateResult {
  switch (stopReason) {
    case "abort":
      return { text, stopReason, stats, incomplete: true, incompleteReason: "stopped before the end of the answer" };
    case "maxTokens":
      return { text, stopReason, stats, incomplete: true, incompleteReason: `reached the limit of ${maxTokens} tokens` };
    default:
      return { text, stopReason, stats, incomplete: false };
  }
}

/** A request cancelled before the engine started it: nothing generated, nothing evaluated. */
export function cancelledResult(maxTokens: number): GenerateResult {
  return completedResult(
    "",
    "abort",
    { promptTokens: 0, evaluatedTokens: 0, generatedTokens: 0, ttftMs: 0, tokensPerSecond: 0, totalMs: 0 },
    maxTokens,
  );
}

export interface PartialProgress {
  text: string;
  chunks: number;
  startedAt: number;
  firstChunkAt?: number;
}

/** The answer so far, when the engine process went away before "done". */
export function crashedResult(p: PartialProgress, reason: string): GenerateResult {
  const now = Date.now();
  const stats: GenerationStats = {
    promptTokens: 0,
    evaluatedTokens: 0,
    generatedTokens: p.chunks, // chunks ≈ tokens; the exact count died with the process
    ttftMs: p.firstChunkAt === undefined ? 0 : p.firstChunkAt - p.startedAt,
    tokensPerSecond: 0,
    totalMs: now - p.startedAt,
  };
  return { text: p.text, stopReason: "abort", stats, incomplete: true, incompleteReason: `${reason}; the partial answer is kept` };
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `the engine process crashed (${signal})`;
  if (code === 134) return "the engine process crashed (abort in llama.cpp, exit code 134)";
  if (code === 70) return "the engine process hit an internal error (exit code 70)";
  return `the engine process exited unexpectedly (exit code ${code})`;
}

/** Options that identify "the same load": a crash during it is not retried automatically. */
export function loadKey(options: LoadOptions): string {
  const { ignoreMemoryCheck: _ignored, ...rest } = options;
  return JSON.stringify(rest);
}

export function modelLabel(options: LoadOptions): string {
  return path.basename(options.modelPath);
}

export function abortError(what: string): AbortedError {
  return new AbortedError(`${what} was cancelled.`);
}
