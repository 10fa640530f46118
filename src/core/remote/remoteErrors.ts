// Typed failures of a remote engine (TGI or an OpenAI-compatible server). Each says what happened,
// why, and what to do; the adapters only translate them into notifications.
import { RemoteEngineError, type ErrorCode } from "../errors";

/** Options shared by every remote error: text already streamed before the failure. */
export interface RemoteErrorDetails {
  /** Text the server had already streamed (also delivered through onChunk); "" when none. */
  partialText?: string;
  /** HTTP status, when the server answered. */
  status?: number;
}

export class RemoteFailure extends RemoteEngineError {
  readonly partialText: string;
  readonly status?: number;
  constructor(message: string, hint?: string, details: RemoteErrorDetails = {}) {
    super(message, hint);
    this.partialText = details.partialText ?? "";
    this.status = details.status;
  }
}

/** Connection refused, unknown host, network down: nothing answered. */
export class RemoteUnreachableError extends RemoteFailure {
  constructor(
    readonly origin: string,
    readonly systemCode: string,
  ) {
    super(
      `The remote engine at ${origin} is unreachable (${systemCode}).`,
      systemCode === "ENOTFOUND" || systemCode === "EAI_AGAIN"
        ? "Check the host name in mixtral.remote.url and your network or VPN."
        : "Check that the server is running and that mixtral.remote.url has the right host and port.",
    );
  }
}

/** The TLS handshake failed. Never bypassed: the user fixes the certificate or the URL. */
export class RemoteTlsError extends RemoteFailure {
  constructor(
    readonly origin: string,
    readonly systemCode: string,
    detail: string,
  ) {
    super(
      `The secure connection to ${origin} failed: ${detail} (${systemCode}).`,
      systemCode === "ERR_SSL_WRONG_VERSION_NUMBER" || systemCode === "EPROTO"
        ? "The server may not speak HTTPS on that port: check http:// versus https:// in mixtral.remote.url."
        : "Install the server's certificate authority in the system store (VS Code uses it), or fix the server's certificate. Certificate checks are never switched off.",
    );
  }
}

/** Connect, first-byte or idle timeout. */
export class RemoteTimeoutError extends RemoteFailure {
  constructor(
    readonly origin: string,
    readonly phase: "connect" | "firstByte" | "idle",
    readonly timeoutMs: number,
    details?: RemoteErrorDetails,
  ) {
    const what = { connect: "did not accept the connection", firstByte: "did not start answering", idle: "stopped sending" }[phase];
    super(
      `The remote engine at ${origin} ${what} within ${Math.round(timeoutMs / 1000)} s.`,
      phase === "firstByte"
        ? "The server may be busy or loading the model; try again, or raise the timeout."
        : "Check the server and the network.",
      details,
    );
  }
}

/** 401/403: no key, or a key the server refuses. */
export class RemoteAuthError extends RemoteFailure {
  static override readonly code: ErrorCode = "remoteAuth";
  constructor(
    readonly origin: string,
    status: number,
    keySent: boolean,
    serverMessage: string,
  ) {
    super(
      `The remote engine at ${origin} refused the request (${status}${serverMessage ? `: ${serverMessage}` : ""}).`,
      keySent
        ? "The stored API key was refused: run “Mixtral: Set Remote API Key” to replace it."
        : `No API key is stored for ${origin}: run “Mixtral: Set Remote API Key”.`,
      { status },
    );
  }
}

/** The prompt (plus the answer budget) does not fit the server's limits. */
export class RemotePromptTooLongError extends RemoteFailure {
  static override readonly code: ErrorCode = "contextFull";
  constructor(
    readonly promptTokens: number | undefined,
    readonly limit: number | undefined,
    serverMessage: string,
    status?: number,
    readonly maxNewTokens?: number,
  ) {
    const size =
      promptTokens !== undefined && limit !== undefined
        ? `The prompt is ${promptTokens} tokens${maxNewTokens !== undefined ? ` plus ${maxNewTokens} for the answer` : ""}; the server's limit is ${limit}.`
        : `The prompt is too long for the server (${serverMessage}).`;
    super(
      size,
      limit === undefined
        ? "Select less text or start a new chat. The server did not say its limit: set mixtral.contextSize to the context the server runs with (it is assumed for servers that do not report one)."
        : "Select less text, start a new chat, or lower mixtral.maxTokens; the server's limit is set where it is launched (e.g. TGI --max-total-tokens, llama-server --ctx-size).",
      { status },
    );
  }
}

/** 429/503 or TGI's "overloaded" after the bounded retries. */
export class RemoteOverloadedError extends RemoteFailure {
  constructor(
    readonly origin: string,
    attempts: number,
    serverMessage: string,
    status?: number,
  ) {
    super(
      `The remote engine at ${origin} is overloaded${serverMessage ? ` (${serverMessage})` : ""}; gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}.`,
      "Try again in a moment, or ask the server's operator for more capacity.",
      { status },
    );
  }
}

/** The server spoke something other than the protocol: an HTML page, a malformed event, a bad body. */
export class RemoteProtocolError extends RemoteFailure {}

/** Any other HTTP error, or an error event the server sent inside the stream. */
export class RemoteServerError extends RemoteFailure {}
