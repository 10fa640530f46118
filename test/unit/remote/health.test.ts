// The doctor's remote health check and the settings → client factory, against a real TGI-protocol
// server on 127.0.0.1.
import * as assert from "node:assert/strict";
import { checkRemoteHealth } from "../../../src/core/remote/health";
import { createRemoteClient } from "../../../src/core/remote/createRemoteClient";
import { OpenAiClient } from "../../../src/core/remote/OpenAiClient";
import { TgiClient } from "../../../src/core/remote/TgiClient";
import { RemoteProtocolError } from "../../../src/core/remote/remoteErrors";
import { sleep, sseEvent, sseHead, startServer, tgiFinal, tgiToken, type TestServer } from "./testServer";

describe("remote/health and factory", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("reports a TGI server's model, kind and latencies, and sends the key only to its origin", async () => {
    server = await startServer((req, res) => {
      if (req.path === "/info") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            model_id: "mistralai/Mixtral-8x7B-Instruct-v0.1",
            max_total_tokens: 32768,
            max_input_tokens: 32767,
            version: "3.0.1",
          }),
        );
        return;
      }
      sseHead(res);
      sseEvent(res, tgiFinal(1, "OK", false, "OK", "length", 1, 12));
      res.end();
    });
    const settings = { engine: "tgi" as const, remoteUrl: server.url, remoteModel: "", remoteHeaders: { "x-team": "a" } };
    const health = await checkRemoteHealth(settings, { origin: server.url, key: "sk-h" });
    assert.equal(health.ok, true, health.error);
    assert.equal(health.model, "mistralai/Mixtral-8x7B-Instruct-v0.1");
    assert.match(health.serverKind ?? "", /TGI 3\.0\.1/);
    assert.ok((health.infoLatencyMs ?? -1) >= 0 && (health.generateLatencyMs ?? -1) >= 0);
    assert.equal(health.keySent, true);
    assert.ok(server.requests.every((r) => r.headers.authorization === "Bearer sk-h" && r.headers["x-team"] === "a"));
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ["/info", "/generate_stream"],
    );
  });

  it("reports an unreachable server as not ok with the reason and the next step", async () => {
    const health = await checkRemoteHealth(
      { engine: "openai", remoteUrl: "http://127.0.0.1:9", remoteModel: "", remoteHeaders: {} },
      undefined,
    );
    assert.equal(health.ok, false);
    assert.match(health.error ?? "", /unreachable/);
    assert.ok(health.hint);
  });

  it("the factory picks the client from mixtral.engine and refuses an empty URL", () => {
    const tgi = createRemoteClient({ engine: "tgi", remoteUrl: "http://127.0.0.1:1", remoteModel: "", remoteHeaders: {} }, undefined);
    const openai = createRemoteClient(
      { engine: "openai", remoteUrl: "http://127.0.0.1:1", remoteModel: "m", remoteHeaders: {} },
      { origin: "http://127.0.0.1:2", key: "k" },
    );
    assert.ok(tgi instanceof TgiClient);
    assert.ok(openai instanceof OpenAiClient);
    assert.equal(openai.keySent, false); // stored for another port, so another origin
    tgi.dispose();
    openai.dispose();
    assert.throws(
      () => createRemoteClient({ engine: "tgi", remoteUrl: "", remoteModel: "", remoteHeaders: {} }, undefined),
      RemoteProtocolError,
    );
  });

  it("dispose() ends a running request with its partial text", async () => {
    server = await startServer(async (_req, res) => {
      sseHead(res);
      for (let i = 0; i < 300 && !res.destroyed; i++) {
        sseEvent(res, tgiToken(i, "x"));
        await sleep(10);
      }
      res.end();
    });
    const client = new TgiClient({ baseUrl: server.url });
    let n = 0;
    const result = await client.generate({ slot: "chat", prompt: [{ type: "text", text: "hi" }], maxTokens: 500, temperature: 0 }, () => {
      if (++n === 2) void client.dispose();
    });
    assert.equal(result.stopReason, "abort");
    assert.ok(result.text.startsWith("xx"));
    await server.requests[0].closed;
  });
});
