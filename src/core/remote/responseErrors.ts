// Turns a non-2xx answer, or an error event inside a stream, into a typed error. Knows the error
// shapes of TGI ({error, error_type}), OpenAI/vLLM ({error: {message, type, code}}) and llama-server
// ({error: {code, message, type, n_prompt_tokens, n_ctx}}), and recognises HTML pages (proxies,
// login portals, load balancers).
import type { HttpResponse } from "./http";
import {
  RemoteAuthError,
  RemoteFailure,
  RemoteOverloadedError,
  RemoteProtocolError,
  RemotePromptTooLongError,
  RemoteServerError,
} from "./remoteErrors";

export interface ServerErrorBody {
  message: string;
  type?: string;
  /** OpenAI's machine-readable code, e.g. "context_length_exceeded". */
  code?: string;
  promptTokens?: number;
  limit?: number;
}

/** Pulls the message (and llama-server's token counts) out of a JSON error body or SSE error event. */
export function parseErrorBody(text: string): ServerErrorBody | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : undefined);
  if (typeof o.error === "string") return { message: o.error, type: typeof o.error_type === "string" ? o.error_type : undefined };
  if (typeof o.error === "object" && o.error !== null) {
    const e = o.error as Record<string, unknown>;
    return {
      message: typeof e.message === "string" ? e.message : JSON.stringify(e),
      type: typeof e.type === "string" ? e.type : typeof e.code === "string" ? e.code : undefined,
      code: typeof e.code === "string" ? e.code : undefined,
      promptTokens: num(e.n_prompt_tokens),
      limit: num(e.n_ctx),
    };
  }
  if (typeof o.message === "string") return { message: o.message, type: typeof o.type === "string" ? o.type : undefined };
  if (typeof o.detail === "string") return { message: o.detail };
  return undefined;
}

/** Token counts from the known "prompt too long" messages, or undefined if it is not one. */
export function parsePromptTooLong(message: string): { promptTokens?: number; limit?: number; maxNewTokens?: number } | undefined {
  // TGI: "`inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 512 `max_new_tokens`"
  let m = /must be <= (\d+)\. Given: (\d+) `?inputs`? tokens and (\d+) `?max_new_tokens/.exec(message);
  if (m) return { limit: +m[1], promptTokens: +m[2], maxNewTokens: +m[3] };
  // TGI: "`inputs` must have less than 4095 tokens. Given: 5000"
  m = /inputs`? must have less than (\d+) tokens\. Given: (\d+)/.exec(message);
  if (m) return { limit: +m[1], promptTokens: +m[2] };
  // OpenAI / vLLM: "maximum context length is 4096 tokens. However, you requested 5000 tokens (4500 in the messages, 500 in the completion)"
  m =
    /maximum context length is (\d+) tokens\. However, you requested (\d+) tokens(?: \((\d+) in the messages, (\d+) in the completion\))?/.exec(
      message,
    );
  if (m) return { limit: +m[1], promptTokens: m[3] !== undefined ? +m[3] : +m[2], maxNewTokens: m[4] !== undefined ? +m[4] : undefined };
  // OpenAI: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. …"
  m = /maximum context length is (\d+) tokens\. However, your messages resulted in (\d+) tokens/.exec(message);
  if (m) return { limit: +m[1], promptTokens: +m[2] };
  // vLLM: "This model's maximum context length is 4096 tokens. However, your request has 5000 input tokens."
  m = /maximum context length is (\d+) tokens.*?(\d+) input tokens/.exec(message);
  if (m) return { limit: +m[1], promptTokens: +m[2] };
  // Any other wording that still states the limit.
  m = /maximum context length is (\d+) tokens/.exec(message);
  if (m) return { limit: +m[1] };
  // LM Studio: "… However, the model is loaded with context length of only 4096 tokens, which is not enough. …"
  m = /loaded with context length of only (\d+) tokens/.exec(message);
  if (m) return { limit: +m[1] };
  if (/exceeds? the available context size|context length|too long|prompt is too long/i.test(message)) return {};
  return undefined;
}

function htmlTitle(body: string): string | undefined {
  const m = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(body);
  return m ? m[1].trim().replace(/\s+/g, " ") : undefined;
}

export function isHtml(contentType: string | undefined, body: string): boolean {
  return /text\/html/i.test(contentType ?? "") || /^\s*<(!doctype html|html)/i.test(body);
}

export function htmlPageError(origin: string, status: number, body: string, partialText?: string): RemoteProtocolError {
  const title = htmlTitle(body);
  return new RemoteProtocolError(
    `The server at ${origin} answered with an HTML page instead of the inference API (status ${status}${title ? `, “${title}”` : ""}).`,
    "A proxy, login portal or wrong path is in the way: check mixtral.remote.url (the server's base URL, without /v1 or /generate).",
    { status, partialText },
  );
}

export interface ErrorContext {
  origin: string;
  keySent: boolean;
  attempts: number;
  partialText?: string;
}

/** An error from a parsed server error (HTTP body or in-stream event). */
export function errorFromServerMessage(status: number | undefined, body: ServerErrorBody, ctx: ErrorContext): RemoteFailure {
  const too = parsePromptTooLong(body.message);
  // llama-server's type (with n_ctx), OpenAI's code (the message may carry no number).
  const tooType = body.type === "exceed_context_size_error" || body.code === "context_length_exceeded";
  if (too || tooType) {
    return new RemotePromptTooLongError(
      too?.promptTokens ?? body.promptTokens,
      too?.limit ?? body.limit,
      body.message,
      status,
      too?.maxNewTokens,
    );
  }
  if (status === 401 || status === 403) return new RemoteAuthError(ctx.origin, status, ctx.keySent, body.message);
  if (status === 429 || status === 503 || body.type === "overloaded")
    return new RemoteOverloadedError(ctx.origin, ctx.attempts, body.message, status);
  return new RemoteServerError(
    `The remote engine at ${ctx.origin} reported an error${status ? ` (${status})` : ""}: ${body.message}`,
    status === 404
      ? "Check mixtral.remote.url and mixtral.engine (tgi or openai): the path does not exist on this server."
      : "See the server's log.",
    { status, partialText: ctx.partialText },
  );
}

/** Reads a non-2xx response and returns the matching typed error. */
export async function errorFromResponse(res: HttpResponse, ctx: ErrorContext): Promise<RemoteFailure> {
  const body = await res.text().catch(() => "");
  if (isHtml(res.headers["content-type"], body)) return htmlPageError(ctx.origin, res.status, body);
  const parsed = parseErrorBody(body) ?? { message: body.trim().slice(0, 300) };
  if (res.status >= 300 && res.status < 400) {
    return new RemoteServerError(
      `The server at ${ctx.origin} redirected the request (${res.status} to ${String(res.headers.location ?? "?")}); redirects are not followed.`,
      "Put the final address in mixtral.remote.url (e.g. https:// instead of http://).",
      { status: res.status },
    );
  }
  return errorFromServerMessage(res.status, parsed, ctx);
}
