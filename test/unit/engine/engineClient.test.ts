// EngineClient + the real engine child (dist/engine.js) + real node-llama-cpp on the tiny model.
import * as assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import { InvalidModelFileError, InvalidOptionsError } from "../../../src/core/errors";
import type { PromptSegment } from "../../../src/shared/engineProtocol";
import { chatPrompt, makeClient, promptOfAbout, request, tinyLoadOptions, type Logged } from "./engineTestKit";

describe("engine: load, stream, MoE, abort, KV reuse", function () {
  this.timeout(120_000);
  let client: EngineClient;
  let logs: Logged[];

  before(async () => {
    ({ client, logs } = makeClient());
    await client.load(await tinyLoadOptions());
  });
  after(async () => {
    await client?.dispose();
  });

  it("loads the tiny model, reports its Mixture of Experts shape and streams an answer", async () => {
    const info = client.modelInfo();
    assert.ok(info);
    assert.equal(info.expertCount, 8);
    assert.equal(info.expertUsedCount, 2);
    assert.equal(info.description, "Mixture of Experts: 8 experts, 2 active per token");
    assert.equal(info.architecture, "llama");
    assert.equal(info.quantization, "Q8_0");
    assert.equal(info.backend, "cpu");
    assert.equal(info.contextSize, 4096);
    assert.equal(client.state, "ready");

    const chunks: string[] = [];
    const result = await client.generate(request(chatPrompt("Write a sorting function"), { maxTokens: 12 }), (t) => chunks.push(t));
    assert.ok(chunks.length > 0, "no chunks streamed");
    assert.equal(chunks.join(""), result.text);
    assert.ok(result.text.length > 0);
    assert.equal(result.stopReason, "maxTokens");
    assert.equal(result.incomplete, true);
    assert.equal(result.stats.generatedTokens, 12);
    assert.ok(result.stats.promptTokens > 5);
  });

  it("refuses expertsPerToken 9 before loading, and the engine stays alive with its model", async () => {
    const pid = client.pid;
    await assert.rejects(client.load(await tinyLoadOptions({ expertsPerToken: 9 })), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionsError, String(error));
      assert.match(error.message, /from 1 to 8/);
      return true;
    });
    assert.equal(client.pid, pid, "the engine process was replaced");
    assert.equal(client.state, "ready");
    const result = await client.generate(request(chatPrompt("still there?"), { maxTokens: 4 }), () => undefined);
    assert.equal(result.stats.generatedTokens, 4);
  });

  for (const experts of [1, 3]) {
    it(`expertsPerToken ${experts} changes llama.cpp's n_expert_used`, async () => {
      const from = logs.length;
      const info = await client.load(await tinyLoadOptions({ expertsPerToken: experts }));
      assert.equal(info.expertUsedCount, experts);
      assert.equal(info.description, `Mixture of Experts: 8 experts, ${experts} active per token`);
      const line = logs.slice(from).find((l) => /n_expert_used\s*=/.test(l.message));
      assert.ok(line, "llama.cpp printed no n_expert_used line");
      assert.match(line.message, new RegExp(`n_expert_used\\s*=\\s*${experts}\\b`));
    });
  }

  it("aborts during a long prompt's evaluation, then serves the next request", async () => {
    await client.load(await tinyLoadOptions());
    const prompt = await promptOfAbout(client, 3000);
    const controller = new AbortController();
    const result = await client.generate(
      request(prompt, { maxTokens: 8 }),
      () => undefined,
      controller.signal,
      () => controller.abort(),
    );
    assert.equal(result.stopReason, "abort");
    assert.equal(result.incomplete, true);
    assert.equal(result.stats.generatedTokens, 0);
    assert.ok(result.stats.promptTokens >= 2500, `prompt had ${result.stats.promptTokens} tokens`);
    assert.ok(result.stats.evaluatedTokens < result.stats.promptTokens, `the whole prompt was evaluated (${result.stats.evaluatedTokens})`);

    const next = await client.generate(request(chatPrompt("hello"), { maxTokens: 4 }), () => undefined);
    assert.equal(next.stats.generatedTokens, 4);
  });

  it("aborts during generation with the partial answer kept", async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    const result = await client.generate(
      request(chatPrompt("Tell me a long story"), { maxTokens: 2000 }),
      (t) => {
        chunks.push(t);
        if (chunks.length === 3) controller.abort();
      },
      controller.signal,
    );
    assert.equal(result.stopReason, "abort");
    assert.equal(result.incomplete, true);
    assert.equal(result.text, chunks.join(""));
    assert.ok(result.stats.generatedTokens >= 3 && result.stats.generatedTokens < 2000);
    const next = await client.generate(request(chatPrompt("again"), { maxTokens: 4 }), () => undefined);
    assert.equal(next.stats.generatedTokens, 4);
  });

  it("evaluates only the new tokens of a turn that extends the previous one", async () => {
    const turn1 = chatPrompt("What is a closure?");
    const first = await client.generate(request(turn1, { maxTokens: 8 }), () => undefined);
    const turn2: PromptSegment[] = [
      ...turn1,
      { type: "text", text: first.text },
      { type: "eos" },
      { type: "text", text: "[INST] Show an example [/INST]" },
    ];
    const second = await client.generate(request(turn2, { maxTokens: 4 }), () => undefined);
    const turn1Tokens = (await client.tokenize(turn1)).tokens.length;
    assert.ok(second.stats.evaluatedTokens < second.stats.promptTokens);
    assert.ok(
      second.stats.promptTokens - second.stats.evaluatedTokens >= turn1Tokens,
      `reused ${second.stats.promptTokens - second.stats.evaluatedTokens} of turn 1's ${turn1Tokens} tokens`,
    );
  });

  it("cuts the answer at a stop string and never shows it", async () => {
    const prompt = chatPrompt("List some words");
    const free = await client.generate(request(prompt, { maxTokens: 16 }), () => undefined);
    const stop = free.text.slice(6, 9);
    assert.equal(stop.length, 3);
    const chunks: string[] = [];
    const cut = await client.generate(request(prompt, { maxTokens: 16, stopStrings: [stop] }), (t) => chunks.push(t));
    assert.equal(cut.stopReason, "stopString");
    assert.equal(cut.text, free.text.slice(0, free.text.indexOf(stop)));
    assert.equal(chunks.join(""), cut.text);
  });

  it("constrains the output with a GBNF grammar", async () => {
    const result = await client.generate(
      request(chatPrompt("yes or no?"), { maxTokens: 8, grammar: 'root ::= ("yes" | "no") " ok"' }),
      () => undefined,
    );
    assert.match(result.text, /^(yes|no) ok$/);
  });

  it("lets a new completion request supersede the previous one", async () => {
    const prompt = [{ type: "bos" as const }, { type: "text" as const, text: "def add(a, b):" }];
    const first = client.generate(request(prompt, { slot: "completion", maxTokens: 3000 }), () => undefined);
    const second = client.generate(request(prompt, { slot: "completion", maxTokens: 4 }), () => undefined);
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.stopReason, "abort");
    assert.equal(b.stats.generatedTokens, 4);
  });

  it("refuses broken GGUF files with a clear message and keeps running", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "engine-broken-"));
    try {
      const empty = path.join(dir, "empty.gguf");
      const wrongMagic = path.join(dir, "wrong-magic.gguf");
      await writeFile(empty, "");
      await writeFile(wrongMagic, Buffer.concat([Buffer.from("GGML"), Buffer.alloc(64)]));
      const pid = client.pid;
      for (const file of [empty, wrongMagic]) {
        await assert.rejects(client.load(await tinyLoadOptions({ modelPath: file })), (error: unknown) => {
          assert.ok(error instanceof InvalidModelFileError, String(error));
          assert.match(error.message, /Refused the model file/);
          assert.ok(error.message.includes(file));
          return true;
        });
      }
      assert.equal(client.pid, pid);
      const result = await client.generate(request(chatPrompt("ok"), { maxTokens: 2 }), () => undefined);
      assert.equal(result.stats.generatedTokens, 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A chat prompt of about `tokens` tokens (the tiny vocabulary splits words unevenly). */
