// The host-owned transcript: exchanges, streaming, stop/regenerate/edit, and the messages it
// gives the prompt builder (which must accept them: roles alternate).
import * as assert from "node:assert/strict";
import { buildMixtralPrompt } from "../../../src/core/prompt/mixtralFormat";
import { crashedResult } from "../../../src/core/engineClient/engineResults";
import { fenceFor, newConversation, titleFrom, Transcript, turnStats, userContent } from "../../../src/core/chat/transcript";

function ids(): () => string {
  let n = 0;
  return () => `id${n++}`;
}

function fresh(): Transcript {
  const makeId = ids();
  return new Transcript(newConversation(1000, makeId), makeId, () => 2000);
}

describe("chat transcript", () => {
  it("streams an answer and finishes it with stats", () => {
    const t = fresh();
    const answer = t.addExchange({ text: "What is 2+2?" });
    assert.equal(t.streamingTurn?.id, answer.id);
    assert.equal(t.conversation.title, "What is 2+2?");
    assert.ok(t.append(answer.id, "It is "));
    assert.ok(t.append(answer.id, "4."));
    assert.equal(t.append("other", "x"), false);
    t.finish(answer.id, { stats: { ttftMs: 5, tokensPerSecond: 100, generatedTokens: 3 } });
    assert.equal(t.streamingTurn, undefined);
    const last = t.turns.at(-1)!;
    assert.equal(last.content, "It is 4.");
    assert.equal(last.streaming, undefined);
    assert.equal(last.stats?.generatedTokens, 3);
    assert.equal(t.conversation.updatedAt, 2000);
  });

  it("refuses a second question while an answer streams", () => {
    const t = fresh();
    t.addExchange({ text: "a" });
    assert.throws(() => t.addExchange({ text: "b" }), /still streaming/);
  });

  it("marks cut answers incomplete with a reason", () => {
    const t = fresh();
    const a = t.addExchange({ text: "q" });
    t.append(a.id, "partial");
    t.finish(a.id, { incomplete: true, incompleteReason: "stopped" });
    assert.equal(t.turns[1].incomplete, true);
    assert.equal(t.turns[1].incompleteReason, "stopped");
    assert.equal(t.turns[1].content, "partial");
  });

  it("regenerates the last answer for the same question", () => {
    const t = fresh();
    const a = t.addExchange({ text: "q" });
    t.finish(a.id, { text: "first" });
    const b = t.regenerate();
    assert.ok(b);
    assert.notEqual(b.id, a.id);
    assert.deepEqual(
      t.turns.map((x) => x.role),
      ["user", "assistant"],
    );
    assert.equal(t.turns[1].content, "");
    assert.equal(t.regenerate(), undefined, "no regenerate while streaming");
  });

  it("edits and resends the last message, keeping its attachments", () => {
    const t = fresh();
    const att = { fileName: "a.ts", languageId: "typescript", startLine: 1, endLine: 2, code: "x()" };
    const a = t.addExchange({ text: "first", attachments: [att] });
    t.finish(a.id, { text: "answer" });
    const b = t.editLast({ text: "second" });
    assert.ok(b);
    assert.equal(t.turns.length, 2);
    assert.equal(t.turns[0].content, "second");
    assert.deepEqual(t.turns[0].attachments, [att]);
    assert.equal(t.conversation.title, "second");
  });

  it("retracts an exchange that failed before any output", () => {
    const t = fresh();
    const a = t.addExchange({ text: "first" });
    t.finish(a.id, { text: "ok" });
    t.addExchange({ text: "second" });
    const user = t.retractLastExchange();
    assert.equal(user?.content, "second");
    assert.equal(t.turns.length, 2);
  });

  it("gives the prompt builder alternating messages with attached code fenced", () => {
    const t = fresh();
    const code = "const s = `a ``` b`;";
    const a = t.addExchange({
      text: "Explain",
      attachments: [{ fileName: "x.ts", languageId: "typescript", startLine: 4, endLine: 4, code }],
    });
    t.finish(a.id, { text: "", error: "engine crashed" });
    const b = t.addExchange({ text: "Try again" });
    t.append(b.id, "partial");
    const msgs = t.toChatMessages();
    // The failed answer and the streaming placeholder are left out; the two questions merge.
    assert.deepEqual(
      msgs.map((m) => m.role),
      ["user"],
    );
    assert.ok(msgs[0].content.includes("x.ts (lines 4-4):\n````typescript\n" + code + "\n````"));
    assert.ok(msgs[0].content.endsWith("Try again"));
    t.finish(b.id, { incomplete: true });
    const c = t.addExchange({ text: "more" });
    void c;
    const again = t.toChatMessages();
    assert.deepEqual(
      again.map((m) => m.role),
      ["user", "assistant", "user"],
    );
    assert.doesNotThrow(() => buildMixtralPrompt(again));
  });

  it("uses the content as is for command turns (code already in the prompt)", () => {
    assert.equal(
      userContent({
        content: "rendered prompt",
        feature: "explain",
        attachments: [{ fileName: "a", languageId: "", startLine: 1, endLine: 1, code: "zzz" }],
      }),
      "rendered prompt",
    );
  });

  it("makes titles and fences", () => {
    assert.equal(titleFrom("  \n"), "New chat");
    assert.equal(titleFrom("line one\nline two"), "line one");
    assert.equal(titleFrom("x".repeat(100)).length, 60);
    assert.equal(fenceFor("no ticks"), "```");
    assert.equal(fenceFor("````"), "`````");
  });

  it("shows the engine's rate, and none where none was measured (the partial answer of a killed engine)", () => {
    assert.deepEqual(turnStats({ ttftMs: 5, tokensPerSecond: 100, generatedTokens: 3 }), {
      ttftMs: 5,
      tokensPerSecond: 100,
      generatedTokens: 3,
    });
    const started = Date.now() - 2000;
    const killed = crashedResult(
      { text: "partial", chunks: 312, startedAt: started, firstChunkAt: started + 87 },
      "the engine process crashed (SIGKILL)",
    );
    assert.deepEqual(turnStats(killed.stats), { ttftMs: 87, generatedTokens: 312 });
  });
});
