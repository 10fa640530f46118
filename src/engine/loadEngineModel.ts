// The load pipeline, in the order that keeps the process alive: a bounded pre-check before any
// native code opens the file, metadata and option validation before llama.cpp sees them (an
// out-of-range expert count is a GGML_ASSERT abort), a memory-fit refusal before loading, then the
// model and its two contexts (chat/commands and inline completion: with one shared context a
// completion waited 9.4 s behind a long chat prompt; with two, 90 ms).
import * as fs from "node:fs/promises";
import * as os from "node:os";
import type { LlamaContext, LlamaGrammar, LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import { InvalidModelFileError } from "../core/errors";
import { precheckGguf } from "../core/gguf/ggufPrecheck";
import type { LoadOptions, ModelInfo } from "../shared/engineProtocol";
import { describeModel, moeShape, quantizationName } from "./describeModel";
import { EngineFailure, log } from "./engineIpc";
import { GenerationSlot } from "./GenerationSlot";
import { assertFits, estimateFit } from "./memoryFit";
import { defaultThreads, physicalCores } from "./physicalCores";
import { selectBackend } from "./selectBackend";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

/** Inline-completion prompts are short (prefix + suffix around the cursor); a smaller second
 *  context keeps the extra KV cache small. */
const COMPLETION_CONTEXT_SIZE = 4096;
/** The context is halved down to this size when the memory check fails only because of it. */
const MIN_CONTEXT_SIZE = 2048;
const GRAMMAR_CACHE_SIZE = 16;

export interface LoadedEngine {
  model: LlamaModel;
  chat: GenerationSlot;
  completion: GenerationSlot;
  info: ModelInfo;
  dispose(): Promise<void>;
}

async function checkFile(filePath: string, what: "model file" | "LoRA adapter"): Promise<number> {
  // The next step, for the setting that named the file.
  const fix = what === "model file"
    ? "Check mixtral.modelPath, or run “Mixtral: Select or Download Model…” to choose or download it again."
    : "Fix or remove it in mixtral.loraAdapters.";
  let size: number;
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) throw new EngineFailure("modelNotFound", `The ${what} ${filePath} is not a file. ${fix}`);
    size = stat.size;
  } catch (error) {
    if (error instanceof EngineFailure) throw error;
    throw new EngineFailure("modelNotFound", `The ${what} ${filePath} does not exist or cannot be read. ${fix}`);
  }
  try {
    await precheckGguf(filePath);
  } catch (error) {
    if (error instanceof InvalidModelFileError) {
      const hint = error.hint ? ` ${error.hint}` : "";
      throw new EngineFailure("invalidModelFile", `Refused the ${what} ${filePath} before loading it: ${error.message}${hint}`);
    }
    throw error;
  }
  return size;
}

function validateOptions(options: LoadOptions, expertCount: number): void {
  const fail = (message: string) => { throw new EngineFailure("invalidOptions", message); };
  const e = options.expertsPerToken;
  if (e !== undefined) {
    if (expertCount === 0) fail("expertsPerToken applies only to Mixture of Experts models; this model has no experts. Clear mixtral.expertsPerToken.");
    if (!Number.isInteger(e) || e < 1 || e > expertCount) {
      fail(`expertsPerToken must be a whole number from 1 to ${expertCount} for this model (it has ${expertCount} experts); got ${e}.`);
    }
  }
  if (!Number.isInteger(options.contextSize) || options.contextSize < 16) fail(`contextSize must be a whole number of at least 16 tokens; got ${options.contextSize}.`);
  if (typeof options.gpuLayers === "number" && (!Number.isInteger(options.gpuLayers) || options.gpuLayers < 0)) fail(`gpuLayers must be "auto", "max" or a whole number ≥ 0; got ${options.gpuLayers}.`);
  if (!Number.isInteger(options.threads) || options.threads < 0) fail(`threads must be 0 (physical cores) or a positive whole number; got ${options.threads}.`);
  if (!["auto", "cuda", "metal", "vulkan", "cpu"].includes(options.backend)) fail(`Unknown backend "${options.backend}".`);
  if (!["auto", "on", "off"].includes(options.flashAttention)) fail(`flashAttention must be auto, on or off; got "${options.flashAttention}".`);
}

