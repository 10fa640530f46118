// Typed errors in core, words in the adapters: one message with the next step for any error.
import {
  DownloadFailedError, EngineCrashedError, EngineUnavailableError, InsufficientMemoryError, InvalidModelFileError,
  InvalidOptionsError, MixtralError, ModelNotInstalledError, PromptTemplateError, RemoteEngineError,
} from "../core/errors";
import { CommandIds } from "./commandIds";

export interface ErrorDescription {
  message: string;
  actions: { title: string; command: string }[];
}

const LOG = { title: "Show Log", command: CommandIds.showLog };
const MODEL = { title: "Select Model…", command: CommandIds.selectModel };
const DOCTOR = { title: "Doctor", command: CommandIds.doctor };
const SETTINGS = { title: "Settings", command: CommandIds.openSettings };

export function describeError(err: unknown): ErrorDescription {
  const base = err instanceof Error ? err.message : String(err);
  const hint = err instanceof MixtralError && err.hint ? ` ${err.hint}` : "";
  const message = `${base}${hint}`;
  if (err instanceof ModelNotInstalledError) return { message, actions: [MODEL] };
  if (err instanceof InvalidModelFileError) return { message, actions: [MODEL, LOG] };
  if (err instanceof InsufficientMemoryError) return { message, actions: [MODEL, { title: "Load Anyway", command: CommandIds.loadAnyway }, DOCTOR] };
  if (err instanceof DownloadFailedError) return { message, actions: [MODEL, LOG] };
  if (err instanceof InvalidOptionsError) return { message, actions: [SETTINGS] };
  if (err instanceof PromptTemplateError) return { message, actions: [SETTINGS] };
  if (err instanceof RemoteEngineError) return { message, actions: [SETTINGS, DOCTOR, LOG] };
  if (err instanceof EngineCrashedError || err instanceof EngineUnavailableError) return { message, actions: [LOG, DOCTOR] };
  return { message: `Mixtral: ${message}`, actions: [LOG] };
}
