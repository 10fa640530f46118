// Prompt budgets, in TOKENS of the model's own tokenizer (InferenceBackend.countTokens, which counts
// a text exactly as the engine tokenizes one text run), never in characters.
// - Chat: keep the system text and the newest turns, drop the oldest exchanges first, say how many.
//   Each message is its own run (mixtralFormat.ts), so a prompt's size is the exact sum of its runs'
//   counts plus one per BOS/EOS: no approximation, no re-tokenizing the whole prompt per try.
// - Code: the selection whole when it fits, else its start and end around an elision marker; the
//   surrounding lines nearest the cursor first. Per-line counts are an estimate (a line alone gets its
//   own "▁"), so every cut is re-counted as a whole and tightened until it fits.
import type { PromptSegment } from "../../shared/engineProtocol";
import { InvalidOptionsError } from "../errors";
import { userRun, validateConversation, withSystem, type ChatMessage } from "./mixtralFormat";

/** The engine's tokenizer: one count per text, each counted as one prompt text run. */
export type CountTokens = (texts: string[]) => Promise<number[]>;

/** Tokens of a prompt as the engine would evaluate it. (Runs marked `special` are counted with
 *  special tokens off: an upper bound for control-token strings.) */
export async function countPromptTokens(segments: readonly PromptSegment[], countTokens: CountTokens): Promise<number> {
  const texts = segments.flatMap((s) => (s.type === "text" ? [s.text] : []));
  const counts = texts.length ? await countTokens(texts) : [];
  return segments.length - texts.length + counts.reduce((a, b) => a + b, 0);
}

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
        notice: start > 0 ? `${start} earlier message${start === 1 ? " was" : "s were"} left out to fit the model's context (${options.contextSize} tokens).` : undefined,
      };
    }
  }
  const newest = 1 + firstTokens[firstTokens.length - 1];
  throw new InvalidOptionsError(
    `The message is too long for the model's context: ${newest} tokens with the system text, but only ${Math.max(0, limit)} fit (context ${options.contextSize}, ${options.reserveTokens} kept for the answer).`,
    "Shorten the message or the attached code, or raise mixtral.contextSize.",
  );
}

export interface FitCodeResult {
  text: string;
  /** Lines replaced by the elision marker (0 when the code fits whole). */
  elidedLines: number;
  notice?: string;
}

export const elisionMarker = (lines: number): string => `[… ${lines} line${lines === 1 ? "" : "s"} omitted …]`;

const sum = (xs: readonly number[], from = 0, to = xs.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i];
  return s;
};

/** The code whole when it fits in maxTokens; else its first and last lines around an elision marker. */
export async function fitCode(code: string, maxTokens: number, countTokens: CountTokens, label = "The selection"): Promise<FitCodeResult> {
  const [whole] = await countTokens([code]);
  if (whole <= maxTokens) return { text: code, elidedLines: 0 };
  const lines = code.split("\n");
  const lineTokens = await countTokens(lines);
  const [markerTokens] = await countTokens([elisionMarker(lines.length)]);
  let budget = maxTokens - markerTokens - 1;
  for (let attempt = 0; attempt < 8 && budget > 0; attempt++) {
    // Two thirds for the start (signature, setup), one third for the end (returns, closing).
    let head = 0;
    while (head < lines.length && sum(lineTokens, 0, head + 1) <= (budget * 2) / 3) head++;
    let tail = 0;
    while (head + tail < lines.length && sum(lineTokens, 0, head) + sum(lineTokens, lines.length - tail - 1) <= budget) tail++;
    const elided = lines.length - head - tail;
    const text = [...lines.slice(0, head), elisionMarker(elided), ...lines.slice(lines.length - tail)].join("\n");
    const [exact] = await countTokens([text]);
    if (exact <= maxTokens) {
      return { text, elidedLines: elided, notice: `${label} is ${whole} tokens; ${elided} of its ${lines.length} lines were left out to fit (${maxTokens} tokens).` };
    }
    budget -= exact - maxTokens + Math.ceil(budget * 0.05);
  }
  const text = elisionMarker(lines.length);
  return { text, elidedLines: lines.length, notice: `${label} is ${whole} tokens and did not fit in ${maxTokens} tokens; it was left out.` };
}

export interface SurroundingsOptions {
  /** Lines above the cursor or selection, in document order (the last one is nearest). */
  above: readonly string[];
  /** Lines below, in document order (the first one is nearest). */
  below: readonly string[];
  maxTokens: number;
  countTokens: CountTokens;
}

export interface Surroundings {
  before: string;
  after: string;
  /** Lines of `above` / `below` left out (the farthest ones). */
  cutAbove: number;
  cutBelow: number;
  notice?: string;
}

/** Surrounding lines, nearest the cursor first (one above, one below, … with ties going above). */
export async function fitSurroundings(options: SurroundingsOptions): Promise<Surroundings> {
  const { above, below, countTokens } = options;
  const counts = await countTokens([...above, ...below]);
  const up = counts.slice(0, above.length).reverse(); // nearest first
  const down = counts.slice(above.length);
  let budget = options.maxTokens;
  for (let attempt = 0; attempt < 8; attempt++) {
    let a = 0;
    let b = 0;
    let used = 0;
    for (;;) {
      const takeUp = a < up.length && (a <= b || b >= down.length);
      const next = takeUp ? up[a] : b < down.length ? down[b] : undefined;
      if (next === undefined || used + next > budget) break;
      used += next;
      if (takeUp) a++; else b++;
    }
    const before = above.slice(above.length - a).join("\n");
    const after = below.slice(0, b).join("\n");
    const [exact] = await countTokens([`${before}\n${after}`]);
    if (exact <= options.maxTokens || (a === 0 && b === 0)) {
      const cutAbove = above.length - a;
      const cutBelow = below.length - b;
      const cut = cutAbove + cutBelow;
      return {
        before: a === 0 ? "" : before,
        after: b === 0 ? "" : after,
        cutAbove,
        cutBelow,
        notice: cut > 0 ? `${cut} surrounding line${cut === 1 ? " was" : "s were"} left out to fit the context.` : undefined,
      };
    }
    budget -= exact - options.maxTokens + Math.ceil(budget * 0.05);
  }
  return { before: "", after: "", cutAbove: above.length, cutBelow: below.length, notice: "The surrounding code was left out to fit the context." };
}
