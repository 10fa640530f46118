// The one IPC protocol between the extension host (src/core/engineClient/EngineClient) and the engine
// child process (src/engine). Messages travel over Node's `process.send` channel (JSON).
// Every message from the child is validated with `parseEngineMessage` (engineProtocolParse.ts) before use; the child
// validates host messages with `parseHostMessage`. Bump ENGINE_PROTOCOL_VERSION on any change.

export const ENGINE_PROTOCOL_VERSION = 4;

/** A prompt as the engine evaluates it: BOS/EOS control tokens and plain text runs.
 *  Text runs are tokenized with special tokens OFF, so `<s>` or `[INST]` typed by a user stays
 *  text. Each text run gets SentencePiece's leading word-boundary piece, as Mistral's reference. */
export type PromptSegment =
  | { type: "bos" }
  | { type: "eos" }
  /** `special: true` (only for text rendered from a non-Mixtral model's own chat template, never for
   *  user, file or answer text): control-token strings in it (`<|im_start|>`, `<s>`) become their ids. */
  | { type: "text"; text: string; special?: boolean };

export type Backend = "auto" | "cuda" | "metal" | "vulkan" | "cpu";

/** Why a GPU backend cannot be used on this machine (src/core/gpu/gpuFailure.ts explains it). */
export interface BackendFailure {
  backend: "cuda" | "vulkan" | "metal";
  /** The same binary on the same driver fails the same way: never retried. */
  deterministic: boolean;
  /** The signal and the GPU error line: what makes two crashes "the same". */
  signature: string;
  reason: string;
  fix: string;
  /** How the notice names it when not by its backend alone ("CUDA 12": the -cuda-ext pack). */
  label?: string;
}

export interface LoadOptions {
  modelPath: string;
  /** Default "auto": CUDA, Metal, Vulkan, then CPU. */
  backend: Backend;
  /** "auto" | "max" | number of layers. */
  gpuLayers: "auto" | "max" | number;
  /** Requested context size in tokens (clamped by the engine to the model's and memory's limits). */
  contextSize: number;
  /** Router's experts per token; undefined keeps the model's own value. Validated 1..expert_count. */
  expertsPerToken?: number;
  /** 0 = physical cores. */
  threads: number;
  flashAttention: "auto" | "on" | "off";
  useMmap: boolean;
  loraAdapters: { path: string; scale: number }[];
  /** Skip the memory-fit refusal (tests with sparse files, or the user's explicit "load anyway"). */
  ignoreMemoryCheck?: boolean;
  /** GPU backends that crashed the engine with a native abort: the engine falls back past them. */
  avoidBackends?: BackendFailure[];
}

export type Slot = "chat" | "completion";

export type Speculation = "auto" | "off" | "always";

export interface GenerateOptions {
  slot: Slot;
  prompt: PromptSegment[];
  maxTokens: number;
  /** 0 = greedy. */
  temperature: number;
  /** Stop when any of these strings is generated (not included in the text). */
  stopStrings?: string[];
  /** Optional GBNF grammar constraining the output. */
  grammar?: string;
  /** Optional JSON schema (node-llama-cpp's GbnfJsonSchema subset, src/core/lm/grammarSchema.ts)
   *  the output must match; the engine builds its grammar (createGrammarForJsonSchema). Ignored
   *  when `grammar` is given. */
  jsonSchema?: Record<string, unknown>;
  /** Seed for sampling; fixed seeds make tests reproducible. */
  seed?: number;
  /** Input-lookup speculative decoding (mixtral.speculativeDecoding). Default "auto": the engine
   *  drafts from the prompt where its cost model (src/core/speculation/draftPolicy.ts) says it
   *  pays, on the chat slot (chat and commands); greedy output is the same either way. "off": one
   *  token per step. "always": draft on every long match whatever the cost (benchmarks and tests
   *  of the mechanism; not a user setting). */
  speculation?: Speculation;
  /** Benchmarks only: the model writes exactly these tokens (a large logit bias on each in turn,
   *  at the sampler, in the plain and the speculative path alike): a stand-in for a model that
   *  writes a known edit, which a synthetic model cannot. Set maxTokens to their count. */
  forceTokens?: number[];
}

export interface ModelInfo {
  path: string;
  fileName: string;
  sizeBytes: number;
  architecture: string;
  name?: string;
  expertCount: number;
  expertUsedCount: number;
  /** The model's trained context length. */
  trainContextSize: number;
  /** The context size actually allocated (chat and commands). */
  contextSize: number;
  /** The inline-completion context's size (a second, smaller context on the same weights). */
  completionContextSize?: number;
  quantization: string;
  layerCount: number;
  gpuLayers: number;
  /** "remote" for a TGI or OpenAI-compatible server (its hardware is not ours to know). */
  backend: "cuda" | "metal" | "vulkan" | "cpu" | "remote";
  gpuName?: string;
  vramTotalBytes?: number;
  vramFreeBytes?: number;
  chatTemplate?: string;
  bosToken?: string;
  eosToken?: string;
  /** Human summary, e.g. "Mixture of Experts: 8 experts, 2 active per token". */
  description: string;
  /** Notices the user should see (backend fallback, clamped context…). */
  notices: string[];
  loadMs: number;
}

export interface GenerationStats {
  promptTokens: number;
  /** Prompt tokens actually evaluated; the rest were reused from the KV cache. */
  evaluatedTokens: number;
  generatedTokens: number;
  ttftMs: number;
  /** Effective decode speed (with speculative decoding: accepted drafts included). */
  tokensPerSecond: number;
  totalMs: number;
  /** Present when the request used speculative decoding. */
  speculation?: SpeculationStats;
}

export interface SpeculationStats {
  /** Drafted tokens the model verified. */
  proposed: number;
  /** Of those, the ones it confirmed (each saved a decode step's worth of reading). */
  accepted: number;
  /** Decode steps that carried a draft. */
  drafts: number;
}

export type StopReason = "eos" | "maxTokens" | "stopString" | "abort";

export type EngineErrorCode =
  | "invalidModelFile"
  | "modelNotFound"
  | "insufficientMemory"
  | "invalidOptions"
  | "notLoaded"
  | "backendUnavailable"
  | "contextFull"
  | "internal";

// ---- host → child ----
export type HostMessage =
  | { type: "load"; requestId: string; options: LoadOptions }
  | { type: "unload"; requestId: string }
  | { type: "generate"; requestId: string; options: GenerateOptions }
  | { type: "tokenize"; requestId: string; prompt: PromptSegment[] }
  | { type: "countTokens"; requestId: string; texts: string[] }
  | { type: "abort"; requestId: string }
  | { type: "shutdown" };

// ---- child → host ----
export type EngineMessage =
  | { type: "ready"; protocolVersion: number; pid: number }
  | { type: "log"; level: "trace" | "debug" | "info" | "warn" | "error"; message: string }
  | { type: "progress"; requestId: string; fraction: number; message?: string }
  | { type: "loaded"; requestId: string; info: ModelInfo }
  | { type: "unloaded"; requestId: string }
  | { type: "chunk"; requestId: string; text: string }
  | { type: "done"; requestId: string; text: string; stopReason: StopReason; stats: GenerationStats }
  | { type: "tokens"; requestId: string; tokens: number[]; pieces?: string[] }
  | { type: "counts"; requestId: string; counts: number[] }
  | { type: "error"; requestId: string; code: EngineErrorCode; message: string };
