// Every failure a remote engine can show, each produced by a real server (or a real closed port, a
// real TLS mismatch) on 127.0.0.1, and the typed error the user gets for it.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { TgiClient } from "../../../src/core/remote/TgiClient";
import {
  RemoteAuthError,
  RemoteOverloadedError,
  RemoteProtocolError,
  RemotePromptTooLongError,
  RemoteTimeoutError,
  RemoteTlsError,
  RemoteUnreachableError,
} from "../../../src/core/remote/remoteErrors";
import type { GenerateRequest } from "../../../src/core/engineClient/types";
import { sleep, sseEvent, sseHead, startServer, tgiFinal, tgiToken, type TestServer } from "./testServer";

const request: GenerateRequest = {
  slot: "chat",
  prompt: [{ type: "bos" }, { type: "text", text: "[INST] hi [/INST]" }],
  maxTokens: 8,
  temperature: 0,
};
const finalOk = tgiFinal(1, "ok", false, "ok", "eos_token", 1, 4);

describe("remote/faults", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function rejects<T extends Error>(client: TgiClient, type: new (...a: never[]) => T): Promise<T> {
    try {
      await client.generate(request, () => undefined);
    } catch (err) {
      assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
      return err;
    } finally {
      client.dispose();
    }
    throw new Error(`expected ${type.name}`);
  }

  it("unreachable: a closed port is ECONNREFUSED", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await rejects(new TgiClient({ baseUrl: `http://127.0.0.1:${port}` }), RemoteUnreachableError);
    assert.equal(err.systemCode, "ECONNREFUSED");
    assert.match(err.message, /unreachable/);
  });

  it("unreachable: an unknown host name", async () => {
    const err = await rejects(new TgiClient({ baseUrl: "http://no-such-host.invalid:8080" }), RemoteUnreachableError);
    assert.ok(["ENOTFOUND", "EAI_AGAIN"].includes(err.systemCode), err.systemCode);
    assert.match(err.hint ?? "", /host name/);
  });

  it("TLS failure: a self-signed certificate is refused, never accepted silently", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "mixtral-tls-"));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          path.join(dir, "key.pem"),
          "-out",
          path.join(dir, "cert.pem"),
          "-days",
          "1",
          "-subj",
          "/CN=127.0.0.1",
        ],
        { stdio: "ignore" },
      );
      const tls = https.createServer(
        { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) },
        (_req, res) => {
          sseHead(res);
          sseEvent(res, finalOk);
          res.end();
        },
      );
      await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
      try {
        const err = await rejects(
          new TgiClient({ baseUrl: `https://127.0.0.1:${(tls.address() as net.AddressInfo).port}` }),
          RemoteTlsError,
        );
        assert.equal(err.systemCode, "DEPTH_ZERO_SELF_SIGNED_CERT");
        assert.match(err.hint ?? "", /never switched off/);
      } finally {
        tls.closeAllConnections();
        await new Promise<void>((r) => tls.close(() => r()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("TLS failure: https:// to a server that speaks plain HTTP is reported, not ignored", async () => {
    server = await startServer((_req, res) => {
      sseHead(res);
      sseEvent(res, finalOk);
      res.end();
    });
    const err = await rejects(new TgiClient({ baseUrl: `https://127.0.0.1:${server.port}` }), RemoteTlsError);
    assert.match(err.message, /secure connection/);
    assert.match(err.hint ?? "", /http:\/\/ versus https:\/\//);
  });

  it("401 without a key says none is stored; 403 with one says it was refused", async () => {
    server = await startServer((req, res) => {
      res.writeHead(req.headers.authorization ? 403 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "Unauthorized", error_type: "auth" }));
    });
    const none = await rejects(new TgiClient({ baseUrl: server.url }), RemoteAuthError);
    assert.equal(none.status, 401);
    assert.match(none.hint ?? "", /No API key is stored/);
    const bad = await rejects(new TgiClient({ baseUrl: server.url, apiKey: { origin: server.url, key: "sk-bad" } }), RemoteAuthError);
    assert.equal(bad.status, 403);
    assert.match(bad.hint ?? "", /refused/);
    assert.ok(!bad.message.includes("sk-bad"));
  });

  it("422 prompt too long (HTTP body) says how long and the limit", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(422, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error:
            "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 512 `max_new_tokens`",
          error_type: "validation",
        }),
      );
    });
    const err = await rejects(new TgiClient({ baseUrl: server.url }), RemotePromptTooLongError);
    assert.equal(err.promptTokens, 4000);
    assert.equal(err.limit, 4096);
    assert.equal(err.maxNewTokens, 512);
    assert.match(err.message, /4000 tokens plus 512 for the answer; the server's limit is 4096/);
  });

  it("prompt too long as an error event inside the stream (how TGI streams validation errors)", async () => {
    server = await startServer((_req, res) => {
      sseHead(res);
      sseEvent(res, { error: "Input validation error: `inputs` must have less than 1024 tokens. Given: 2000", error_type: "validation" });
      res.end();
    });
    const err = await rejects(new TgiClient({ baseUrl: server.url }), RemotePromptTooLongError);
    assert.equal(err.promptTokens, 2000);
    assert.equal(err.limit, 1024);
  });

  it("429/503 before the first token are retried, honouring Retry-After", async () => {
    server = await startServer((req, res) => {
      const n = server?.requests.length ?? 0;
      if (n === 1) {
        res.writeHead(429, { "retry-after": "0", "content-type": "application/json" });
        res.end(JSON.stringify({ error: "Model is overloaded", error_type: "overloaded" }));
        return;
      }
      if (n === 2) {
        res.writeHead(503, { "retry-after": "0" });
        res.end();
        return;
      }
      // Overloaded can also arrive as the stream's first event.
      if (n === 3) {
        sseHead(res);
        sseEvent(res, { error: "Model is overloaded", error_type: "overloaded" });
        res.end();
        return;
      }
      sseHead(res);
      sseEvent(res, finalOk);
      res.end();
    });
    const client = new TgiClient({ baseUrl: server.url, maxRetries: 3, maxRetryWaitMs: 20 });
    const result = await client.generate(request, () => undefined);
    assert.equal(result.text, "ok");
    assert.equal(server.requests.length, 4);
    client.dispose();
  });

  it("overloaded after the bounded retries is a typed error", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(503, { "retry-after": "0" });
      res.end("busy");
    });
    const err = await rejects(new TgiClient({ baseUrl: server.url, maxRetries: 2, maxRetryWaitMs: 10 }), RemoteOverloadedError);
    assert.equal(server.requests.length, 3);
    assert.match(err.message, /overloaded.*3 attempts/);
  });

  it("a malformed event is a protocol error that keeps the partial text", async () => {
    server = await startServer((_req, res) => {
      sseHead(res);
      sseEvent(res, tgiToken(1, "Hi"));
      res.write("data:{not json\n\n");
      res.end();
    });
    const err = await rejects(new TgiClient({ baseUrl: server.url }), RemoteProtocolError);
    assert.match(err.message, /malformed event/);
    assert.equal(err.partialText, "Hi");
  });

  it("an HTML error page (a proxy in the way) names the page", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
    });
    const err = await rejects(new TgiClient({ baseUrl: server.url }), RemoteProtocolError);
    assert.match(err.message, /HTML page.*502.*Bad Gateway/);
    assert.equal(err.status, 502);
  });

  it("first-byte timeout when the server never answers", async () => {
    server = await startServer(() => undefined);
    const err = await rejects(new TgiClient({ baseUrl: server.url, timeouts: { firstByteMs: 150 } }), RemoteTimeoutError);
    assert.equal(err.phase, "firstByte");
  });

  it("idle timeout: before the first token an error, after it the partial answer marked incomplete", async () => {
    server = await startServer(async (_req, res) => {
      sseHead(res);
      if ((server?.requests.length ?? 0) === 2) sseEvent(res, tgiToken(1, "half"));
      await sleep(2000);
      res.end();
    });
    const err = await rejects(new TgiClient({ baseUrl: server.url, timeouts: { idleMs: 150 } }), RemoteTimeoutError);
    assert.equal(err.phase, "idle");
    const client = new TgiClient({ baseUrl: server.url, timeouts: { idleMs: 150 } });
    const result = await client.generate(request, () => undefined);
    assert.equal(result.text, "half");
    assert.equal(result.incomplete, true);
    assert.match(result.incompleteReason ?? "", /stopped sending/);
    client.dispose();
  });
});
