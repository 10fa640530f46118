// Mixtral-8x7B-Instruct-v0.1's conversation format, as Mistral's reference tokenizer (mistral-common,
// tokenizer v1) builds it: BOS, then one SentencePiece encode() per message —
//   encode("[INST] {user} [/INST]"), encode("{assistant}"), EOS, encode("[INST] {user} [/INST]") …
// Each encode() starts with the word-boundary piece "▁", which is where the spaces of the familiar
// string form `<s> [INST] u1 [/INST] a1</s> [INST] u2 [/INST]` come from. A PromptSegment text run is
// exactly one such encode() (src/engine/tokenizePrompt.ts), so we emit one run per message.
//
// Why one run per message rather than one run per exchange ("[INST] u1 [/INST] a1"): it is what the
// reference does; for Mistral's vocabulary both give the same tokens (its pieces never span "]▁",
// SentencePiece splits on whitespace), and per-message runs make turn N+1's segments a plain array
// extension of turn N's, and let budgets count each message once and add the counts exactly.
//
// Whitespace: the template puts exactly one space on either side of the user text and one before the
// answer (the run's "▁"). Extra outer whitespace would give "▁▁" pieces the model never saw after
// [INST] or before [/INST], so user and finished assistant texts are trimmed at both ends (inner
// whitespace, code indentation included, is kept). HF's Jinja template does not trim, but Mistral's
// guide states it assumes content without that leading whitespace. A primed answer (continueAssistant)
// is NOT trimmed at its end: its last characters are what generation continues.
import type { PromptSegment } from "../../shared/engineProtocol";
import { InvalidOptionsError } from "../errors";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface MixtralPromptOptions {
  /** Default false. When the last message is an assistant message, leave it open (no EOS) so that
   *  generation continues it: the answer is primed with that text (inline completion uses this). */
  continueAssistant?: boolean;
}

export const INST_OPEN = "[INST]";
export const INST_CLOSE = "[/INST]";

/** Mixtral has no system role: leading system messages (joined by a blank line, as mistral-common
 *  joins them) go in front of the first user message, separated by a blank line. */
export function foldSystemMessages(messages: readonly ChatMessage[]): { system: string; rest: ChatMessage[] } {
  let i = 0;
  const parts: string[] = [];
  for (; i < messages.length && messages[i].role === "system"; i++) {
    const text = messages[i].content.trim();
    if (text) parts.push(text);
  }
  const rest = messages.slice(i);
  const late = rest.findIndex((m) => m.role === "system");
  if (late >= 0) {
    throw new InvalidOptionsError(
      `Message ${i + late + 1} is a system message after the conversation started; Mixtral has no system role.`,
      "Put system instructions first: they are folded into the first user message.",
    );
  }
  return { system: parts.join("\n\n"), rest };
}

/** The text run of one user turn ("[INST] {text} [/INST]"). Exported for budgets and tests. */
export function userRun(content: string): string {
  return `${INST_OPEN} ${content.trim()} ${INST_CLOSE}`;
}

/** The user text of the first turn with the system text folded in. */
export function withSystem(system: string, user: string): string {
  return system ? `${system}\n\n${user.trim()}` : user.trim();
}

/** Checks the user/assistant alternation; returns the messages after the system prefix. */
export function validateConversation(
  messages: readonly ChatMessage[],
  options: MixtralPromptOptions = {},
): { system: string; turns: ChatMessage[] } {
  if (messages.length === 0) throw new InvalidOptionsError("The conversation is empty.", "Add a user message.");
  const { system, rest } = foldSystemMessages(messages);
  if (rest.length === 0) throw new InvalidOptionsError("The conversation has only system text.", "Add a user message after it.");
  rest.forEach((m, k) => {
    const expected = k % 2 === 0 ? "user" : "assistant";
    const n = messages.length - rest.length + k + 1;
    if (m.role !== "user" && m.role !== "assistant") {
      throw new InvalidOptionsError(`Message ${n} has an unknown role "${String(m.role)}".`, 'Use "system", "user" or "assistant".');
    }
    if (m.role !== expected) {
      const why = k === 0 ? "the conversation must start with a user message (after any system text)" : `two ${m.role} messages in a row`;
      throw new InvalidOptionsError(
        `Message ${n} is ${m.role === "user" ? "a user" : "an assistant"} message, expected ${expected}: ${why}.`,
        "Roles must alternate user/assistant/user/…",
      );
    }
    if (typeof m.content !== "string") throw new InvalidOptionsError(`Message ${n} has no text content.`);
    if (m.role === "user" && m.content.trim() === "") throw new InvalidOptionsError(`Message ${n} (user) is empty.`);
  });
  const last = rest[rest.length - 1];
  if (last.role === "assistant" && !options.continueAssistant) {
    throw new InvalidOptionsError(
      "The conversation ends with an assistant message, so there is nothing to answer.",
      "End with a user message, or pass continueAssistant to prime the answer with that text.",
    );
  }
  return { system, turns: rest };
}

/** The PromptSegment[] Mixtral-8x7B-Instruct-v0.1 was trained on, ready for generation. */
export function buildMixtralPrompt(messages: readonly ChatMessage[], options: MixtralPromptOptions = {}): PromptSegment[] {
  const { system, turns } = validateConversation(messages, options);
  const segments: PromptSegment[] = [{ type: "bos" }];
  turns.forEach((m, k) => {
    if (m.role === "user") {
      segments.push({ type: "text", text: userRun(k === 0 ? withSystem(system, m.content) : m.content) });
      return;
    }
    const open = k === turns.length - 1; // only reachable with continueAssistant
    // The run's own "▁" stands for the space after [/INST] (as in the reference's encode(answer)), so
    // the content is the answer as shown; a primed answer keeps its end exactly as given.
    const text = open ? m.content : m.content.trim();
    if (text) segments.push({ type: "text", text });
    if (!open) segments.push({ type: "eos" });
  });
  return segments;
}

export interface RenderPromptTextOptions {
  /** Default "<s>". */
  bos?: string;
  /** Default "</s>". */
  eos?: string;
  /** Put in front of each plain text run for SentencePiece's "▁". Default " ", which gives Mistral's
   *  string form `<s> [INST] u [/INST] a</s>`; "" for runs from a model's own template. */
  runPrefix?: string;
}

/** The prompt as one string: for "Show Last Prompt" and for servers that take text, not tokens. */
export function renderPromptText(segments: readonly PromptSegment[], options: RenderPromptTextOptions = {}): string {
  const { bos = "<s>", eos = "</s>", runPrefix = " " } = options;
  let out = "";
  for (const s of segments) {
    switch (s.type) {
      case "bos":
        out += bos;
        break;
      case "eos":
        out += eos;
        break;
      case "text":
        out += s.special ? s.text : runPrefix + s.text;
        break;
      default: {
        const _exhaustive: never = s;
        void _exhaustive;
      }
    }
  }
  return out;
}
