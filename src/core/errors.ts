// Typed errors raised by core; the adapters in src/vscode turn them into words and next steps.
// Every message says what happened, why, and what to do.

/** What kind of failure, set where the error is raised: the adapters map each code to its next
 *  steps in one table (src/vscode/describeError.ts), never by reading the message text. */
export type ErrorCode =
  | "modelNotInstalled"
  | "invalidModelFile"
  | "insufficientMemory"
  | "download"
  /** The download server wants a licence accepted or an access token (HTTP 401/403). */
  | "downloadAuth"
  | "invalidOptions"
  | "promptTemplate"
  /** The prompt does not fit the context (local or the server's). */
  | "contextFull"
  /** The engine process died; it restarts on the next request. */
  | "engineCrashed"
  /** The engine process died repeatedly and stays stopped until "Restart Engine". */
  | "engineStopped"
  | "engineUnavailable"
  | "remote"
  /** The server refused the API key, or needs one (HTTP 401/403). */
  | "remoteAuth"
  /** A GPU pack could not be listed, downloaded, installed or removed. */
  | "gpuPack"
  /** GPU support could not be built from source on this machine. */
  | "gpuBuild"
  | "aborted"
  | "internal";

export class MixtralError extends Error {
  /** Each subclass's default code; a raise site may pass a more precise one. */
  static readonly code: ErrorCode = "internal";
  readonly code: ErrorCode;
  constructor(
    message: string,
    readonly hint?: string,
    code?: ErrorCode,
  ) {
    super(message);
    this.name = new.target.name;
    this.code = code ?? (new.target as typeof MixtralError).code;
  }
}

/** The file is not a GGUF we can load safely (refused before native code touches it). */
export class InvalidModelFileError extends MixtralError {
  static override readonly code: ErrorCode = "invalidModelFile";
}
export class ModelNotInstalledError extends MixtralError {
  static override readonly code: ErrorCode = "modelNotInstalled";
}
export class InsufficientMemoryError extends MixtralError {
  static override readonly code: ErrorCode = "insufficientMemory";
}
/** Code "downloadAuth" when the server wants a token or an accepted licence. */
export class DownloadFailedError extends MixtralError {
  static override readonly code: ErrorCode = "download";
}
export class InvalidOptionsError extends MixtralError {
  static override readonly code: ErrorCode = "invalidOptions";
}
/** The newest message (with the system text) does not fit the context even alone; `tokens` and
 *  `limit` let an adapter say what to change (the code stays invalidOptions, as before). */
export class PromptTooLongError extends InvalidOptionsError {
  constructor(
    message: string,
    hint: string,
    readonly tokens: number,
    readonly limit: number,
    readonly contextSize: number,
  ) {
    super(message, hint);
  }
}
/** The engine process died or was restarted; partial output is kept by the caller. Code
 *  "engineStopped" once the supervisor gave up restarting it. */
export class EngineCrashedError extends MixtralError {
  static override readonly code: ErrorCode = "engineCrashed";
}
export class EngineUnavailableError extends MixtralError {
  static override readonly code: ErrorCode = "engineUnavailable";
}
export class RemoteEngineError extends MixtralError {
  static override readonly code: ErrorCode = "remote";
}
export class PromptTemplateError extends MixtralError {
  static override readonly code: ErrorCode = "promptTemplate";
}
/** The prompt does not fit in the context window; shorten it or raise the context size. */
export class ContextFullError extends MixtralError {
  static override readonly code: ErrorCode = "contextFull";
}
/** A request was cancelled through its AbortSignal (a normal outcome; callers usually ignore it). */
export class AbortedError extends MixtralError {
  static override readonly code: ErrorCode = "aborted";
}
/** A GPU pack could not be listed, installed or removed (the message says what to do next). */
export class GpuPackError extends MixtralError {
  static override readonly code: ErrorCode = "gpuPack";
}
/** Building GPU support on this machine failed or cannot start (the message says what is missing). */
export class GpuBuildError extends MixtralError {
  static override readonly code: ErrorCode = "gpuBuild";
}
