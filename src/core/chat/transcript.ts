// The conversation the host owns: an ordered list of turns, user and assistant alternating, the
// last assistant turn possibly still streaming. Pure data and operations; the controller in
// src/vscode/chat decides when to call them and the webview only ever renders a copy.
import type { Attachment, Turn, TurnStats } from "../../shared/protocol";

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  turns: Turn[];
}

export interface ChatMessageLike {
  role: "system" | "user" | "assistant";
  content: string;
}

export type IdFactory = () => string;

let counter = 0;
/** Ids unique within this process and across reloads (time + counter + random). */
export const defaultIdFactory: IdFactory = () =>
  `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export function newConversation(now = Date.now(), makeId: IdFactory = defaultIdFactory): Conversation {
  return { id: makeId(), title: "New chat", createdAt: now, updatedAt: now, turns: [] };
}

/** Title from the first user message: first line, shortened. */
export function titleFrom(text: string, max = 60): string {
  const line = text.trim().split(/\r?\n/, 1)[0]?.trim() ?? "";
  if (line === "") return "New chat";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A user turn, typed in the chat or posted by a command (Explain Selection…). With `feature` set,
 *  `text` is the full message for the model (the command's rendered prompt, code included) and
 *  `attachments` are shown as chips only; without it the attachments are appended to `text` as
 *  fenced code. */
export interface UserInput {
  text: string;
  /** Shown in the transcript instead of `text`, e.g. "Explain selection". */
  displayText?: string;
  attachments?: Attachment[];
  /** The command that posted it (explain, refactor…); undefined for a typed message. */
  feature?: string;
  /** What goes back into the input when the message fails before any answer: the attachments the
   *  user added (not the code retrieved from the workspace for it). Default: `attachments`. */
  ownAttachments?: Attachment[];
}

export class Transcript {
  constructor(
    public conversation: Conversation,
    private readonly makeId: IdFactory = defaultIdFactory,
    private readonly now: () => number = Date.now,
  ) {}

  get turns(): readonly Turn[] {
    return this.conversation.turns;
  }

  get streamingTurn(): Turn | undefined {
    const last = this.conversation.turns.at(-1);
    return last?.role === "assistant" && last.streaming ? last : undefined;
  }

  lastUser(): Turn | undefined {
    return [...this.conversation.turns].reverse().find((t) => t.role === "user");
  }

  /** Adds a user turn and an empty streaming assistant turn; returns the assistant turn. */
  addExchange(input: UserInput): Turn {
    if (this.streamingTurn) throw new Error("an answer is still streaming");
    const user: Turn = { id: this.makeId(), role: "user", content: input.text };
    if (input.displayText !== undefined) user.displayText = input.displayText;
    if (input.attachments?.length) user.attachments = input.attachments.map((a) => ({ ...a }));
    if (input.feature) user.feature = input.feature;
    if (!this.conversation.turns.some((t) => t.role === "user")) this.conversation.title = titleFrom(input.displayText ?? input.text);
    this.conversation.turns.push(user);
    return this.startAnswer();
  }

  private startAnswer(): Turn {
    const answer: Turn = { id: this.makeId(), role: "assistant", content: "", streaming: true };
    this.conversation.turns.push(answer);
    this.touch();
    return answer;
  }

  append(turnId: string, text: string): boolean {
    const turn = this.streamingTurn;
    if (!turn || turn.id !== turnId) return false;
    turn.content += text;
    return true;
  }

  finish(
    turnId: string,
    result: { text?: string; stats?: TurnStats; incomplete?: boolean; incompleteReason?: string; error?: string },
  ): Turn | undefined {
    const turn = this.conversation.turns.find((t) => t.id === turnId);
    if (!turn || turn.role !== "assistant") return undefined;
    delete turn.streaming;
    if (result.text !== undefined) turn.content = result.text;
    if (result.stats) turn.stats = result.stats;
    if (result.incomplete) {
      turn.incomplete = true;
      turn.incompleteReason = result.incompleteReason ?? "stopped";
    }
    if (result.error) turn.error = result.error;
    this.touch();
    return turn;
  }

  /** Drops the last exchange when it failed before the model produced anything, so the text can
   *  go back into the input instead of cluttering the transcript. Returns the removed user turn. */
  retractLastExchange(): Turn | undefined {
    const turns = this.conversation.turns;
    const last = turns.at(-1);
    const user = turns.at(-2);
    if (last?.role !== "assistant" || user?.role !== "user") return undefined;
    turns.splice(-2, 2);
    this.touch();
    return user;
  }

  /** Prepares a regenerate: removes the last answer and starts a new one for the same question. */
  regenerate(): Turn | undefined {
    if (this.streamingTurn) return undefined;
    const turns = this.conversation.turns;
    if (turns.at(-1)?.role === "assistant") turns.pop();
    if (turns.at(-1)?.role !== "user") return undefined;
    return this.startAnswer();
  }

  /** Replaces the last user message (keeping its attachments) and starts a new answer. */
  editLast(input: Omit<UserInput, "attachments">): Turn | undefined {
    if (this.streamingTurn) return undefined;
    const turns = this.conversation.turns;
    if (turns.at(-1)?.role === "assistant") turns.pop();
    const user = turns.at(-1);
    if (user?.role !== "user") return undefined;
    user.content = input.text;
    if (input.displayText !== undefined) user.displayText = input.displayText;
    else delete user.displayText;
    if (input.feature) user.feature = input.feature;
    else delete user.feature;
    if (turns.filter((t) => t.role === "user").length === 1) this.conversation.title = titleFrom(input.displayText ?? input.text);
    return this.startAnswer();
  }

  /** Messages for the prompt builder: every finished exchange plus the pending question.
   *  Failed answers and the streaming placeholder are left out; a cut answer stays (the model
   *  sees what it said). */
  toChatMessages(): ChatMessageLike[] {
    const out: ChatMessageLike[] = [];
    for (const t of this.conversation.turns) {
      if (t.role === "user") out.push({ role: "user", content: userContent(t) });
      else if (!t.streaming && !t.error && t.content !== "") out.push({ role: "assistant", content: t.content });
    }
    // Mixtral's template requires user/assistant alternation: merge consecutive user turns
    // (left behind by failed answers).
    const merged: ChatMessageLike[] = [];
    for (const m of out) {
      const prev = merged.at(-1);
      if (prev && prev.role === m.role) prev.content += `\n\n${m.content}`;
      else merged.push({ ...m });
    }
    return merged;
  }

  private touch(): void {
    this.conversation.updatedAt = this.now();
  }
}

/** The user's text with attached code appended as fenced blocks naming file and lines. A turn
 *  with a `feature` (slash command or editor command) already holds the code in its content. */
/** The figures an answer shows: the engine's, with the rate left out where none was measured
 *  (the engine reports 0 for a one-token answer and for a partial answer kept after a crash). */
export function turnStats(stats: { ttftMs: number; tokensPerSecond: number; generatedTokens: number }): TurnStats {
  const { ttftMs, tokensPerSecond, generatedTokens } = stats;
  return tokensPerSecond > 0 ? { ttftMs, tokensPerSecond, generatedTokens } : { ttftMs, generatedTokens };
}

export function userContent(turn: Pick<Turn, "content" | "attachments" | "feature">): string {
  if (turn.feature) return turn.content;
  const parts = [turn.content];
  for (const a of turn.attachments ?? []) {
    const fence = fenceFor(a.code);
    parts.push(`${a.fileName} (lines ${a.startLine}-${a.endLine}):\n${fence}${a.languageId}\n${a.code}\n${fence}`);
  }
  return parts.filter((p) => p !== "").join("\n\n");
}

/** A backtick fence longer than any run of backticks inside the code. */
export function fenceFor(code: string): string {
  let longest = 0;
  for (const m of code.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return "`".repeat(Math.max(3, longest + 1));
}
