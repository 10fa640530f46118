// The chat view's header from the engine's status: state, words, progress, the model and its
// backend, and after an error its actions from the error table.
import type { ErrorAction, HeaderInfo } from "../../shared/protocol";
import { ACTIONS_BY_CODE } from "../describeError";
import type { EngineStatus } from "../services";

export function toHeader(s: EngineStatus): HeaderInfo {
  const h: HeaderInfo = { state: s.state, engine: s.engine };
  if (s.message) h.message = s.message;
  // After repeated crashes Restart Engine is the retry; otherwise Retry comes first.
  if (s.state === "error" && s.code)
    h.actions = [...new Set<ErrorAction>([...(s.code === "engineStopped" ? [] : ["retry" as const]), ...ACTIONS_BY_CODE[s.code]])];
  if (typeof s.progress === "number") h.progress = s.progress;
  if (s.info) {
    h.model = s.info.name || s.info.fileName;
    h.quantization = s.info.quantization;
    h.backend = s.info.gpuName ? `${s.info.backend} (${s.info.gpuName})` : s.info.backend;
  }
  return h;
}
