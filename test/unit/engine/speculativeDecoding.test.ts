// Speculative decoding in the real engine child on the tiny model: the output is the plain path's,
// token for token; drafts are accepted when the answer copies its input; abort and KV reuse work
// with drafts in flight. The tiny model's random weights never copy by themselves, so the copying
// answers are made with GenerateOptions.forceTokens (a bias at the sampler, in both paths alike),
// then left to run freely: a wrong KV cache after a draft would show in the free part.
import * as assert from "node:assert/strict";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import type { GenerateRequest } from "../../../src/core/engineClient/types";
import type { PromptSegment, Speculation } from "../../../src/shared/engineProtocol";
import { chatPrompt, makeClient, request, tinyLoadOptions } from "./engineTestKit";

const CODE = [
  "function total(items) {",
  "  let sum = 0;",
  "  for (const item of items) {",
  "    sum += item.price * item.quantity;",
  "  }",
  "  return sum;",
  "}",
  "",
  "function average(items) {",
  "  if (items.length === 0) return 0;",
  "  return total(items) / items.length;",
  "}",
  "",
].join("\n");
// An edit: most lines kept, one changed, one added.
const EDITED = CODE.replace("let sum = 0;", "let sum = 0; // in cents").replace("  return sum;", "  console.log(sum);\n  return sum;");

