// What a request sends back while and after it runs: its text as chunks (with a heartbeat while
// text is held back) and its statistics (prompt reuse, time to first token, decode rate).
import type { Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import type { GenerationStats, StopReason } from "../shared/engineProtocol";
import { send } from "./engineIpc";

/** Keeps the host's hang detector quiet while text is held back (stop-string prefix, UTF-8). */
const HEARTBEAT_MS = 2000;

/** The prompt as evaluated: all of it in the KV cache but the tokens from `position` on. */
export interface Prefilled {
  tokens: Token[];
  /** Prompt tokens reused from the previous request's KV cache. */
  reuse: number;
  position: number;
  /** The answer's limit: the request's, at most the context's room after the prompt. */
  maxTokens: number;
}

export interface Decoded {
  stopReason: StopReason;
  generated: number;
  firstTokenAt?: number;
}

/** Sends text as chunks; while text is held back, a heartbeat keeps the host's hang detector quiet. */
export function chunkSender(requestId: string): (text: string) => void {
  let lastSentAt = performance.now();
  return (text) => {
    if (text) send({ type: "chunk", requestId, text });
    else if (performance.now() - lastSentAt > HEARTBEAT_MS) send({ type: "progress", requestId, fraction: 1, message: "generating" });
    else return;
    lastSentAt = performance.now();
  };
}

export function generationStats(prompt: Prefilled, decoded: Decoded, started: number): GenerationStats {
  const ended = performance.now();
  const { generated, firstTokenAt } = decoded;
  const decodeMs = firstTokenAt === undefined ? 0 : ended - firstTokenAt;
  return {
    promptTokens: prompt.tokens.length,
    evaluatedTokens: prompt.tokens.length - prompt.reuse,
    generatedTokens: generated,
    ttftMs: firstTokenAt === undefined ? 0 : firstTokenAt - started,
    // The first token's time is prompt evaluation; the rate counts the tokens after it.
    tokensPerSecond: generated > 1 && decodeMs > 0 ? ((generated - 1) * 1000) / decodeMs : 0,
    totalMs: ended - started,
  };
}

export function emptyStats(promptTokens: number, evaluatedTokens: number, started: number): GenerationStats {
  return { promptTokens, evaluatedTokens, generatedTokens: 0, ttftMs: 0, tokensPerSecond: 0, totalMs: performance.now() - started };
}
