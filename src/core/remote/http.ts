// One HTTP(S) request with the timeouts and error words a remote engine needs, on Node's own
// http/https (no dependency). Redirects are not followed, so an API key never travels to another
// origin. TLS verification is Node's default and is never relaxed.
import * as http from "node:http";
import * as https from "node:https";
import { AbortedError } from "../errors";
import { RemoteServerError, RemoteTimeoutError, RemoteTlsError, RemoteUnreachableError } from "./remoteErrors";

export interface RemoteTimeouts {
  /** TCP connect. Default 10 s. */
  connectMs: number;
  /** From the request to the response headers (the server may queue us). Default 180 s. */
  firstByteMs: number;
  /** Longest silence inside a response body (TGI sends keep-alives every 15 s; llama-server
   *  sends nothing while it evaluates a long prompt). Default 120 s. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: RemoteTimeouts = { connectMs: 10_000, firstByteMs: 180_000, idleMs: 120_000 };

export interface HttpRequestOptions {
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** JSON text. */
  body?: string;
  signal?: AbortSignal;
  timeouts: RemoteTimeouts;
  agent?: http.Agent;
  /** Internal: this is the one resend after a stale kept-alive socket. */
  isRetryOfStaleSocket?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as UTF-8 text chunks (multi-byte characters never split). Throws typed errors. */
  chunks(): AsyncIterableIterator<string>;
  /** The whole body, at most `limit` characters (the rest is dropped and the connection closed). */
  text(limit?: number): Promise<string>;
  /** Closes the connection (cancellation closes it, so the server stops generating). */
  close(): void;
}

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EADDRNOTAVAIL",
]);

/** Words for a socket-level failure. */
export function mapNetworkError(err: unknown, origin: string): Error {
  if (err instanceof AbortedError || err instanceof RemoteServerError || err instanceof RemoteTimeoutError) return err;
  if (err instanceof Error && err.name.startsWith("Remote")) return err;
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = e instanceof Error ? e.message : String(err);
  if (/CERT|SSL|TLS|EPROTO/.test(code) || /certificate|ssl|tls/i.test(message)) return new RemoteTlsError(origin, code || "TLS", message);
  if (UNREACHABLE.has(code)) return new RemoteUnreachableError(origin, code);
  if (message === "socket hang up") return new RemoteUnreachableError(origin, "ECONNRESET");
  return new RemoteServerError(`The request to ${origin} failed: ${message}.`, "Check mixtral.remote.url and the server's log.");
}

export function sendRequest(url: URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const origin = url.origin;
  const mod = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
  if (!mod)
    return Promise.reject(new RemoteServerError(`Unsupported URL scheme "${url.protocol}" in ${url.href}.`, "Use http:// or https://."));
  const { signal, timeouts } = options;
  if (signal?.aborted) return Promise.reject(new AbortedError("The request was cancelled."));

  return new Promise<HttpResponse>((resolve, reject) => {
    const req = mod.request(url, { method: options.method, headers: requestHeaders(options), agent: options.agent });
    let res: http.IncomingMessage | undefined;
    // The body, once the response arrived; failures go to its reader from then on.
    let body: ResponseBody | undefined;
    let settled = false;
    const fail = (err: Error) => {
      deadline.clear();
      req.destroy();
      res?.destroy();
      const mapped = err instanceof AbortedError ? err : mapNetworkError(err, origin);
      if (!settled) {
        settled = true;
        reject(mapped);
      } else body?.fail(mapped);
    };
    const deadline = new Deadline(fail);
    const onAbort = () => fail(new AbortedError("The request was cancelled."));
    signal?.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      deadline.clear();
      signal?.removeEventListener("abort", onAbort);
    };

    req.on("socket", (socket) => {
      const firstByte = () => deadline.arm(timeouts.firstByteMs, () => new RemoteTimeoutError(origin, "firstByte", timeouts.firstByteMs));
      if ((socket as { connecting?: boolean }).connecting) {
        deadline.arm(timeouts.connectMs, () => new RemoteTimeoutError(origin, "connect", timeouts.connectMs));
        socket.once("connect", firstByte);
      } else {
        firstByte();
      }
    });
    req.on("error", (err) => {
      if (!settled && isStaleSocket(req, err, options)) {
        settled = true;
        cleanup();
        resolve(sendRequest(url, { ...options, isRetryOfStaleSocket: true }));
        return;
      }
      fail(err);
    });
    req.on("response", (response) => {
      res = response;
      settled = true;
      const idle = () => deadline.arm(timeouts.idleMs, () => new RemoteTimeoutError(origin, "idle", timeouts.idleMs));
      body = new ResponseBody(req, response, origin, cleanup, idle);
      resolve(body.toHttpResponse());
    });
    req.end(options.body);
  });
}

function requestHeaders(options: HttpRequestOptions): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(options.body));
  }
  return headers;
}

/** A kept-alive socket the server had already closed (llama-server's idle keep-alive ends it after
 *  a few seconds) fails before any byte of the answer: the request is sent once more on a fresh one. */
function isStaleSocket(req: http.ClientRequest, err: Error, options: HttpRequestOptions): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return (
    req.reusedSocket && !options.isRetryOfStaleSocket && (code === "ECONNRESET" || code === "EPIPE" || err.message === "socket hang up")
  );
}

/** One timeout at a time (connect, first byte, idle): arming one replaces the last. */
class Deadline {
  private timer?: NodeJS.Timeout;

  constructor(private readonly onExpired: (err: Error) => void) {}

  arm(ms: number, make: () => Error): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onExpired(make()), ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** A small queue between the response's events and the async iterator its reader uses. */
class ResponseBody {
  private readonly queue: string[] = [];
  private ended = false;
  private error?: Error;
  private wake?: () => void;

  constructor(
    private readonly req: http.ClientRequest,
    private readonly response: http.IncomingMessage,
    origin: string,
    private readonly cleanup: () => void,
    idle: () => void,
  ) {
    response.setEncoding("utf8");
    idle();
    response.on("data", (d: string) => {
      idle();
      this.queue.push(d);
      this.notify();
    });
    response.on("end", () => {
      this.ended = true;
      cleanup();
      this.notify();
    });
    response.on("error", (err) => {
      if (!this.error) this.error = mapNetworkError(err, origin);
      cleanup();
      this.notify();
    });
    // "close" without "end": the server cut the connection mid-body.
    response.on("close", () => {
      if (!this.ended && !this.error) {
        this.ended = true;
        cleanup();
        this.notify();
      }
    });
  }

  /** A failure after the headers (a timeout, a cancel): the reader gets it next. */
  fail(err: Error): void {
    this.error = err;
    this.cleanup();
    this.notify();
  }

  toHttpResponse(): HttpResponse {
    const { response, req, cleanup } = this;
    const chunks = () => this.chunks();
    return {
      status: response.statusCode ?? 0,
      headers: response.headers,
      chunks,
      async text(limit = 65_536) {
        let out = "";
        for await (const c of chunks()) {
          out += c;
          if (out.length >= limit) {
            response.destroy();
            cleanup();
            return out.slice(0, limit);
          }
        }
        return out;
      },
      close: () => {
        cleanup();
        // A finished response leaves its socket to the keep-alive pool; only cut a running one.
        if (!this.ended || this.error) {
          response.destroy();
          req.destroy();
        }
      },
    };
  }

  private async *chunks(): AsyncIterableIterator<string> {
    for (;;) {
      if (this.queue.length) {
        yield this.queue.shift() as string;
        continue;
      }
      if (this.error) throw this.error;
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