export async function loadEngineModel(
  lib: NodeLlamaCpp,
  options: LoadOptions,
  onProgress: (fraction: number, message: string) => void,
  /** Frees the current model; called once the new file and options are known to be valid, so a
   *  refused file or option leaves the current model serving. */
  releasePrevious: () => Promise<void>,
): Promise<LoadedEngine> {
  const started = performance.now();
  const notices: string[] = [];
  const sizeBytes = await checkFile(options.modelPath, "model file");
  for (const adapter of options.loraAdapters) await checkFile(adapter.path, "LoRA adapter");
  onProgress(0.01, "reading metadata");

  // Safe only after the pre-check: this reader allocates whatever lengths the file declares.
  const fileInfo = await lib.readGgufFileInfo(options.modelPath, { logWarnings: false });
  const shape = moeShape(fileInfo);
  validateOptions(options, shape.expertCount);
  const expertUsedCount = options.expertsPerToken ?? shape.expertUsedCount;
  await releasePrevious();

  const cores = physicalCores();
  const threads = options.threads > 0 ? Math.min(options.threads, os.availableParallelism()) : defaultThreads(cores);
  if (options.threads > cores) notices.push(`${options.threads} threads is more than the ${cores} physical cores; generation can be many times slower.`);
  const { llama, notices: backendNotices } = await selectBackend(lib, {
    backend: options.backend, maxThreads: threads, avoid: options.avoidBackends, onStatus: (message) => onProgress(0.02, message),
  });
  notices.push(...backendNotices);
  const insights = await lib.GgufInsights.from(fileInfo, llama);

  const flashAttention = options.flashAttention === "on" || (options.flashAttention === "auto" && insights.flashAttentionSupported);
  let gpuLayers = 0;
  if (llama.gpu !== false) {
    try {
      gpuLayers = await insights.configurationResolver.resolveModelGpuLayers(options.gpuLayers, {
        ignoreMemorySafetyChecks: options.ignoreMemoryCheck ?? false,
        getVramState: () => llama.getVramState(),
        llamaGpu: llama.gpu,
        llamaSupportsGpuOffloading: llama.supportsGpuOffloading,
        defaultContextFlashAttention: flashAttention,
        useMmap: options.useMmap,
      });
    } catch (error) {
      throw new EngineFailure("insufficientMemory", `The requested GPU layers (${String(options.gpuLayers)}) do not fit in GPU memory: ${(error as Error).message}. Set mixtral.gpuLayers to auto or a smaller number.`);
    }
  } else if (typeof options.gpuLayers === "number" && options.gpuLayers > 0) {
    notices.push(`gpuLayers ${options.gpuLayers} ignored: the CPU backend is in use.`);
  }

  const trainContextSize = shape.trainContextSize ?? insights.trainContextSize ?? options.contextSize;
  let contextSize = Math.min(options.contextSize, trainContextSize);
  if (contextSize < options.contextSize) notices.push(`Context size clamped to the model's trained ${trainContextSize} tokens.`);
  const completionSize = () => Math.min(contextSize, COMPLETION_CONTEXT_SIZE);
  if (!options.ignoreMemoryCheck) {
    for (;;) {
      const estimate = estimateFit(insights, llama, fileInfo, {
        gpuLayers, useMmap: options.useMmap, flashAttention, contextSizes: [contextSize, completionSize()],
      });
      const vram = gpuLayers > 0 ? await llama.getVramState() : undefined;
      try {
        assertFits(estimate, vram, quantizationName(fileInfo, insights));
        break;
      } catch (error) {
        if (contextSize / 2 < MIN_CONTEXT_SIZE) throw error;
        contextSize = Math.floor(contextSize / 2);
      }
    }
    if (contextSize < Math.min(options.contextSize, trainContextSize)) notices.push(`Context size reduced to ${contextSize} tokens to fit in memory.`);
  }

  const arch = shape.architecture;
  onProgress(0.05, "loading weights");
  let model: LlamaModel;
  try {
    model = await llama.loadModel({
      modelPath: options.modelPath,
      gpuLayers,
      useMmap: options.useMmap,
      defaultContextFlashAttention: flashAttention,
      ignoreMemorySafetyChecks: options.ignoreMemoryCheck ?? false,
      ...(options.expertsPerToken !== undefined
        ? { metadataOverrides: { [arch]: { expert_used_count: options.expertsPerToken } } as never }
        : {}),
      onLoadProgress: (p) => onProgress(0.05 + 0.85 * p, "loading weights"),
    });
  } catch (error) {
    throw libraryFailure(lib, error, "load the model");
  }

  const contexts: LlamaContext[] = [];
  try {
    const lora = options.loraAdapters.length > 0
      ? { adapters: options.loraAdapters.map((a) => ({ filePath: a.path, scale: a.scale })) }
      : undefined;
    onProgress(0.92, "creating contexts");
    for (const size of [contextSize, completionSize()]) {
      contexts.push(await model.createContext({ contextSize: size, sequences: 1, flashAttention, lora, ignoreMemorySafetyChecks: options.ignoreMemoryCheck ?? false }));
    }
  } catch (error) {
    for (const c of contexts) await c.dispose();
    await model.dispose();
    throw libraryFailure(lib, error, "create the contexts");
  }

  const grammars = new Map<string, Promise<LlamaGrammar>>();
  const deps = {
    lib,
    model,
    grammar(gbnf: string): Promise<LlamaGrammar> {
      let g = grammars.get(gbnf);
      if (!g) {
        if (grammars.size >= GRAMMAR_CACHE_SIZE) grammars.delete(grammars.keys().next().value as string);
        g = llama.createGrammar({ grammar: gbnf }).catch((error: unknown) => {
          grammars.delete(gbnf);
          throw new EngineFailure("invalidOptions", `The grammar is not valid GBNF: ${(error as Error).message}`);
        });
        grammars.set(gbnf, g);
      }
      return g;
    },
    jsonSchemaGrammar(schema: Record<string, unknown>): Promise<LlamaGrammar> {
      const key = `json:${JSON.stringify(schema)}`;
      let g = grammars.get(key);
      if (!g) {
        if (grammars.size >= GRAMMAR_CACHE_SIZE) grammars.delete(grammars.keys().next().value as string);
        // The schema is data from the host (tool schemas, converted by src/core/lm/grammarSchema.ts).
        g = llama.createGrammarForJsonSchema(schema as Parameters<typeof llama.createGrammarForJsonSchema>[0]).catch((error: unknown) => {
          grammars.delete(key);
          throw new EngineFailure("invalidOptions", `The JSON schema cannot be turned into a grammar: ${(error as Error).message}`);
        });
        grammars.set(key, g);
      }
      return g;
    },
  };
  // Speculative decoding on the chat slot (chat and commands: answers that copy their input); not
  // on the completion slot (BENCHMARKS.md: short answers, and it did not pay there).
  const chat = new GenerationSlot("chat", contexts[0], contexts[0].getSequence(), false, deps, true);
  const completion = new GenerationSlot("completion", contexts[1], contexts[1].getSequence(), true, deps, false);
  const info = await describeModel({
    modelPath: options.modelPath, sizeBytes, fileInfo, insights, llama, model, expertUsedCount,
    contextSize, completionContextSize: completionSize(), notices, loadMs: performance.now() - started,
  });
  log("info", `loaded ${info.fileName}: ${info.description}, ${info.quantization}, ${info.backend}, ${gpuLayers}/${info.layerCount} layers on GPU, context ${contextSize}+${completionSize()}, ${threads} threads`);
  return {
    model, chat, completion, info,
    async dispose() {
      // Abort, wait, then dispose: disposing a sequence mid-generation kills the process.
      await Promise.all([chat.dispose(), completion.dispose()]);
      await model.dispose();
    },
  };
}

function libraryFailure(lib: NodeLlamaCpp, error: unknown, what: string): EngineFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof lib.InsufficientMemoryError) {
    return new EngineFailure("insufficientMemory", `Not enough memory to ${what}: ${message}. Choose a smaller quantization, fewer GPU layers or a smaller context.`);
  }
  return new EngineFailure("internal", `Could not ${what}: ${message}`);
}
