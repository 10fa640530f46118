// Typed errors raised by core; the adapters in src/vscode turn them into words and next steps.
// Every message says what happened, why, and what to do.

export class MixtralError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The file is not a GGUF we can load safely (refused before native code touches it). */
export class InvalidModelFileError extends MixtralError {}
export class ModelNotInstalledError extends MixtralError {}
export class InsufficientMemoryError extends MixtralError {}
export class DownloadFailedError extends MixtralError {}
export class InvalidOptionsError extends MixtralError {}
/** The engine process died or was restarted; partial output is kept by the caller. */
export class EngineCrashedError extends MixtralError {}
export class EngineUnavailableError extends MixtralError {}
export class RemoteEngineError extends MixtralError {}
export class PromptTemplateError extends MixtralError {}
/** The prompt does not fit in the context window; shorten it or raise the context size. */
export class ContextFullError extends MixtralError {}
/** A request was cancelled through its AbortSignal (a normal outcome; callers usually ignore it). */
export class AbortedError extends MixtralError {}
/** Content that must not go into a prompt: binary data, minified/generated lines, text too long. */
export class ContentRefusedError extends MixtralError {}
/** A GPU pack could not be listed, installed or removed (the message says what to do next). */
export class GpuPackError extends MixtralError {}
/** Building GPU support on this machine failed or cannot start (the message says what is missing). */
export class GpuBuildError extends MixtralError {}
