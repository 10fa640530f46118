// Runtime validation of the engine protocol (engineProtocol.ts): every message crossing the
// process boundary is checked field by field before either side trusts it.
import type {
  BackendFailure,
  EngineMessage,
  GenerateOptions,
  GenerationStats,
  HostMessage,
  LoadOptions,
  ModelInfo,
  PromptSegment,
} from "./engineProtocol";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isNumArr = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

export function isPromptSegments(v: unknown): v is PromptSegment[] {
  return (
    Array.isArray(v) &&
    v.every(
      (s) =>
        isObj(s) &&
        (s.type === "bos" ||
          s.type === "eos" ||
          (s.type === "text" && isStr(s.text) && (s.special === undefined || typeof s.special === "boolean"))),
    )
  );
}

const LOG_LEVELS = new Set(["trace", "debug", "info", "warn", "error"]);
const STOP_REASONS = new Set(["eos", "maxTokens", "stopString", "abort"]);
const ERROR_CODES = new Set([
  "invalidModelFile",
  "modelNotFound",
  "insufficientMemory",
  "invalidOptions",
  "notLoaded",
  "backendUnavailable",
  "contextFull",
  "internal",
]);

function isStats(v: unknown): v is GenerationStats {
  return (
    isObj(v) &&
    ["promptTokens", "evaluatedTokens", "generatedTokens", "ttftMs", "tokensPerSecond", "totalMs"].every((k) => isNum(v[k])) &&
    (v.speculation === undefined ||
      (isObj(v.speculation) && ["proposed", "accepted", "drafts"].every((k) => isNum((v.speculation as Obj)[k]))))
  );
}

function isModelInfo(v: unknown): v is ModelInfo {
  return (
    isObj(v) &&
    isStr(v.path) &&
    isStr(v.fileName) &&
    isNum(v.sizeBytes) &&
    isStr(v.architecture) &&
    isNum(v.expertCount) &&
    isNum(v.expertUsedCount) &&
    isNum(v.trainContextSize) &&
    isNum(v.contextSize) &&
    isStr(v.quantization) &&
    isNum(v.layerCount) &&
    isNum(v.gpuLayers) &&
    isStr(v.backend) &&
    isStr(v.description) &&
    isStrArr(v.notices) &&
    isNum(v.loadMs)
  );
}

/** Validates a message from the child. Returns undefined for anything malformed. */
export function parseEngineMessage(v: unknown): EngineMessage | undefined {
  if (!isObj(v) || !isStr(v.type)) return undefined;
  const m = v as Obj & { type: EngineMessage["type"] };
  const rid = isStr(m.requestId);
  switch (m.type) {
    case "ready":
      return isNum(m.protocolVersion) && isNum(m.pid) ? (m as EngineMessage) : undefined;
    case "log":
      return LOG_LEVELS.has(m.level as string) && isStr(m.message) ? (m as EngineMessage) : undefined;
    case "progress":
      return rid && isNum(m.fraction) && (m.message === undefined || isStr(m.message)) ? (m as EngineMessage) : undefined;
    case "loaded":
      return rid && isModelInfo(m.info) ? (m as EngineMessage) : undefined;
    case "unloaded":
      return rid ? (m as EngineMessage) : undefined;
    case "chunk":
      return rid && isStr(m.text) ? (m as EngineMessage) : undefined;
    case "done":
      return rid && isStr(m.text) && STOP_REASONS.has(m.stopReason as string) && isStats(m.stats) ? (m as EngineMessage) : undefined;
    case "tokens":
      return rid && isNumArr(m.tokens) && (m.pieces === undefined || isStrArr(m.pieces)) ? (m as EngineMessage) : undefined;
    case "counts":
      return rid && isNumArr(m.counts) ? (m as EngineMessage) : undefined;
    case "error":
      return rid && ERROR_CODES.has(m.code as string) && isStr(m.message) ? (m as EngineMessage) : undefined;
    default: {
      const _exhaustive: never = m.type;
      void _exhaustive;
      return undefined;
    }
  }
}

function isBackendFailure(v: unknown): v is BackendFailure {
  return (
    isObj(v) &&
    (v.backend === "cuda" || v.backend === "vulkan" || v.backend === "metal") &&
    typeof v.deterministic === "boolean" &&
    isStr(v.signature) &&
    isStr(v.reason) &&
    isStr(v.fix) &&
    (v.label === undefined || isStr(v.label))
  );
}

function isLoadOptions(v: unknown): v is LoadOptions {
  return (
    isObj(v) &&
    isStr(v.modelPath) &&
    isStr(v.backend) &&
    (v.gpuLayers === "auto" || v.gpuLayers === "max" || isNum(v.gpuLayers)) &&
    isNum(v.contextSize) &&
    (v.expertsPerToken === undefined || isNum(v.expertsPerToken)) &&
    isNum(v.threads) &&
    isStr(v.flashAttention) &&
    typeof v.useMmap === "boolean" &&
    Array.isArray(v.loraAdapters) &&
    v.loraAdapters.every((a) => isObj(a) && isStr(a.path) && isNum(a.scale)) &&
    (v.avoidBackends === undefined || (Array.isArray(v.avoidBackends) && v.avoidBackends.every(isBackendFailure)))
  );
}

function isGenerateOptions(v: unknown): v is GenerateOptions {
  return (
    isObj(v) &&
    (v.slot === "chat" || v.slot === "completion") &&
    isPromptSegments(v.prompt) &&
    isNum(v.maxTokens) &&
    isNum(v.temperature) &&
    (v.stopStrings === undefined || isStrArr(v.stopStrings)) &&
    (v.grammar === undefined || isStr(v.grammar)) &&
    (v.jsonSchema === undefined || isObj(v.jsonSchema)) &&
    (v.seed === undefined || isNum(v.seed)) &&
    (v.speculation === undefined || v.speculation === "auto" || v.speculation === "off" || v.speculation === "always") &&
    (v.forceTokens === undefined || isNumArr(v.forceTokens))
  );
}

/** Validates a message from the host (in the child). */
export function parseHostMessage(v: unknown): HostMessage | undefined {
  if (!isObj(v) || !isStr(v.type)) return undefined;
  const m = v as Obj & { type: HostMessage["type"] };
  const rid = isStr(m.requestId);
  switch (m.type) {
    case "load":
      return rid && isLoadOptions(m.options) ? (m as HostMessage) : undefined;
    case "unload":
      return rid ? (m as HostMessage) : undefined;
    case "generate":
      return rid && isGenerateOptions(m.options) ? (m as HostMessage) : undefined;
    case "tokenize":
      return rid && isPromptSegments(m.prompt) ? (m as HostMessage) : undefined;
    case "countTokens":
      return rid && isStrArr(m.texts) ? (m as HostMessage) : undefined;
    case "abort":
      return rid ? (m as HostMessage) : undefined;
    case "shutdown":
      return m as HostMessage;
    default: {
      const _exhaustive: never = m.type;
      void _exhaustive;
      return undefined;
    }
  }
}
