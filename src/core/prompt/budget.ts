// The chat's prompt budget, in TOKENS of the model's own tokenizer (InferenceBackend.countTokens,
// which counts a text exactly as the engine tokenizes one text run), never in characters: keep the
// system text and the newest turns, drop the oldest exchanges first, say how many. Each message is
// its own run (mixtralFormat.ts), so a prompt's size is the exact sum of its runs' counts plus one
// per BOS/EOS: no approximation, no re-tokenizing the whole prompt per try. (A command's selection
// is bounded before it becomes a prompt: src/core/commands/codeInput.ts.)
import { PromptTooLongError } from "../errors";
import { userRun, validateConversation, withSystem, type ChatMessage } from "./mixtralFormat";

/** The engine's tokenizer: one count per text, each counted as one prompt text run. */
export type CountTokens = (texts: string[]) => Promise<number[]>;

export interface ChatBudgetOptions {
  /** Leading system messages, then alternating user/assistant, ending with the newest user message. */
  messages: readonly ChatMessage[];
  /** The context size in tokens. */
  contextSize: number;
  /** Tokens kept free for the answer. */
  reserveTokens: number;
  countTokens: CountTokens;
}

export interface ChatBudget {
  /** What fits: the system text and the newest exchanges (system folded later by the format). */
  messages: ChatMessage[];
  /** Oldest messages left out (user and assistant ones; always an even number). */
  droppedMessages: number;
  /** Exact prompt tokens of `messages` in Mixtral's format. */
  promptTokens: number;
  /** For the chat, when something was left out. */
  notice?: string;
}

export async function fitChat(options: ChatBudgetOptions): Promise<ChatBudget> {
  const { system, turns } = validateConversation(options.messages);
  const limit = options.contextSize - options.reserveTokens;
  const userIdx = turns.map((m, i) => (m.role === "user" ? i : -1)).filter((i) => i >= 0);
  // One batch: every run as it stands, plus each user turn as a possible first turn (with system).
  const plain = turns.map((m) => (m.role === "user" ? userRun(m.content) : m.content.trim()));
  const first = userIdx.map((i) => userRun(withSystem(system, turns[i].content)));
  const counts = await options.countTokens([...plain, ...first]);
  const runTokens = counts.slice(0, plain.length);
  const firstTokens = counts.slice(plain.length);

  // Suffix sums: tokens of turns[i..] as later turns (assistant answers carry their EOS).
  const suffix = new Array<number>(turns.length + 1).fill(0);
  for (let i = turns.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + runTokens[i] + (turns[i].role === "assistant" ? 1 : 0);

  for (let k = 0; k < userIdx.length; k++) {
    const start = userIdx[k];
    const total = 1 /* BOS */ + firstTokens[k] + suffix[start + 1];
    if (total <= limit) {
      const kept: ChatMessage[] = system ? [{ role: "system", content: system }, ...turns.slice(start)] : turns.slice(start);
      return {
        messages: kept,
        droppedMessages: start,
        promptTokens: total,
        notice:
          start > 0
            ? `${start} earlier message${start === 1 ? " was" : "s were"} left out to fit the model's context (${options.contextSize} tokens).`
            : undefined,
      };
    }
  }
  const newest = 1 + firstTokens[firstTokens.length - 1];
  throw new PromptTooLongError(
    `The message is too long for the model's context: ${newest} tokens with the system text, but only ${Math.max(0, limit)} fit (context ${options.contextSize}, ${options.reserveTokens} kept for the answer).`,
    "Shorten the message or the attached code, or raise mixtral.contextSize.",
    newest,
    Math.max(0, limit),
    options.contextSize,
  );
}
