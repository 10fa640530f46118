// A real HTTP server on 127.0.0.1 that serves one body with Range support, and can be told to
// misbehave the way real hosts and mirrors do. Tests set `handler` per request number.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RequestRecord {
  url: string;
  range?: string;
  authorization?: string;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

export class FaultServer {
  readonly requests: RequestRecord[] = [];
  handler: Handler;
  private server!: http.Server;
  private readonly sockets = new Set<import("node:net").Socket>();

  constructor(readonly body: Buffer) {
    this.handler = (req, res) => this.serve(req, res);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.requests.push({ url: req.url ?? "", range: req.headers.range, authorization: req.headers.authorization });
      this.handler(req, res, this.requests.length);
    });
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(p = "/model.gguf"): string {
    return this.origin + p;
  }

  /** Honest behaviour: 200 or 206 with Content-Range, 416 past the end. Options inject faults. */
  serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    opts: { ignoreRange?: boolean; dropAfter?: number; dripMs?: number; dripBytes?: number; extraHeaders?: Record<string, string> } = {},
  ): void {
    const total = this.body.length;
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const headers: Record<string, string | number> = { "accept-ranges": "bytes", ...opts.extraHeaders };
    if (m && !opts.ignoreRange) {
      start = Number(m[1]);
      if (start >= total) {
        res.writeHead(416, { "content-range": `bytes */${total}` }).end();
        return;
      }
      res.writeHead(206, { ...headers, "content-length": total - start, "content-range": `bytes ${start}-${total - 1}/${total}` });
    } else {
      res.writeHead(200, { ...headers, "content-length": total });
    }
    const slice = this.body.subarray(start);
    if (opts.dripMs) {
      // `dripBytes` (default 1) every `dripMs`: a slow but steady host, or a 1-byte/s trickle.
      const step = opts.dripBytes ?? 1;
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed) return clearInterval(t);
        if (i >= slice.length) {
          clearInterval(t);
          res.end();
          return;
        }
        res.write(slice.subarray(i, i + step));
        i += step;
      }, opts.dripMs);
      res.on("close", () => clearInterval(t));
      return;
    }
    if (opts.dropAfter !== undefined) {
      // Write part of the body, then cut the connection the way a flaky network does.
      res.write(slice.subarray(0, opts.dropAfter), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(slice);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Deterministic pseudo-random bytes (xorshift), so a wrong offset changes the hash. */
export function testBytes(size: number, seed = 7): Buffer {
  const b = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}
