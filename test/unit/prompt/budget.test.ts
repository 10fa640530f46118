// The chat's budget with real token counts from the tiny model's tokenizer: never over the context,
// always the newest user text, oldest turns dropped first. (A command's selection: codeInput.test.ts.)
import * as assert from "node:assert/strict";
import type { LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import { InvalidOptionsError } from "../../../src/core/errors";
import { fitChat, type CountTokens } from "../../../src/core/prompt/budget";
import { buildMixtralPrompt, type ChatMessage } from "../../../src/core/prompt/mixtralFormat";
import { tokenizePrompt } from "../../../src/engine/tokenizePrompt";
import { counterFor, disposeTinyTokenizer, tinyTokenizer } from "./tinyTokenizer";

const words = (n: number, seed: number): string =>
  Array.from({ length: n }, (_, i) => ["the", "code", "value", "error", "function", "return", "list", "map"][(i * 7 + seed) % 8]).join(" ");

function conversation(exchanges: number): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: "system", content: "you help with code" }];
  for (let i = 0; i < exchanges; i++) {
    messages.push(
      { role: "user", content: `question ${i}: ${words(20 + i * 3, i)}` },
      { role: "assistant", content: `answer ${i}: ${words(30, i + 1)}` },
    );
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

  it("counts the prompt it keeps exactly as the engine tokenizes it", async () => {
    const fit = await fitChat({ messages: conversation(3), contextSize: 4096, reserveTokens: 256, countTokens: count });
    assert.equal(fit.promptTokens, tokenizePrompt(model, buildMixtralPrompt(fit.messages)).length);
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
      (err: unknown) =>
        err instanceof InvalidOptionsError && /too long for the model's context: \d+ tokens .* only 15 fit/.test(err.message),
    );
  });
});
