// The chat's prompt: system text, trimming to the budget, and slash commands through the real
// command templates.
import * as assert from "node:assert/strict";
import { buildChatPrompt, expandSlashCommand } from "../../../src/core/chat/chatPrompt";
import type { CountTokens } from "../../../src/core/prompt/budget";
import { DEFAULT_SYSTEM_PROMPT } from "../../../src/core/prompt/defaultTemplates";
import { renderPromptText, type ChatMessage } from "../../../src/core/prompt/mixtralFormat";
import { counterFor, disposeTinyTokenizer, tinyTokenizer } from "../prompt/tinyTokenizer";

const u = (content: string): ChatMessage => ({ role: "user", content });
const a = (content: string): ChatMessage => ({ role: "assistant", content });
const att = {
  fileName: "src/fib.ts",
  languageId: "typescript",
  startLine: 2,
  endLine: 4,
  code: "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }",
};

describe("chat prompt", function () {
  this.timeout(60_000);
  let countTokens: CountTokens;
  before(async () => {
    countTokens = counterFor((await tinyTokenizer()).model);
  });
  after(() => disposeTinyTokenizer());

  it("puts the system text first and keeps the whole history when it fits", async () => {
    const p = await buildChatPrompt([u("hi"), a("hello"), u("bye")], {
      systemPrompt: "",
      contextSize: 4096,
      reserveTokens: 512,
      countTokens,
    });
    assert.equal(p.messages[0].content, DEFAULT_SYSTEM_PROMPT);
    assert.equal(p.droppedMessages, 0);
    assert.equal(p.notice, undefined);
    const text = renderPromptText(p.segments);
    assert.ok(text.includes("hi") && text.includes("hello") && text.includes("bye"));
    const terse = await buildChatPrompt([u("x")], { systemPrompt: "Be terse.", contextSize: 4096, reserveTokens: 512, countTokens });
    assert.equal(terse.messages[0].content, "Be terse.");
  });

  it("drops the oldest exchanges to fit the context less the answer, never the newest question", async () => {
    const long = "the code value error ".repeat(40);
    const history = [u(`old ${long}`), a(`old answer ${long}`), u(`mid ${long}`), a(`mid answer ${long}`), u("newest")];
    const whole = await buildChatPrompt(history, { contextSize: 100_000, reserveTokens: 0, countTokens });
    // Room for everything but the oldest exchange: the context less the answer's reserve.
    const [oldTokens] = await countTokens([`old ${long}`]);
    const p = await buildChatPrompt(history, { contextSize: whole.promptTokens - oldTokens + 256, reserveTokens: 256, countTokens });
    assert.equal(p.droppedMessages, 2);
    assert.deepEqual(
      p.messages.map((m) => m.role),
      ["system", "user", "assistant", "user"],
    );
    assert.ok(p.messages[1].content.startsWith("mid"));
    assert.ok(p.promptTokens <= whole.promptTokens - oldTokens);
    assert.match(p.notice ?? "", /2 earlier messages/);
  });

  it("expands /explain, /tests, /fix and /doc with the attached code", () => {
    const explain = expandSlashCommand("/explain", [att]);
    assert.equal(explain?.feature, "explain");
    assert.ok(explain?.content.includes(att.code));
    assert.ok(explain?.content.includes("src/fib.ts"));
    assert.equal(expandSlashCommand("/tests with vitest please", [att])?.feature, "writeTests");
    assert.ok(expandSlashCommand("/tests with vitest please", [att])?.content.endsWith("with vitest please"));
    assert.equal(expandSlashCommand("/fix", [att])?.feature, "fix");
    assert.equal(expandSlashCommand("/doc", [att])?.feature, "document");
  });

  it("leaves ordinary text, unknown commands and commands without code alone", () => {
    assert.equal(expandSlashCommand("explain this", [att]), undefined);
    assert.equal(expandSlashCommand("/unknown", [att]), undefined);
    assert.equal(expandSlashCommand("/explain", []), undefined);
    assert.equal(expandSlashCommand("/explainer", [att]), undefined);
  });

  it("uses the user's template override", () => {
    const e = expandSlashCommand("/explain", [att], { explain: "CUSTOM {{ language }}: {{ selection }}" });
    assert.equal(e?.content, `CUSTOM typescript: ${att.code}`);
  });
});
