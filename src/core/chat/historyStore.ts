// Past conversations, persisted through an injected key-value storage (VS Code's
// `context.globalState` in the extension, a Map in tests). Stored data is re-validated on read:
// it may come from an older version or be hand-edited.
import type { ConversationSummary, Turn } from "../../shared/protocol";
import { parseAttachment } from "../../shared/protocol";
import { turnStats, type Conversation } from "./transcript";

/** The subset of vscode.Memento the store needs. */
export interface KeyValueStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface HistoryStoreOptions {
  /** Oldest conversations beyond this are dropped. Default 50. */
  maxConversations?: number;
  /** Characters kept per conversation (oldest turns dropped first). Default 2,000,000. */
  maxCharsPerConversation?: number;
  /** Storage key. Default "mixtral.chat.history". */
  key?: string;
}

interface StoredHistory {
  version: 1;
  currentId?: string;
  conversations: Conversation[];
}

export class HistoryStore {
  private readonly maxConversations: number;
  private readonly maxChars: number;
  private readonly key: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: KeyValueStorage,
    options: HistoryStoreOptions = {},
  ) {
    this.maxConversations = options.maxConversations ?? 50;
    this.maxChars = options.maxCharsPerConversation ?? 2_000_000;
    this.key = options.key ?? "mixtral.chat.history";
  }

  private read(): StoredHistory {
    const raw = this.storage.get<unknown>(this.key);
    const conversations: Conversation[] = [];
    let currentId: string | undefined;
    if (typeof raw === "object" && raw !== null) {
      const r = raw as Record<string, unknown>;
      if (typeof r.currentId === "string") currentId = r.currentId;
      if (Array.isArray(r.conversations)) {
        for (const c of r.conversations) {
          const conv = reviveConversation(c);
          if (conv) conversations.push(conv);
        }
      }
    }
    return { version: 1, currentId, conversations };
  }

  /** Newest first; conversations without any turn are not listed. */
  list(): ConversationSummary[] {
    return this.read()
      .conversations.filter((c) => c.turns.length > 0)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((c) => ({ id: c.id, title: c.title, updatedAt: c.updatedAt, turnCount: c.turns.length }));
  }

  get(id: string): Conversation | undefined {
    return this.read().conversations.find((c) => c.id === id);
  }

  /** The conversation that was open last (restored after a window reload). */
  current(): Conversation | undefined {
    const h = this.read();
    return h.currentId ? h.conversations.find((c) => c.id === h.currentId) : undefined;
  }

  /** Saves (inserts or replaces) a conversation and marks it current. A streaming answer is
   *  stored as cut short, since a reload ends the stream. */
  save(conversation: Conversation): Promise<void> {
    return this.mutate((h) => {
      const copy = trimToSize(structuredClone(conversation), this.maxChars);
      for (const t of copy.turns) {
        if (t.streaming) {
          delete t.streaming;
          t.incomplete = true;
          t.incompleteReason = t.incompleteReason ?? "interrupted by a reload";
        }
      }
      const i = h.conversations.findIndex((c) => c.id === copy.id);
      if (i >= 0) h.conversations[i] = copy;
      else h.conversations.push(copy);
      h.currentId = copy.id;
      h.conversations.sort((a, b) => b.updatedAt - a.updatedAt);
      h.conversations.splice(this.maxConversations);
    });
  }

  setCurrent(id: string | undefined): Promise<void> {
    return this.mutate((h) => {
      h.currentId = id;
    });
  }

  rename(id: string, title: string): Promise<boolean> {
    let found = false;
    return this.mutate((h) => {
      const c = h.conversations.find((x) => x.id === id);
      if (!c) return;
      found = true;
      c.title = title.trim().slice(0, 200) || c.title;
    }).then(() => found);
  }

  delete(id: string): Promise<boolean> {
    let found = false;
    return this.mutate((h) => {
      const before = h.conversations.length;
      h.conversations = h.conversations.filter((c) => c.id !== id);
      found = h.conversations.length !== before;
      if (h.currentId === id) h.currentId = undefined;
    }).then(() => found);
  }

  // Writes are serialized so two quick saves cannot interleave read-modify-write.
  private mutate(change: (h: StoredHistory) => void): Promise<void> {
    const next = this.writing.then(async () => {
      const h = this.read();
      change(h);
      await this.storage.update(this.key, h);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}

function trimToSize(c: Conversation, maxChars: number): Conversation {
  const size = (t: Turn) => t.content.length + (t.attachments ?? []).reduce((n, a) => n + a.code.length, 0);
  let total = c.turns.reduce((n, t) => n + size(t), 0);
  // Drop whole exchanges from the front so the history keeps alternating user/assistant.
  while (total > maxChars && c.turns.length > 2) {
    const removed = c.turns.splice(0, c.turns[1]?.role === "assistant" ? 2 : 1);
    total -= removed.reduce((n, t) => n + size(t), 0);
  }
  return c;
}

function reviveConversation(v: unknown): Conversation | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.id !== "string" || !Array.isArray(r.turns)) return undefined;
  const turns: Turn[] = [];
  for (const t of r.turns) {
    const turn = reviveTurn(t);
    if (turn) turns.push(turn);
  }
  const now = Date.now();
  return {
    id: r.id,
    title: typeof r.title === "string" ? r.title : "Chat",
    createdAt: typeof r.createdAt === "number" ? r.createdAt : now,
    updatedAt: typeof r.updatedAt === "number" ? r.updatedAt : now,
    turns,
  };
}

function reviveTurn(v: unknown): Turn | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.id !== "string" || (r.role !== "user" && r.role !== "assistant") || typeof r.content !== "string") return undefined;
  const t: Turn = { id: r.id, role: r.role, content: r.content };
  if (typeof r.displayText === "string") t.displayText = r.displayText;
  if (typeof r.feature === "string") t.feature = r.feature;
  if (r.incomplete === true) t.incomplete = true;
  if (typeof r.incompleteReason === "string") t.incompleteReason = r.incompleteReason;
  if (typeof r.error === "string") t.error = r.error;
  if (r.streaming === true) {
    t.incomplete = true;
    t.incompleteReason ??= "interrupted by a reload";
  }
  const s = r.stats as Record<string, unknown> | undefined;
  if (s && typeof s.ttftMs === "number" && typeof s.generatedTokens === "number") {
    // Saved before a rate could be absent, an unmeasured one was stored as 0.
    t.stats = turnStats({
      ttftMs: s.ttftMs,
      tokensPerSecond: typeof s.tokensPerSecond === "number" ? s.tokensPerSecond : 0,
      generatedTokens: s.generatedTokens,
    });
  }
  if (Array.isArray(r.attachments)) {
    const atts = [];
    for (const a of r.attachments) {
      try {
        atts.push(parseAttachment(a));
      } catch {
        // A damaged attachment is dropped; the turn itself is still worth keeping.
      }
    }
    if (atts.length) t.attachments = atts;
  }
  return t;
}
