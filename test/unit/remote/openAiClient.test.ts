// OpenAiClient against a real HTTP server on 127.0.0.1 that speaks the OpenAI streaming protocol
// (chat.completion.chunk events, usage in the last chunk, `data: [DONE]`).
import * as assert from "node:assert/strict";
import { OpenAiClient } from "../../../src/core/remote/OpenAiClient";
import { RemoteProtocolError, RemoteServerError } from "../../../src/core/remote/remoteErrors";
import type { GenerateRequest } from "../../../src/core/engineClient/types";
import { buildMixtralPrompt } from "../../../src/core/prompt/mixtralFormat";
import { sleep, sseEvent, sseHead, startServer, type RecordedRequest, type TestServer } from "./testServer";
import type { ServerResponse } from "node:http";

const messages: GenerateRequest["messages"] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hi" },
];
const chatRequest: GenerateRequest = { slot: "chat", prompt: buildMixtralPrompt(messages ?? []), messages, maxTokens: 16, temperature: 0 };

function modelsOr(handler: (req: RecordedRequest, res: ServerResponse) => void | Promise<void>) {
  return (req: RecordedRequest, res: ServerResponse) => {
    if (req.path.endsWith("/models")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data: [{ id: "mixtral-test", object: "model", owned_by: "llamacpp", meta: { n_ctx_train: 32768 } }],
        }),
      );
      return;
    }
    return handler(req, res);
  };
}

function chunk(content: string | undefined, finish: string | null = null, extra: Record<string, unknown> = {}) {
  return {
    id: "c1",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
    ...extra,
  };
}

