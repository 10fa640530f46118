// Budgets with real token counts from the tiny model's tokenizer: never over the context, always the
// newest user text, oldest turns dropped first; code elided with a marker; refusals of binary/minified.
import * as assert from "node:assert/strict";
import type { LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import { ContentRefusedError, InvalidOptionsError } from "../../../src/core/errors";
import { countPromptTokens, elisionMarker, fitChat, fitCode, fitSurroundings, type CountTokens } from "../../../src/core/prompt/budget";
import { checkCodeContent, isProbablyBinary } from "../../../src/core/prompt/codeContent";
import { buildMixtralPrompt, type ChatMessage } from "../../../src/core/prompt/mixtralFormat";
import { tokenizePrompt } from "../../../src/engine/tokenizePrompt";
import { counterFor, disposeTinyTokenizer, tinyTokenizer } from "./tinyTokenizer";

const words = (n: number, seed: number): string =>
  Array.from({ length: n }, (_, i) => ["the", "code", "value", "error", "function", "return", "list", "map"][(i * 7 + seed) % 8]).join(" ");

function conversation(exchanges: number): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: "system", content: "you help with code" }];
  for (let i = 0; i < exchanges; i++) {
    messages.push({ role: "user", content: `question ${i}: ${words(20 + i * 3, i)}` }, { role: "assistant", content: `answer ${i}: ${words(30, i + 1)}` });
  }
  messages.push({ role: "user", content: `newest question: ${words(25, 99)}` });
  return messages;
}

