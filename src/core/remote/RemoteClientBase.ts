// What the TGI and OpenAI clients share: the base URL, headers (the API key only for the origin it
// was stored for), JSON requests, and the retry loop that retries only before the first token.
import * as http from "node:http";
import * as https from "node:https";
import { AbortedError } from "../errors";
import type { GenerateRequest, GenerateResult, InferenceBackend } from "../engineClient/types";
import type { ModelInfo } from "../../shared/engineProtocol";
import { sleep } from "../sleep";
import { GenerationRun } from "./generationRun";
import { parseRetryAfter } from "../retryAfter";
import { DEFAULT_TIMEOUTS, sendRequest, type HttpResponse, type RemoteTimeouts } from "./http";
import { errorFromResponse, errorFromServerMessage, htmlPageError, isHtml, parseErrorBody, type ErrorContext } from "./responseErrors";
import { RemoteFailure, RemoteOverloadedError, RemoteProtocolError, RemoteTimeoutError, RemoteUnreachableError } from "./remoteErrors";

export interface RemoteApiKey {
  /** The origin (scheme://host:port) the key was stored for; it is sent nowhere else. */
  origin: string;
  key: string;
}

export interface RemoteClientOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8080 (a trailing /v1 is accepted for OpenAI). */
  baseUrl: string;
  /** OpenAI `model` field. Default: the first model the server lists, else "default". */
  model?: string;
  /** Extra headers from mixtral.remote.headers. */
  headers?: Record<string, string>;
  apiKey?: RemoteApiKey;
  /** Default DEFAULT_TIMEOUTS (connect 10 s, first byte 180 s, idle 120 s). */
  timeouts?: Partial<RemoteTimeouts>;
  /** Retries of a 429/503/"overloaded" answer before the first token. Default 3. */
  maxRetries?: number;
  /** Longest single wait between retries, whatever Retry-After says. Default 30 s. */
  maxRetryWaitMs?: number;
  /** The context size (tokens) assumed for a server that does not report one (Ollama, LM Studio,
   *  OpenAI list only id/object/created/owned_by): mixtral.contextSize. Default 8192. A limit the
   *  server states in a "context length exceeded" refusal replaces it. */
  contextSize?: number;
  /** Nucleus sampling; undefined leaves the server's default. */
  topP?: number;
  /** Top-k sampling; undefined leaves the server's default. */
  topK?: number;
  /** Never receives headers or keys: URLs, statuses and timings only. */
  log?: (level: "debug" | "info" | "warn", message: string) => void;
}

/** Thrown by an attempt that may be retried (overloaded before the first token). */
export class RetryableError extends Error {
  constructor(
    readonly failure: RemoteFailure,
    readonly retryAfterMs: number | undefined,
  ) {
    super(failure.message);
  }
}

export abstract class RemoteClientBase implements InferenceBackend {
  abstract readonly kind: "tgi" | "openai";
  protected readonly base: URL;
  protected readonly timeouts: RemoteTimeouts;
  protected info: ModelInfo | undefined;
  private readonly agent: http.Agent;
  private disposed = false;
  private readonly inFlight = new Set<AbortController>();

  constructor(protected readonly options: RemoteClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new RemoteProtocolError(
        `mixtral.remote.url "${options.baseUrl}" is not a URL.`,
        "Set it to the server's base URL, e.g. http://127.0.0.1:8080.",
      );
    }
    if (!url.pathname.endsWith("/")) url.pathname += "/";
    this.base = url;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    // Kept-alive connections: inline completions should not pay a TCP/TLS handshake each time.
    this.agent = url.protocol === "https:" ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  get origin(): string {
    return this.base.origin;
  }

  protected url(path: string): URL {
    return new URL(path.replace(/^\//, ""), this.base);
  }

  /** True when a key is attached to requests to this origin. */
  get keySent(): boolean {
    return !!this.options.apiKey && this.options.apiKey.origin === this.base.origin;
  }

  protected headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...(this.options.headers ?? {}), ...extra };
    if (this.keySent) h.authorization = `Bearer ${this.options.apiKey?.key}`;
    return h;
  }

  protected log(level: "debug" | "info" | "warn", message: string): void {
    this.options.log?.(level, message);
  }

  protected errorContext(partialText = "", attempts = 1): ErrorContext {
    return { origin: this.origin, keySent: this.keySent, attempts, partialText };
  }

  protected send(
    path: string,
    method: "GET" | "POST",
    body: unknown,
    signal?: AbortSignal,
    accept = "application/json",
  ): Promise<HttpResponse> {
    return sendRequest(this.url(path), {
      method,
      headers: this.headers({ accept }),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      timeouts: this.timeouts,
      agent: this.agent,
    });
  }

  /** A small JSON request (info, tokenize, models); typed errors on failure. */
  protected async getJson(path: string, method: "GET" | "POST" = "GET", body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const res = await this.send(path, method, body, signal);
    if (res.status < 200 || res.status > 299) throw await errorFromResponse(res, this.errorContext());
    const text = await res.text(8 * 1024 * 1024);
    if (isHtml(res.headers["content-type"], text)) throw htmlPageError(this.origin, res.status, text);
    try {
      return JSON.parse(text);
    } catch {
      throw new RemoteProtocolError(
        `The server at ${this.origin} sent a body that is not JSON for ${path}: ${text.slice(0, 120)}`,
        "Check mixtral.engine (tgi or openai) and mixtral.remote.url.",
      );
    }
  }

