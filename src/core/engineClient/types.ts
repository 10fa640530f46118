// What chat, commands and inline completions need from an inference engine. Implemented by the
// local EngineClient (child process on node-llama-cpp) and by the remote clients (TGI, OpenAI).
import type { GenerateOptions, GenerationStats, ModelInfo, StopReason } from "../../shared/engineProtocol";
import type { NativeToolParts, ToolMode, ToolSpec } from "../prompt/tools";

/** The engine's GenerateOptions (slot, prompt segments, maxTokens, temperature, stop strings,
 *  grammar, seed), plus what remote engines need. */
export interface GenerateRequest extends GenerateOptions {
  /** The conversation the prompt was built from. Remote OpenAI-compatible engines send these to
   *  /v1/chat/completions (the server applies its template); without them, or when the last message
   *  is an assistant prefix to continue, they send the rendered prompt to /v1/completions. The local
   *  engine and TGI always use `prompt`. A turn's `native` tool parts go to OpenAI-compatible servers
   *  as `tool_calls` and `role: "tool"` messages when the request carries `tools`. */
  messages?: { role: "system" | "user" | "assistant"; content: string; native?: NativeToolParts }[];
  /** Tools offered to a remote OpenAI-compatible engine as its native `tools` (it answers with
   *  `tool_calls`). The local engine takes tools as a prompt text plus a `jsonSchema` grammar
   *  instead (src/core/lm/lmRequest.ts). */
  tools?: ToolSpec[];
  /** With `tools`: may the model answer in text ("auto", the default) or must it call one. */
  toolMode?: ToolMode;
}

/** A tool call a remote engine returned natively; `arguments` is the JSON text it sent. */
export interface RemoteToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface GenerateResult {
  text: string;
  stopReason: StopReason;
  stats: GenerationStats;
  /** True when the answer was cut short (stopped, engine crashed, too long). */
  incomplete: boolean;
  /** Why it is incomplete, in words, when it is. */
  incompleteReason?: string;
  /** Tool calls the remote engine made (requests with `tools`), in order. */
  toolCalls?: RemoteToolCall[];
}

export interface InferenceBackend {
  readonly kind: "local" | "tgi" | "openai";
  /** Streams text through onChunk; resolves on EOS, maxTokens, stop string or abort
   *  (an abort resolves with the partial text and stopReason "abort"; it is not an error). */
  generate(request: GenerateRequest, onChunk: (text: string) => void, signal?: AbortSignal): Promise<GenerateResult>;
  /** Token counts with the model's own tokenizer (one per text). */
  countTokens(texts: string[], signal?: AbortSignal): Promise<number[]>;
  /** Model description for the UI, once known. */
  modelInfo(): ModelInfo | undefined;
  dispose(): void | Promise<void>;
}

/** Where the local engine stands (EngineClient.state). */
export type EngineState =
  /** No model loaded (never loaded, unloaded, or idle-unloaded: the next request reloads it). */
  | "stopped"
  /** The engine process is starting. */
  | "starting"
  /** The model is loading (progress through onDidLoadProgress / load's onProgress). */
  | "loading"
  /** The model is loaded and serving. */
  | "ready"
  /** The engine process died; a restart is scheduled. */
  | "crashed"
  /** Too many crashes, or a start failure: no automatic restarts until the user loads again. */
  | "failed";

export interface EngineStateChange {
  state: EngineState;
  /** Why, in words, for crashed/failed/stopped (e.g. idle unload). */
  reason?: string;
}
