// The real thing: llama.cpp's llama-server (built from node-llama-cpp's bundled source, cached once
// per machine) serving the tiny Mixtral model on 127.0.0.1, driven through OpenAiClient by the same
// core code the extension uses for chat, commands and inline completions.
import * as assert from "node:assert/strict";
import { buildChatPrompt } from "../../../src/core/chat/chatPrompt";
import { CompletionService } from "../../../src/core/completion/CompletionService";
import { buildFeaturePrompt } from "../../../src/core/prompt/featurePrompt";
import { OpenAiClient } from "../../../src/core/remote/OpenAiClient";
import { checkRemoteHealth } from "../../../src/core/remote/health";
import { promptTextForServer } from "../../../src/core/remote/promptText";
import { startLlamaServer, type LlamaServer } from "../../helpers/llamaServer";
import { ensureTinyModel } from "../../helpers/tinyModel";
import { snapshotAt } from "../completion/cursor";

describe("remote/llama-server (real OpenAI-compatible server)", function () {
  // The first run on a machine builds llama-server (7.5 minutes on 2 dedicated cores).
  this.timeout(40 * 60_000);
  let server: LlamaServer;
  let client: OpenAiClient;

  before(async () => {
    server = await startLlamaServer({ modelPath: await ensureTinyModel("q8_0") });
    client = new OpenAiClient({ baseUrl: server.url });
  });

  after(async () => {
    client?.dispose();
    await server?.stop();
  });

  /** The chat's budget as ChatController sets it, counted by the server's own tokenizer. */
  const budget = () => ({ contextSize: 2048, reserveTokens: 256, countTokens: (texts: string[]) => client.countTokens(texts) });

  it("lists the model and counts tokens with the server's tokenizer", async () => {
    const info = await client.refreshInfo();
    assert.equal(info.name, "tiny-mixtral");
    assert.match(info.gpuName ?? "", /llamacpp/);
    const [one, two] = await client.countTokens(["hello", "hello hello hello"]);
    assert.ok(one >= 1 && two > one, `${one} ${two}`);
    assert.equal(client.tokenCountsAreEstimates, false);
  });

  it("chat: streams an answer to the chat prompt through /v1/chat/completions, greedy answers repeat", async () => {
    const chat = await buildChatPrompt([{ role: "user", content: "Explain what a compiler does." }], budget());
    const run = async () => {
      const chunks: string[] = [];
      const result = await client.generate(
        { slot: "chat", prompt: chat.segments, messages: chat.messages, maxTokens: 24, temperature: 0 },
        (t) => chunks.push(t),
      );
      return { result, chunks };
    };
    const a = await run();
    assert.ok(a.chunks.length > 0, "no chunks");
    assert.equal(a.chunks.join(""), a.result.text);
    assert.ok(["eos", "maxTokens"].includes(a.result.stopReason));
    assert.ok(a.result.stats.promptTokens > 10 && a.result.stats.generatedTokens > 0, JSON.stringify(a.result.stats));
    assert.ok(a.result.stats.ttftMs > 0);
    const b = await run();
    assert.equal(b.result.text, a.result.text);
  });

  it("a command: the feature prompt's rendered text through /v1/completions, with exactly one BOS", async () => {
    const feature = buildFeaturePrompt("explain", { filePath: "src/a.ts", language: "typescript", selection: "const x = 1 + 2;" });
    const result = await client.generate({ slot: "chat", prompt: feature.segments, maxTokens: 16, temperature: 0 }, () => undefined);
    assert.ok(result.stats.generatedTokens > 0);
    // The server's prompt count = our text's tokens + the one BOS it adds: "<s>" was not sent twice.
    const [textTokens] = await client.countTokens([promptTextForServer(feature.segments).text]);
    assert.equal(result.stats.promptTokens, textTokens + 1);
  });

  it("an inline completion through the completion service", async () => {
    const service = new CompletionService({
      getBackend: async () => client,
      settings: () => ({ maxTokens: 12, multiline: "never", template: "" }),
    });
    const outcome = await service.complete(
      snapshotAt("export function total(xs: number[]) {\n  return xs.█\n}\n"),
      [],
      new AbortController().signal,
    );
    assert.ok(["suggestion", "none"].includes(outcome.kind), JSON.stringify(outcome));
    assert.equal(service.stats.modelRequests, 1);
  });

  it("cancellation resolves with the partial text and the server serves the next request", async () => {
    const controller = new AbortController();
    let chunks = 0;
    const chat = await buildChatPrompt([{ role: "user", content: "Write a very long story." }], budget());
    const result = await client.generate(
      { slot: "chat", prompt: chat.segments, messages: chat.messages, maxTokens: 2000, temperature: 0.8, seed: 1 },
      () => {
        if (++chunks === 3) controller.abort();
      },
      controller.signal,
    );
    assert.equal(result.stopReason, "abort");
    assert.ok(result.stats.generatedTokens < 2000);
    const next = await client.generate(
      { slot: "chat", prompt: chat.segments, messages: chat.messages, maxTokens: 4, temperature: 0 },
      () => undefined,
    );
    assert.ok(next.stats.generatedTokens > 0);
  });

  it("the doctor's health check: model, server kind and latency", async () => {
    const health = await checkRemoteHealth({ engine: "openai", remoteUrl: server.url, remoteModel: "", remoteHeaders: {} }, undefined);
    assert.equal(health.ok, true, health.error);
    assert.equal(health.model, "tiny-mixtral");
    assert.match(health.serverKind ?? "", /llamacpp/);
    assert.ok((health.infoLatencyMs ?? -1) >= 0 && (health.generateLatencyMs ?? -1) >= 0);
    assert.equal(health.keySent, false);
  });
});
