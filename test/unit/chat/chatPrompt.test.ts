// The chat's prompt: system text, trimming to the budget, and slash commands through the real
// command templates.
import * as assert from "node:assert/strict";
import { buildChatPrompt, expandSlashCommand, promptCharBudget } from "../../../src/core/chat/chatPrompt";
import { DEFAULT_SYSTEM_PROMPT } from "../../../src/core/prompt/defaultTemplates";
import { renderPromptText, type ChatMessage } from "../../../src/core/prompt/mixtralFormat";

const u = (content: string): ChatMessage => ({ role: "user", content });
const a = (content: string): ChatMessage => ({ role: "assistant", content });
const att = { fileName: "src/fib.ts", languageId: "typescript", startLine: 2, endLine: 4, code: "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }" };

describe("chat prompt", () => {
  it("puts the system text first and keeps the whole history when it fits", () => {
    const p = buildChatPrompt([u("hi"), a("hello"), u("bye")], { systemPrompt: "" });
    assert.equal(p.messages[0].content, DEFAULT_SYSTEM_PROMPT);
    assert.equal(p.droppedMessages, 0);
    const text = renderPromptText(p.segments);
    assert.ok(text.includes("hi") && text.includes("hello") && text.includes("bye"));
    assert.equal(buildChatPrompt([u("x")], { systemPrompt: "Be terse." }).messages[0].content, "Be terse.");
  });

  it("drops the oldest exchanges to fit, never the newest question", () => {
    const long = "w".repeat(500);
    const history = [u(`old ${long}`), a(`old answer ${long}`), u(`mid ${long}`), a(`mid answer ${long}`), u("newest")];
    const p = buildChatPrompt(history, { maxPromptChars: 1200 + DEFAULT_SYSTEM_PROMPT.length });
    assert.equal(p.droppedMessages, 2);
    assert.deepEqual(p.messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
    assert.ok(p.messages[1].content.startsWith("mid"));
    const tiny = buildChatPrompt(history, { maxPromptChars: 10 });
    assert.deepEqual(tiny.messages.map((m) => m.content.slice(0, 6)), [DEFAULT_SYSTEM_PROMPT.slice(0, 6), "newest"]);
  });

  it("budgets characters from the context size minus the answer", () => {
    assert.ok(promptCharBudget(4096, 1024) > promptCharBudget(4096, 2048));
    assert.equal(promptCharBudget(512, 8192), 1000);
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