describe("remote/OpenAiClient", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("chat: messages (system folded as Mixtral's prompt does), streaming, usage, [DONE]", async () => {
    server = await startServer(
      modelsOr(async (_req, res) => {
        sseHead(res);
        sseEvent(res, chunk(undefined), true);
        sseEvent(res, chunk("Hel"), true);
        await sleep(5);
        sseEvent(res, chunk("lo!"), true);
        sseEvent(res, chunk(undefined, "stop"), true);
        sseEvent(
          res,
          {
            id: "c1",
            object: "chat.completion.chunk",
            choices: [],
            usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
            timings: { prompt_n: 4, cache_n: 8 },
          },
          true,
        );
        sseEvent(res, "[DONE]", true);
        res.end();
      }),
    );
    const client = new OpenAiClient({ baseUrl: `${server.url}/v1`, apiKey: { origin: server.url, key: "sk-1" } });
    const chunks: string[] = [];
    const result = await client.generate({ ...chatRequest, seed: 3 }, (t) => chunks.push(t));
    assert.deepEqual(chunks, ["Hel", "lo!"]);
    assert.equal(result.stopReason, "eos");
    assert.equal(result.incomplete, false);
    assert.deepEqual([result.stats.promptTokens, result.stats.evaluatedTokens, result.stats.generatedTokens], [12, 4, 2]);
    const sent = server.requests.find((r) => r.path === "/v1/chat/completions");
    assert.ok(sent, server.requests.map((r) => r.path).join());
    assert.equal(sent.headers.authorization, "Bearer sk-1");
    assert.equal(sent.json?.model, "mixtral-test"); // the listed model, as none is configured
    assert.deepEqual(sent.json?.messages, [{ role: "user", content: "Be brief.\n\nHi" }]);
    assert.equal(sent.json?.stream, true);
    assert.equal(sent.json?.max_tokens, 16);
    assert.equal(sent.json?.temperature, 0);
    assert.equal(sent.json?.seed, 3);
    assert.equal(sent.json?.stop, undefined); // stop strings are enforced client-side
    client.dispose();
  });

  it("tools: sent as OpenAI tools; two calls streamed interleaved come back whole, in order, with text", async () => {
    const call = (index: number, fn: Record<string, string>, id?: string) => ({
      id: "c1",
      object: "chat.completion.chunk",
      choices: [
        { index: 0, delta: { tool_calls: [{ index, ...(id ? { id, type: "function" } : {}), function: fn }] }, finish_reason: null },
      ],
    });
    server = await startServer(
      modelsOr((_req, res) => {
        sseHead(res);
        sseEvent(res, chunk("Checking."), true);
        sseEvent(res, call(0, { name: "read", arguments: "" }, "call_a"), true);
        sseEvent(res, call(1, { name: "list", arguments: '{"dir"' }, "call_b"), true);
        sseEvent(res, call(0, { arguments: '{"path": "a.ts"}' }), true);
        sseEvent(res, call(1, { arguments: ': "src"}' }), true);
        sseEvent(res, chunk(undefined, "tool_calls"), true);
        sseEvent(res, "[DONE]", true);
        res.end();
      }),
    );
    const client = new OpenAiClient({ baseUrl: server.url });
    const tools = [
      { name: "read", description: "Reads a file.", inputSchema: { type: "object", properties: { path: { type: "string" } } } },
      { name: "list", description: "Lists a folder." },
    ];
    const result = await client.generate({ ...chatRequest, tools, toolMode: "auto" }, () => undefined);
    assert.equal(result.text, "Checking.");
    assert.deepEqual(result.toolCalls, [
      { id: "call_a", name: "read", arguments: '{"path": "a.ts"}' },
      { id: "call_b", name: "list", arguments: '{"dir": "src"}' },
    ]);
    const sent = server.requests.find((r) => r.path === "/v1/chat/completions")?.json as { tools: unknown[]; tool_choice: string };
    assert.equal(sent.tool_choice, "auto");
    assert.deepEqual(sent.tools, [
      { type: "function", function: { name: "read", description: "Reads a file.", parameters: tools[0].inputSchema } },
      { type: "function", function: { name: "list", description: "Lists a folder.", parameters: { type: "object", properties: {} } } },
    ]);
    client.dispose();
  });

  it("completions: the rendered prompt when continuing an assistant prefix; length → maxTokens", async () => {
    server = await startServer(
      modelsOr((_req, res) => {
        sseHead(res);
        sseEvent(res, { object: "text_completion", choices: [{ index: 0, text: " world", finish_reason: null }] }, true);
        sseEvent(res, { object: "text_completion", choices: [{ index: 0, text: "!", finish_reason: "length" }] }, true);
        sseEvent(res, "[DONE]", true);
        res.end();
      }),
    );
    const primed = [
      { role: "user" as const, content: "Say hello" },
      { role: "assistant" as const, content: "Hello" },
    ];
    const client = new OpenAiClient({ baseUrl: server.url, model: "mine", topP: 0.5, topK: 20 });
    const result = await client.generate(
      {
        slot: "completion",
        prompt: buildMixtralPrompt(primed, { continueAssistant: true }),
        messages: primed,
        maxTokens: 2,
        temperature: 0.3,
      },
      () => undefined,
    );
    assert.equal(result.text, " world!");
    assert.equal(result.stopReason, "maxTokens");
    const sent = server.requests.find((r) => r.path === "/v1/completions");
    assert.equal(sent?.json?.prompt, "[INST] Say hello [/INST] Hello");
    assert.equal(sent?.json?.model, "mine");
    assert.deepEqual([sent?.json?.top_p, sent?.json?.top_k, sent?.json?.temperature], [0.5, 20, 0.3]);
    assert.equal(
      server.requests.some((r) => r.path.endsWith("/models")),
      false,
    );
    client.dispose();
  });

  it("stop strings end the answer client-side and close the connection", async () => {
    server = await startServer(
      modelsOr(async (_req, res) => {
        sseHead(res);
        for (const t of ["a", "b\n", "\nc", "d"]) {
          sseEvent(res, chunk(t), true);
          await sleep(5);
        }
        for (let i = 0; i < 200 && !res.destroyed; i++) {
          sseEvent(res, chunk("x"), true);
          await sleep(10);
        }
        res.end();
      }),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: "m" });
    const result = await client.generate({ ...chatRequest, stopStrings: ["\n\n"] }, () => undefined);
    assert.equal(result.text, "ab");
    assert.equal(result.stopReason, "stopString");
    await server.requests[0].closed;
    client.dispose();
  });

  it("a stream cut before [DONE] and before any finish_reason is incomplete; with finish_reason it is whole", async () => {
    server = await startServer(
      modelsOr((_req, res) => {
        sseHead(res);
        sseEvent(res, chunk("part"), true);
        if ((server?.requests.length ?? 0) > 1) sseEvent(res, chunk(undefined, "stop"), true);
        res.end();
      }),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: "m" });
    const cut = await client.generate(chatRequest, () => undefined);
    assert.equal(cut.incomplete, true);
    assert.match(cut.incompleteReason ?? "", /end marker/);
    const whole = await client.generate(chatRequest, () => undefined);
    assert.equal(whole.incomplete, false);
    assert.equal(whole.text, "part");
    client.dispose();
  });

  it("an error object inside the stream, and a 404 path, become typed errors", async () => {
    server = await startServer(
      modelsOr((req, res) => {
        if (req.path === "/v1/completions") {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { code: 404, message: "File Not Found", type: "not_found_error" } }));
          return;
        }
        sseHead(res);
        sseEvent(res, chunk("x"), true);
        sseEvent(res, { error: { code: 500, message: "slot crashed", type: "server_error" } }, true);
        res.end();
      }),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: "m" });
    await assert.rejects(
      client.generate(chatRequest, () => undefined),
      (e: unknown) => e instanceof RemoteServerError && /slot crashed/.test(e.message) && e.partialText === "x",
    );
    await assert.rejects(
      client.generate({ ...chatRequest, messages: undefined }, () => undefined),
      (e: unknown) => e instanceof RemoteServerError && e.status === 404 && /path does not exist/.test(e.hint ?? ""),
    );
    client.dispose();
  });

  it("a 200 that is not a stream (wrong engine kind) is a protocol error", async () => {
    server = await startServer(
      modelsOr((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      }),
    );
    const client = new OpenAiClient({ baseUrl: server.url, model: "m" });
    await assert.rejects(
      client.generate(chatRequest, () => undefined),
      (e: unknown) => e instanceof RemoteProtocolError && /did not stream/.test(e.message),
    );
    client.dispose();
  });

  it("model list, llama-server's /tokenize, and estimates where there is none", async () => {
    let tokenize = true;
    server = await startServer(
      modelsOr((req, res) => {
        if (req.path === "/tokenize" && tokenize) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              tokens: String(req.json?.content)
                .split(" ")
                .map((_, i) => i),
            }),
          );
          return;
        }
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
      }),
    );
    const client = new OpenAiClient({ baseUrl: `${server.url}/v1/` });
    const info = await client.refreshInfo();
    assert.equal(info.name, "mixtral-test");
    assert.equal(info.contextSize, 32768);
    assert.match(info.gpuName ?? "", /llamacpp/);
    assert.deepEqual(await client.countTokens(["a b c"]), [3]);
    tokenize = false;
    assert.deepEqual(await client.countTokens(["123456"]), [2]);
    assert.equal(client.tokenCountsAreEstimates, true);
    client.dispose();
  });
});
