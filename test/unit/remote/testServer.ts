// A real HTTP server on 127.0.0.1 for the remote-engine tests: each test gives the handler that
// speaks the protocol (or the fault) it needs; requests are recorded with their headers and bodies.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown> | undefined;
  /** Resolves when the client closed the connection (or the response ended). */
  closed: Promise<void>;
}

export type Handler = (req: RecordedRequest, res: http.ServerResponse) => void | Promise<void>;

export interface TestServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: Record<string, unknown> | undefined;
      try {
        json = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      const closed = new Promise<void>((r) => res.on("close", () => r()));
      const rec: RecordedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json, closed };
      requests.push(rec);
      void Promise.resolve(handler(rec, res)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export { sleep } from "../../helpers/wait";

/** Starts an SSE response. */
export function sseHead(res: http.ServerResponse, extra: Record<string, string> = {}): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...extra });
  // Node holds the head until the first write; servers send it at once.
  res.flushHeaders();
}

/** One event as TGI writes it (`data:` without a space) or as OpenAI servers do (`data: `). */
export function sseEvent(res: http.ServerResponse, data: unknown, space = false): void {
  res.write(`data:${space ? " " : ""}${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

/** A TGI token event. */
export function tgiToken(id: number, text: string, special = false): Record<string, unknown> {
  return { index: id, token: { id, text, logprob: -0.5, special }, top_tokens: null, generated_text: null, details: null };
}

/** TGI's final event: the last token, the whole text and the details. */
export function tgiFinal(
  id: number,
  text: string,
  special: boolean,
  generated: string,
  finish: string,
  generatedTokens: number,
  inputLength: number,
): Record<string, unknown> {
  return {
    index: id,
    token: { id, text, logprob: -0.1, special },
    top_tokens: null,
    generated_text: generated,
    details: { finish_reason: finish, generated_tokens: generatedTokens, seed: null, input_length: inputLength },
  };
}