describe("engine: speculative decoding (input lookup)", function () {
  this.timeout(180_000);
  let client: EngineClient;

  before(async () => {
    ({ client } = makeClient());
    await client.load(await tinyLoadOptions());
  });
  after(async () => {
    await client?.dispose();
  });

  /** Each arm starts from the same cache state (a flushed slot), so both evaluate the prompt in the
   *  same batches: llama.cpp's sums may differ in the last bits between batch shapes. */
  async function run(prompt: PromptSegment[], speculation: Speculation, extra: Partial<GenerateRequest> = {}) {
    await client.generate(
      request(chatPrompt(`flush ${speculation} ${Math.random()}`), { maxTokens: 1, speculation: "off" }),
      () => undefined,
    );
    return client.generate(request(prompt, { speculation, ...extra }), () => undefined);
  }

  async function forced(text: string): Promise<number[]> {
    return (await client.tokenize([{ type: "text", text }])).tokens;
  }

  it("writes the same text with and without drafts, for answers that copy the prompt and answers that do not", async () => {
    const copying = [
      { prompt: chatPrompt(`Refactor:\n${CODE}`), answer: "```js\n" + EDITED + "```\n" },
      {
        prompt: chatPrompt(`Add a comment to this code:\n${CODE}\nKeep the rest.`),
        answer: "Here it is:\n```js\n// Totals.\n" + CODE + "```\n",
      },
    ];
    for (const c of copying) {
      const forceTokens = await forced(c.answer);
      // 12 free tokens after the forced ones: they depend on the whole cache.
      const extra = { forceTokens, maxTokens: forceTokens.length + 12 };
      const off = await run(c.prompt, "off", extra);
      const always = await run(c.prompt, "always", extra);
      assert.equal(always.text, off.text);
      assert.equal(always.stats.generatedTokens, off.stats.generatedTokens);
      assert.equal(off.stats.speculation, undefined);
      const s = always.stats.speculation;
      assert.ok(s && s.accepted > 0, `drafts accepted: ${JSON.stringify(s)}`);
      assert.ok(s.accepted <= s.proposed && s.drafts > 0);
    }
    // The last one starts copying the prompt's code (its first 12 tokens forced), then runs free:
    // the lookup drafts the rest of the code, the random model writes something else, and the
    // text is still the plain one.
    const free: { prompt: PromptSegment[]; forceTokens?: number[] }[] = [
      { prompt: chatPrompt("Tell me about the sea.") },
      { prompt: chatPrompt(`What does this do?\n${CODE}`) },
      { prompt: chatPrompt(`Refactor:\n${CODE}`), forceTokens: (await forced("```js\n" + CODE)).slice(0, 12) },
    ];
    const rejected: number[] = [];
    for (const { prompt, forceTokens } of free) {
      const off = await run(prompt, "off", { maxTokens: 48, forceTokens });
      const always = await run(prompt, "always", { maxTokens: 48, forceTokens });
      assert.equal(always.text, off.text);
      assert.equal(always.stopReason, off.stopReason);
      const s = always.stats.speculation;
      rejected.push(s ? s.proposed - s.accepted : 0);
    }
    assert.ok(rejected[2] > 0, `rejected drafted tokens per prompt: ${rejected.join(", ")}`);
  });

  it("auto drafts only where the cost model expects a gain: on a CPU, after a long verbatim run", async () => {
    const prompt = chatPrompt(`Refactor:\n${CODE}`);
    const forceTokens = await forced("```js\n" + CODE + "```\n");
    const extra = { forceTokens, maxTokens: forceTokens.length };
    const off = await run(prompt, "off", extra);
    const auto = await run(prompt, "auto", extra);
    const always = await run(prompt, "always", extra);
    assert.equal(auto.text, off.text);
    // On a CPU each drafted token costs most of a step (CPU_MIXTRAL_COSTS): the policy waits until
    // the answer has copied tens of tokens in a row (p = m / (m + 1)), "always" drafts from 6.
    const a = auto.stats.speculation;
    const b = always.stats.speculation;
    assert.ok(a && b && a.accepted > 0 && a.proposed < b.proposed, `auto ${JSON.stringify(a)}, always ${JSON.stringify(b)}`);
    // A short answer with nothing to copy: no draft at all.
    const free = await run(chatPrompt("Tell me about the sea."), "auto", { maxTokens: 24 });
    assert.deepEqual(free.stats.speculation, { proposed: 0, accepted: 0, drafts: 0 });
  });

  it("refuses forced token ids outside the vocabulary with a clear message, and keeps serving", async () => {
    await assert.rejects(
      client.generate(request(chatPrompt("x"), { forceTokens: [1, 10_000_000], maxTokens: 2 }), () => undefined),
      /outside this model's vocabulary/,
    );
    const next = await client.generate(request(chatPrompt("again"), { maxTokens: 4 }), () => undefined);
    assert.equal(next.stats.generatedTokens, 4);
  });

  it("verifies drafts when sampling too (temperature > 0): each position is sampled as plain decoding would", async () => {
    const prompt = chatPrompt(`Refactor:\n${CODE}`);
    const answer = "```js\n" + EDITED + "```\n";
    const forceTokens = await forced(answer);
    const sampled = await run(prompt, "always", { forceTokens, maxTokens: forceTokens.length, temperature: 0.7, seed: 3 });
    // The forced tokens dominate the distribution at every position, so the text is the answer's.
    assert.equal(sampled.text.trim(), answer.trim());
    assert.ok((sampled.stats.speculation?.accepted ?? 0) > 0);
  });

  it("stops within a step when aborted while drafting, and the next request reuses the kept answer", async () => {
    const block = CODE.repeat(12);
    const prompt = chatPrompt(`Repeat:\n${block}`);
    const forceTokens = await forced(block + block);
    const controller = new AbortController();
    const chunks: string[] = [];
    const result = await client.generate(
      request(prompt, { speculation: "always", forceTokens, maxTokens: forceTokens.length }),
      (t) => {
        chunks.push(t);
        if (chunks.length === 1) controller.abort();
      },
      controller.signal,
    );
    assert.equal(result.stopReason, "abort");
    assert.equal(result.text, chunks.join(""));
    assert.ok(
      result.stats.generatedTokens < forceTokens.length / 4,
      `${result.stats.generatedTokens} of ${forceTokens.length} tokens before the abort took effect`,
    );

    // The cache holds the prompt and the shown answer: a turn that extends them evaluates only
    // what is new (plus the answer's last token, never evaluated).
    const turn2: PromptSegment[] = [
      ...prompt,
      { type: "text", text: result.text },
      { type: "eos" },
      { type: "text", text: "[INST] Thanks [/INST]" },
    ];
    const second = await client.generate(request(turn2, { maxTokens: 4, speculation: "always" }), () => undefined);
    const reused = second.stats.promptTokens - second.stats.evaluatedTokens;
    const promptTokens = (await client.tokenize(prompt)).tokens.length;
    assert.ok(reused >= promptTokens, `reused ${reused} tokens, the first prompt has ${promptTokens}`);
    assert.equal(second.stats.generatedTokens, 4);
  });

  it("reuses the KV cache between requests as the plain path does, with drafts accepted", async () => {
    const prompt = chatPrompt(`Refactor:\n${CODE}`);
    const forceTokens = await forced("```js\n" + EDITED + "```");
    const evaluatedInTurn2: number[] = [];
    for (const speculation of ["off", "always"] as const) {
      const first = await run(prompt, speculation, { forceTokens, maxTokens: forceTokens.length });
      if (speculation === "always") assert.ok((first.stats.speculation?.accepted ?? 0) > 0);
      const turn2: PromptSegment[] = [
        ...prompt,
        { type: "text", text: first.text },
        { type: "eos" },
        { type: "text", text: "[INST] Now in TypeScript [/INST]" },
      ];
      const second = await client.generate(request(turn2, { maxTokens: 8, speculation }), () => undefined);
      const promptTokens = (await client.tokenize(prompt)).tokens.length;
      assert.ok(second.stats.promptTokens - second.stats.evaluatedTokens >= promptTokens);
      evaluatedInTurn2.push(second.stats.evaluatedTokens);
    }
    // The cache after a drafted answer is the cache after a plain one.
    assert.equal(evaluatedInTurn2[1], evaluatedInTurn2[0]);
  });
});
