// The check that turn N+1 extends turn N's tokens: the real engine child (dist/engine.js) on
// the tiny model reports how many prompt tokens it evaluated; every earlier prompt token comes from
// the KV cache. (The answer's tokens are reused only as far as the model generated the canonical
// tokenization of its own text: the random tiny model often does not, e.g. "▁becaus" + "e".)
import * as assert from "node:assert/strict";
import { buildMixtralPrompt, type ChatMessage } from "../../../src/core/prompt/mixtralFormat";
import { makeClient, request, tinyLoadOptions } from "../engine/engineTestKit";

describe("prompt/turn reuse in the engine", function () {
  this.timeout(120000);
  const { client } = makeClient();
  after(() => client.dispose());

  it("evaluates only the new tokens of each turn", async () => {
    await client.load(await tinyLoadOptions());
    const history: ChatMessage[] = [
      { role: "system", content: "be brief" },
      { role: "user", content: "write a function" },
    ];
    let previous = await client.generate(request(buildMixtralPrompt(history), { maxTokens: 12 }), () => {});
    assert.equal(previous.stats.evaluatedTokens, previous.stats.promptTokens);
    for (const next of ["now add a test", "explain the code"]) {
      history.push({ role: "assistant", content: previous.text }, { role: "user", content: next });
      const prompt = buildMixtralPrompt(history);
      const result = await client.generate(request(prompt, { maxTokens: 12 }), () => {});
      const answerTokens = (await client.countTokens([previous.text.trim()]))[0];
      const [userRun] = await client.countTokens([(prompt[prompt.length - 1] as { text: string }).text]);
      // New since the last prompt: the answer, its EOS and the user run; nothing before them.
      assert.equal(result.stats.promptTokens, previous.stats.promptTokens + answerTokens + 1 + userRun);
      assert.ok(
        result.stats.evaluatedTokens <= result.stats.promptTokens - previous.stats.promptTokens,
        `evaluated ${result.stats.evaluatedTokens} of ${result.stats.promptTokens}; the previous prompt had ${previous.stats.promptTokens}`,
      );
      assert.ok(result.stats.evaluatedTokens >= userRun + 1);
      previous = result;
    }
  });
});
