// One HTTP(S) GET for the downloader: follows redirects itself so the Authorization header goes
// only to the origin the token was given for (the hub redirects LFS files to a CDN on another
// host, and a token must never travel there), refuses https→http downgrades, collects the hub's
// X-Linked-Size / X-Linked-Etag from any hop, and bounds the wait for response headers.
import * as http from "node:http";
import * as https from "node:https";
import { DownloadFailedError } from "../errors";

export interface GetOptions {
  url: string;
  headers?: Record<string, string>;
  /** Bearer token sent only to `tokenOrigin` (default: the origin of `url`). */
  token?: string;
  tokenOrigin?: string;
  /** Milliseconds to wait for the response headers, per hop; default 15 000. */
  connectTimeoutMs?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
}

export interface GetResponse {
  res: http.IncomingMessage;
  finalUrl: string;
  /** From the hub's LFS redirect, when present. */
  linkedSize?: number;
  linkedSha256?: string;
  /** Whether the Authorization header was sent on the final hop (for logs and tests). */
  sentToken: boolean;
}

export class TransientHttpError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export async function httpGet(options: GetOptions): Promise<GetResponse> {
  let url = new URL(options.url);
  const tokenOrigin = options.tokenOrigin ?? url.origin;
  let linkedSize: number | undefined;
  let linkedSha256: string | undefined;
  for (let hop = 0; hop <= (options.maxRedirects ?? 10); hop++) {
    const sendToken = !!options.token && url.origin === tokenOrigin;
    const headers: Record<string, string> = { "user-agent": "mixtral-local", ...options.headers };
    if (sendToken) headers.authorization = `Bearer ${options.token}`;
    const res = await requestOnce(url, headers, options.connectTimeoutMs ?? 15_000, options.signal);
    const size = Number(res.headers["x-linked-size"]);
    if (Number.isSafeInteger(size) && size > 0) linkedSize = size;
    const etag = String(res.headers["x-linked-etag"] ?? "")
      .replace(/^W\//, "")
      .replace(/"/g, "");
    if (/^[0-9a-f]{64}$/i.test(etag)) linkedSha256 = etag.toLowerCase();
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
      res.resume();
      const next = new URL(res.headers.location, url);
      if (url.protocol === "https:" && next.protocol !== "https:") {
        throw new DownloadFailedError(
          `The server redirected the download from https to ${next.protocol} (${next.host}); refusing an unencrypted hop.`,
        );
      }
      url = next;
      continue;
    }
    return { res, finalUrl: url.href, linkedSize, linkedSha256, sentToken: sendToken };
  }
  throw new DownloadFailedError(`Too many redirects downloading ${options.url}.`);
}

function requestOnce(url: URL, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
    const mod = url.protocol === "https:" ? https : http;
    // A fresh agent-less request: the default agent's keep-alive pool would let a dropped
    // connection be reused for the resume.
    const req = mod.request(url, { method: "GET", headers, agent: false });
    const timer = setTimeout(
      () => req.destroy(new TransientHttpError(`no response from ${url.host} within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("response", (res) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(res);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      reject(err);
    });
    req.end();
  });
}
