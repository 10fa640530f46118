// Conversation history over a key-value storage: saving, listing, rename, delete, caps, and
// reading back damaged or hostile stored data. The storage is a real JSON round-trip (what
// VS Code's globalState does), so nothing survives that would not survive a reload.
import * as assert from "node:assert/strict";
import { HistoryStore, type KeyValueStorage } from "../../../src/core/chat/historyStore";
import { newConversation, Transcript, type Conversation } from "../../../src/core/chat/transcript";

class JsonStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  writes = 0;
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.writes++;
    this.data.set(key, JSON.stringify(value));
  }
}

function conversation(title: string, updatedAt: number, answer = "a"): Conversation {
  const t = new Transcript(newConversation(updatedAt), undefined, () => updatedAt);
  const a = t.addExchange({ text: title });
  t.append(a.id, answer);
  t.finish(a.id, {});
  return t.conversation;
}

describe("chat history store", () => {
  it("saves, lists newest first, and restores the current conversation", async () => {
    const storage = new JsonStorage();
    const store = new HistoryStore(storage);
    const c1 = conversation("first", 1);
    const c2 = conversation("second", 2);
    await store.save(c1);
    await store.save(c2);
    assert.deepEqual(
      store.list().map((c) => c.title),
      ["second", "first"],
    );
    assert.equal(store.current()?.id, c2.id);
    // A new store over the same storage (a window reload) sees the same.
    const reloaded = new HistoryStore(storage);
    assert.deepEqual(
      reloaded.get(c1.id)?.turns.map((t) => t.content),
      ["first", "a"],
    );
    assert.equal(reloaded.current()?.id, c2.id);
  });

  it("stores a still-streaming answer as cut short by the reload", async () => {
    const storage = new JsonStorage();
    const store = new HistoryStore(storage);
    const t = new Transcript(newConversation());
    const a = t.addExchange({ text: "q" });
    t.append(a.id, "half an ans");
    await store.save(t.conversation);
    const turn = new HistoryStore(storage).current()?.turns[1];
    assert.equal(turn?.content, "half an ans");
    assert.equal(turn?.streaming, undefined);
    assert.equal(turn?.incomplete, true);
    assert.match(turn?.incompleteReason ?? "", /reload/);
    // The live transcript is not changed by saving.
    assert.equal(t.streamingTurn?.id, a.id);
  });

  it("renames and deletes", async () => {
    const store = new HistoryStore(new JsonStorage());
    const c = conversation("old", 1);
    await store.save(c);
    assert.equal(await store.rename(c.id, "  New name  "), true);
    assert.equal(store.list()[0].title, "New name");
    assert.equal(await store.rename("missing", "x"), false);
    assert.equal(await store.delete(c.id), true);
    assert.equal(store.list().length, 0);
    assert.equal(store.current(), undefined);
    assert.equal(await store.delete(c.id), false);
  });

  it("keeps at most maxConversations, dropping the oldest", async () => {
    const store = new HistoryStore(new JsonStorage(), { maxConversations: 3 });
    for (let i = 0; i < 5; i++) await store.save(conversation(`c${i}`, i));
    assert.deepEqual(
      store.list().map((c) => c.title),
      ["c4", "c3", "c2"],
    );
  });

  it("trims long conversations from the front, whole exchanges at a time", async () => {
    const store = new HistoryStore(new JsonStorage(), { maxCharsPerConversation: 250 });
    const t = new Transcript(newConversation());
    for (let i = 0; i < 5; i++) {
      const a = t.addExchange({ text: `question ${i} ${"q".repeat(40)}` });
      t.finish(a.id, { text: `answer ${i} ${"a".repeat(40)}` });
    }
    await store.save(t.conversation);
    const saved = store.current()!;
    assert.ok(saved.turns.length < 10 && saved.turns.length >= 2);
    assert.equal(saved.turns[0].role, "user");
    assert.match(saved.turns.at(-1)!.content, /^answer 4/);
  });

  it("serializes concurrent writes (no lost update)", async () => {
    const storage = new JsonStorage();
    const store = new HistoryStore(storage);
    const cs = Array.from({ length: 10 }, (_, i) => conversation(`c${i}`, i));
    await Promise.all(cs.map((c) => store.save(c)));
    assert.equal(store.list().length, 10);
    assert.equal(storage.writes, 10);
  });

  it("reads damaged and hostile stored data without crashing", () => {
    const storage = new JsonStorage();
    storage.data.set(
      "mixtral.chat.history",
      JSON.stringify({
        currentId: 7,
        conversations: [
          null,
          "x",
          { id: 1, turns: [] },
          {
            id: "ok",
            title: "T",
            turns: [
              {
                id: "u",
                role: "user",
                content: "hi",
                attachments: [{ fileName: "a" }, { fileName: "b", languageId: "", startLine: 1, endLine: 1, code: "c" }],
              },
              { id: "s", role: "system", content: "evil" },
              { id: "a", role: "assistant", content: "yo", streaming: true, stats: { ttftMs: "fast" } },
            ],
          },
        ],
      }),
    );
    storage.data.set("other", JSON.stringify(null));
    const store = new HistoryStore(storage);
    assert.deepEqual(
      store.list().map((c) => c.id),
      ["ok"],
    );
    const c = store.get("ok")!;
    assert.deepEqual(
      c.turns.map((t) => t.role),
      ["user", "assistant"],
    );
    assert.equal(c.turns[0].attachments?.length, 1);
    assert.equal(c.turns[1].incomplete, true);
    assert.equal(c.turns[1].stats, undefined);
    assert.equal(store.current(), undefined);
    assert.deepEqual(new HistoryStore(storage, { key: "other" }).list(), []);
  });
});