describe("prompt/budget", function () {
  this.timeout(60000);
  let model: LlamaModel;
  let count: CountTokens;
  before(async () => {
    ({ model } = await tinyTokenizer());
    count = counterFor(model);
  });
  after(() => disposeTinyTokenizer());

  it("counts a prompt exactly as the engine tokenizes it", async () => {
    const segments = buildMixtralPrompt(conversation(3));
    assert.equal(await countPromptTokens(segments, count), tokenizePrompt(model, segments).length);
  });

  it("keeps everything when it fits", async () => {
    const messages = conversation(2);
    const fit = await fitChat({ messages, contextSize: 4096, reserveTokens: 256, countTokens: count });
    assert.deepEqual(fit.messages, messages);
    assert.equal(fit.droppedMessages, 0);
    assert.equal(fit.notice, undefined);
    assert.equal(fit.promptTokens, tokenizePrompt(model, buildMixtralPrompt(messages)).length);
  });

  it("never exceeds the context, keeps system and newest text, drops oldest exchanges first", async () => {
    const messages = conversation(6);
    const full = tokenizePrompt(model, buildMixtralPrompt(messages)).length;
    const newestOnly = tokenizePrompt(model, buildMixtralPrompt([messages[0], messages[messages.length - 1]])).length;
    let sawDrop = false;
    for (let contextSize = newestOnly + 10; contextSize <= full + 20; contextSize += 7) {
      const fit = await fitChat({ messages, contextSize, reserveTokens: 10, countTokens: count });
      const exact = tokenizePrompt(model, buildMixtralPrompt(fit.messages)).length;
      assert.equal(fit.promptTokens, exact);
      assert.ok(exact <= contextSize - 10, `${exact} > ${contextSize - 10}`);
      assert.deepEqual(fit.messages[0], messages[0]);
      assert.deepEqual(fit.messages[fit.messages.length - 1], messages[messages.length - 1]);
      // What is kept is the newest suffix of the conversation.
      assert.deepEqual(fit.messages.slice(1), messages.slice(1 + fit.droppedMessages));
      assert.equal(fit.droppedMessages % 2, 0);
      if (fit.droppedMessages > 0) {
        sawDrop = true;
        assert.match(fit.notice ?? "", new RegExp(`^${fit.droppedMessages} earlier messages were left out`));
        // Keeping one more exchange would not have fit.
        const more = buildMixtralPrompt([messages[0], ...messages.slice(1 + fit.droppedMessages - 2)]);
        assert.ok(tokenizePrompt(model, more).length > contextSize - 10);
      }
    }
    assert.ok(sawDrop);
  });

  it("refuses, with numbers, when even the newest message does not fit", async () => {
    const messages = conversation(1);
    await assert.rejects(
      fitChat({ messages, contextSize: 20, reserveTokens: 5, countTokens: count }),
      (err: unknown) => err instanceof InvalidOptionsError && /too long for the model's context: \d+ tokens .* only 15 fit/.test(err.message),
    );
  });

  it("keeps a selection whole when it fits, else its start and end around a marker", async () => {
    const lines = Array.from({ length: 80 }, (_, i) => `  const value${i} = compute(${i}); // line ${i}`);
    const code = ["function main() {", ...lines, "  return value79;", "}"].join("\n");
    const [whole] = await count([code]);
    assert.deepEqual(await fitCode(code, whole, count), { text: code, elidedLines: 0 });
    for (const max of [60, 150, Math.floor(whole / 2)]) {
      const fit = await fitCode(code, max, count);
      const [tokens] = await count([fit.text]);
      assert.ok(tokens <= max, `${tokens} > ${max}`);
      assert.ok(fit.elidedLines > 0);
      assert.ok(fit.text.startsWith("function main() {"));
      assert.ok(fit.text.endsWith("  return value79;\n}"), fit.text.slice(-40));
      assert.ok(fit.text.includes(elisionMarker(fit.elidedLines)));
      assert.match(fit.notice ?? "", new RegExp(`${fit.elidedLines} of its 83 lines were left out`));
    }
  });

  it("takes surrounding lines nearest the cursor first and reports the cut", async () => {
    const above = Array.from({ length: 40 }, (_, i) => `let above${i} = ${i};`);
    const below = Array.from({ length: 40 }, (_, i) => `let below${i} = ${i};`);
    const fit = await fitSurroundings({ above, below, maxTokens: 120, countTokens: count });
    const [tokens] = await count([`${fit.before}\n${fit.after}`]);
    assert.ok(tokens <= 120);
    assert.ok(fit.cutAbove > 0 && fit.cutBelow > 0);
    assert.ok(fit.before.endsWith("let above39 = 39;") && fit.after.startsWith("let below0 = 0;"));
    assert.equal(fit.before.split("\n").length, 40 - fit.cutAbove);
    assert.ok(Math.abs((40 - fit.cutAbove) - (40 - fit.cutBelow)) <= 1);
    assert.match(fit.notice ?? "", /surrounding lines were left out/);
    const all = await fitSurroundings({ above, below, maxTokens: 100000, countTokens: count });
    assert.deepEqual([all.cutAbove, all.cutBelow, all.notice], [0, 0, undefined]);
  });

  it("refuses binary content and minified lines with a clear message", () => {
    assert.doesNotThrow(() => checkCodeContent("const a = 1;\n\tconst b = '\u001b[31m';\n"));
    assert.ok(isProbablyBinary("PK\u0003\u0004\u0000\u0000"));
    assert.ok(isProbablyBinary("\u0001\u0002\u0003abc\u0004\u0005\u0006"));
    assert.ok(!isProbablyBinary("café 日本語 🚀\r\n"));
    assert.throws(() => checkCodeContent("ab\u0000cd", { label: "image.png" }), (e: unknown) => e instanceof ContentRefusedError && /^Image\.png looks like binary data/.test(e.message));
    const minified = `line one\n${"a=1;".repeat(400)}\n`;
    assert.throws(
      () => checkCodeContent(minified, { label: "app.min.js" }),
      (e: unknown) => e instanceof ContentRefusedError && /Line 2 of app\.min\.js is 1600 characters long \(limit 1000\); it looks minified/.test(e.message),
    );
    assert.doesNotThrow(() => checkCodeContent(minified, { maxLineLength: 2000 }));
  });
});
