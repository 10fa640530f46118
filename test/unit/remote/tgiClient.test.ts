// TgiClient against a real HTTP server on 127.0.0.1 that speaks TGI's /generate_stream, /info and
// /tokenize as TGI's documentation specifies.
import * as assert from "node:assert/strict";
import { TgiClient } from "../../../src/core/remote/TgiClient";
import type { GenerateRequest } from "../../../src/core/engineClient/types";
import { buildMixtralPrompt, renderPromptText } from "../../../src/core/prompt/mixtralFormat";
import { sleep, sseEvent, sseHead, startServer, tgiFinal, tgiToken, type TestServer } from "./testServer";

const prompt = buildMixtralPrompt([{ role: "user", content: "Write hello" }]);
const request = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({
  slot: "chat",
  prompt,
  maxTokens: 32,
  temperature: 0,
  ...over,
});

describe("remote/TgiClient", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("streams tokens, maps parameters and reports TGI's counts", async () => {
    server = await startServer(async (req, res) => {
      sseHead(res);
      res.write(":keep-alive\n\n");
      sseEvent(res, tgiToken(1, "Hello"));
      await sleep(5);
      sseEvent(res, tgiToken(2, " world"));
      sseEvent(res, tgiFinal(2, "</s>", true, "Hello world", "eos_token", 3, 17));
      res.end();
    });
    const client = new TgiClient({ baseUrl: server.url, apiKey: { origin: server.url, key: "sk-test" } });
    const chunks: string[] = [];
    const result = await client.generate(request({ stopStrings: ["\n\n"], seed: 7 }), (t) => chunks.push(t));
    assert.deepEqual(chunks, ["Hello", " world"]);
    assert.equal(result.text, "Hello world");
    assert.equal(result.stopReason, "eos");
    assert.equal(result.incomplete, false);
    assert.equal(result.stats.promptTokens, 17);
    assert.equal(result.stats.generatedTokens, 3);
    assert.ok(result.stats.ttftMs > 0 && result.stats.totalMs >= result.stats.ttftMs);
    const sent = server.requests[0];
    assert.equal(sent.path, "/generate_stream");
    assert.equal(sent.headers.authorization, "Bearer sk-test");
    // The formatter's text, minus the "<s> " TGI's tokenizer adds back as BOS + "▁".
    assert.equal(sent.json?.inputs, renderPromptText(prompt).slice("<s> ".length));
    assert.equal(sent.json?.inputs, "[INST] Write hello [/INST]");
    assert.equal(sent.json?.add_special_tokens, undefined);
    assert.deepEqual(sent.json?.parameters, {
      max_new_tokens: 32,
      do_sample: false,
      details: true,
      return_full_text: false,
      stop: ["\n\n"],
      seed: 7,
    });
    client.dispose();
  });

  it("samples with temperature, top_p and top_k when temperature > 0; never sends a key to another origin", async () => {
    server = await startServer((_req, res) => {
      sseHead(res);
      sseEvent(res, tgiFinal(1, "x", false, "x", "length", 1, 5));
      res.end();
    });
    const client = new TgiClient({
      baseUrl: server.url,
      topP: 0.9,
      topK: 40,
      apiKey: { origin: "https://elsewhere.example", key: "sk-other" },
    });
    const result = await client.generate(request({ temperature: 0.7, maxTokens: 1 }), () => undefined);
    const params = server.requests[0].json?.parameters as Record<string, unknown>;
    assert.equal(params.do_sample, true);
    assert.equal(params.temperature, 0.7);
    assert.equal(params.top_p, 0.9);
    assert.equal(params.top_k, 40);
    assert.equal(server.requests[0].headers.authorization, undefined);
    assert.equal(result.stopReason, "maxTokens");
    assert.equal(result.incomplete, true);
    client.dispose();
  });

  it("stops on a stop string split across tokens and closes the connection", async () => {
    let stillWriting = true;
    server = await startServer(async (req, res) => {
      sseHead(res);
      for (const [i, t] of ["Hel", "lo ST", "OP more", " and more"].entries()) {
        sseEvent(res, tgiToken(i, t));
        await sleep(5);
      }
      // A real server keeps generating until it notices the closed connection.
      for (let i = 0; i < 200 && !res.destroyed && stillWriting; i++) {
        sseEvent(res, tgiToken(10 + i, " more"));
        await sleep(10);
      }
      res.end();
    });
    const client = new TgiClient({ baseUrl: server.url });
    const chunks: string[] = [];
    const result = await client.generate(request({ stopStrings: ["STOP"] }), (t) => chunks.push(t));
    assert.equal(result.text, "Hello ");
    assert.equal(chunks.join(""), "Hello ");
    assert.equal(result.stopReason, "stopString");
    assert.equal(result.incomplete, false);
    await server.requests[0].closed;
    stillWriting = false;
    client.dispose();
  });

  it("resolves an abort with the partial text and closes the connection", async () => {
    server = await startServer(async (_req, res) => {
      sseHead(res);
      for (let i = 0; i < 500 && !res.destroyed; i++) {
        sseEvent(res, tgiToken(i, `t${i} `));
        await sleep(10);
      }
      res.end();
    });
    const client = new TgiClient({ baseUrl: server.url });
    const controller = new AbortController();
    let n = 0;
    const result = await client.generate(
      request(),
      () => {
        if (++n === 3) controller.abort();
      },
      controller.signal,
    );
    assert.equal(result.stopReason, "abort");
    assert.equal(result.incomplete, true);
    assert.ok(result.text.startsWith("t0 t1 t2 "), result.text);
    await server.requests[0].closed;
    client.dispose();
  });

  it("marks an answer incomplete when the stream ends without the final event", async () => {
    server = await startServer((_req, res) => {
      sseHead(res);
      sseEvent(res, tgiToken(1, "partial"));
      sseEvent(res, tgiToken(2, " answer"));
      res.end();
    });
    const client = new TgiClient({ baseUrl: server.url });
    const result = await client.generate(request(), () => undefined);
    assert.equal(result.text, "partial answer");
    assert.equal(result.incomplete, true);
    assert.match(result.incompleteReason ?? "", /final event/);
    client.dispose();
  });

  it("keeps multi-byte characters whole when the network splits them", async () => {
    server = await startServer(async (_req, res) => {
      sseHead(res);
      const bytes = Buffer.from(`data:${JSON.stringify(tgiToken(1, "héllo ✓"))}\n\n`);
      const cut = bytes.indexOf(0xc3) + 1; // inside "é"
      res.write(bytes.subarray(0, cut));
      await sleep(5);
      res.write(bytes.subarray(cut));
      res.write(`data:${JSON.stringify(tgiFinal(2, "</s>", true, "héllo ✓", "eos_token", 2, 3))}\r\n\r\n`);
      res.end();
    });
    const client = new TgiClient({ baseUrl: server.url });
    const result = await client.generate(request(), () => undefined);
    assert.equal(result.text, "héllo ✓");
    client.dispose();
  });

  it("reads /info and counts tokens with /tokenize (without BOS), estimating when it is missing", async () => {
    let tokenize = true;
    server = await startServer((req, res) => {
      if (req.path === "/info") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            model_id: "mistralai/Mixtral-8x7B-Instruct-v0.1",
            model_dtype: "torch.float16",
            max_input_tokens: 4095,
            max_total_tokens: 4096,
            version: "3.0.1",
          }),
        );
      } else if (req.path === "/tokenize" && tokenize) {
        const text = String(req.json?.inputs);
        // An older TGI that ignores add_special_tokens: BOS first.
        const toks = [
          { id: 1, text: "<s>", start: 0, stop: 0 },
          ...text.split(" ").map((w, i) => ({ id: 100 + i, text: w, start: 0, stop: w.length })),
        ];
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(toks));
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "not found", error_type: "not_found" }));
      }
    });
    const client = new TgiClient({ baseUrl: server.url });
    const info = await client.refreshInfo();
    assert.equal(info.name, "mistralai/Mixtral-8x7B-Instruct-v0.1");
    assert.equal(info.contextSize, 4096);
    assert.equal(client.modelInfo()?.fileName, info.fileName);
    assert.deepEqual(await client.countTokens(["one two three", "four"]), [3, 1]);
    assert.equal(server.requests.find((r) => r.path === "/tokenize")?.json?.add_special_tokens, false);
    assert.equal(client.tokenCountsAreEstimates, false);
    tokenize = false;
    const [estimate] = await client.countTokens(["abcdefghi"]);
    assert.equal(estimate, 3);
    assert.equal(client.tokenCountsAreEstimates, true);
    client.dispose();
  });
});