  /** Opens a streaming request; non-2xx answers become typed errors (429/503 retryable). */
  protected async openStream(path: string, body: unknown, signal: AbortSignal, attempt: number): Promise<HttpResponse> {
    const res = await this.send(path, "POST", body, signal, "text/event-stream");
    if (res.status === 200) {
      const type = String(res.headers["content-type"] ?? "");
      if (/text\/event-stream/i.test(type)) return res;
      const text = await res.text();
      if (isHtml(type, text)) throw htmlPageError(this.origin, res.status, text);
      throw new RemoteProtocolError(
        `The server at ${this.origin} did not stream its answer (content-type "${type || "none"}").`,
        "Check mixtral.engine: tgi for Text Generation Inference, openai for OpenAI-compatible servers.",
        { status: res.status },
      );
    }
    const err = await errorFromResponse(res, this.errorContext("", attempt));
    if (res.status === 429 || res.status === 503) throw new RetryableError(err, parseRetryAfter(res.headers["retry-after"]));
    throw err;
  }

  /** A streamed event's data as a JSON object; an error event becomes its typed error (retryable
   *  while nothing was shown), anything else that is no JSON object a protocol error. */
  protected eventJson(data: string, run: GenerationRun, attempt: number): Record<string, unknown> {
    let v: unknown;
    try {
      v = JSON.parse(data);
    } catch {
      v = undefined;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      const server = this.kind === "tgi" ? "a TGI server (mixtral.engine: tgi)" : "an OpenAI-compatible server (mixtral.engine: openai)";
      throw new RemoteProtocolError(
        `The server at ${this.origin} sent a malformed event: ${data.slice(0, 200)}`,
        `Check that mixtral.remote.url points at ${server}.`,
        { partialText: run.text },
      );
    }
    const event = v as Record<string, unknown>;
    if (event.error !== undefined) {
      const err = errorFromServerMessage(
        undefined,
        parseErrorBody(data) ?? { message: String(event.error) },
        this.errorContext(run.text, attempt),
      );
      if (err instanceof RemoteOverloadedError && !run.hasOutput) throw new RetryableError(err, undefined);
      throw err;
    }
    return event;
  }

  /** Runs attempts, retrying overloaded answers before the first token with bounded waits; an abort
   *  resolves with the partial text; a connection lost after the first token resolves incomplete. */
  protected async retrying(
    run: GenerationRun,
    signal: AbortSignal,
    attempt: (n: number) => Promise<GenerateResult>,
  ): Promise<GenerateResult> {
    const maxRetries = this.options.maxRetries ?? 3;
    const maxWait = this.options.maxRetryWaitMs ?? 30_000;
    for (let n = 1; ; n++) {
      try {
        return await attempt(n);
      } catch (err) {
        if (err instanceof AbortedError || signal.aborted) return run.finish("abort");
        if (err instanceof RetryableError && !run.hasOutput) {
          if (n > maxRetries) {
            const c = err.failure;
            throw new RemoteOverloadedError(this.origin, n, c instanceof RemoteOverloadedError ? "" : c.message, c.status);
          }
          const wait = Math.min(maxWait, err.retryAfterMs ?? 500 * 2 ** (n - 1));
          this.log("info", `[remote] ${this.origin} is overloaded (attempt ${n}); retrying in ${wait} ms`);
          if (!(await sleep(wait, signal))) return run.finish("abort");
          continue;
        }
        const failure = err instanceof RetryableError ? err.failure : err;
        // The answer had started: keep it, marked incomplete, rather than throwing it away.
        if (run.hasOutput && (failure instanceof RemoteTimeoutError || failure instanceof RemoteUnreachableError)) {
          this.log("warn", `[remote] ${failure.message}`);
          return run.finish("abort", {}, `${failure.message} The partial answer is kept`);
        }
        if (failure instanceof RemoteFailure && !failure.partialText && run.text) {
          (failure as { partialText: string }).partialText = run.text;
        }
        throw failure;
      }
    }
  }

  /** Ties the caller's signal and dispose() to one controller per request. */
  protected track(signal: AbortSignal | undefined): { signal: AbortSignal; done: () => void } {
    const c = new AbortController();
    if (this.disposed) c.abort();
    const onAbort = () => c.abort();
    if (signal?.aborted) c.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.inFlight.add(c);
    return {
      signal: c.signal,
      done: () => {
        signal?.removeEventListener("abort", onAbort);
        this.inFlight.delete(c);
      },
    };
  }

  async generate(request: GenerateRequest, onChunk: (text: string) => void, signal?: AbortSignal): Promise<GenerateResult> {
    const run = new GenerationRun(request, onChunk);
    const t = this.track(signal);
    try {
      return await this.retrying(run, t.signal, (n) => this.attempt(request, run, t.signal, n));
    } finally {
      t.done();
    }
  }

  protected abstract attempt(request: GenerateRequest, run: GenerationRun, signal: AbortSignal, attempt: number): Promise<GenerateResult>;
  abstract countTokens(texts: string[], signal?: AbortSignal): Promise<number[]>;
  /** Fetches the server's description (model, limits); typed errors when the server is not usable. */
  abstract refreshInfo(signal?: AbortSignal): Promise<ModelInfo>;

  modelInfo(): ModelInfo | undefined {
    return this.info;
  }

  dispose(): void {
    this.disposed = true;
    for (const c of this.inFlight) c.abort();
    this.agent.destroy();
  }
}

/** A token count that does not need the server: ~3 bytes per token for Mistral's vocabulary on
 *  code and English, rounded up so that budgets err on the safe side. Marked as an estimate. */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text) / 3);
}
