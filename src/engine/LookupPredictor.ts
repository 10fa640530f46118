// Input lookup: drafts for speculative decoding (speculativeDecode.ts) from the request's own
// prompt. The draft is the prompt's continuation after the longest place where the end of the
// output (prompt included) matches it: an edit, or an answer that quotes code, copies long runs
// of its input. Whether to draft and how much is src/core/speculation/draftPolicy.ts's decision.
// (node-llama-cpp's InputLookupTokenPredictor drafts 1..3 tokens after any 1-token match, and its
// sequence verification keeps at most one drafted token per step in 3.21.1: see speculativeDecode.ts.)
import type { DraftPolicy } from "../core/speculation/draftPolicy";
import type { SpeculationStats } from "../shared/engineProtocol";

/** Longer matches than this say nothing more about the next tokens and only cost time. */
const MAX_MATCH = 64;

export class LookupPredictor {
  /** Input positions by token, so a lookup visits only the places where the last token occurs. */
  private readonly positions = new Map<number, number[]>();
  private tail: number[];
  /** Output tokens so far: the first step never drafts (see draft). */
  private generated = 0;
  private readonly stats: SpeculationStats = { proposed: 0, accepted: 0, drafts: 0 };

  /** @param input the prompt's tokens: what drafts copy from, and what comes before the output
   *  (a match may reach back into it) */
  constructor(
    private readonly input: readonly number[],
    private readonly policy: DraftPolicy,
  ) {
    // The last input token has no continuation to offer.
    for (let i = 0; i < input.length - 1; i++) {
      const list = this.positions.get(input[i]);
      if (list) list.push(i);
      else this.positions.set(input[i], [i]);
    }
    this.tail = input.slice(-MAX_MATCH);
  }

  /** Tokens that became part of the sequence (generated ones). */
  push(tokens: readonly number[]): void {
    this.tail.push(...tokens);
    this.generated += tokens.length;
    if (this.tail.length > 4 * MAX_MATCH) this.tail = this.tail.slice(-MAX_MATCH);
  }

  /** The draft for the next step (empty: decode one token). `room`: most tokens the step may add. */
  draft(room: number): number[] {
    // Before the first output token the match lies in the prompt alone: in a conversation the end
    // of this turn ("… [/INST]") matches an earlier turn's end, and the draft would be the earlier
    // answer. Once the answer has a token of its own, a match includes it.
    if (this.generated === 0) return [];
    const { start, length } = this.longestMatch();
    if (length === 0) return [];
    const n = Math.min(room, this.policy.draftLength(length, this.input.length - start));
    return n > 0 ? this.input.slice(start, start + n) : [];
  }

  /** How the last draft fared: `accepted` of its `drafted` tokens were the model's own. */
  verified(accepted: number, drafted: number): void {
    if (drafted === 0) return;
    this.stats.proposed += drafted;
    this.stats.accepted += accepted;
    this.stats.drafts++;
    this.policy.record(accepted, drafted);
  }

  get counts(): SpeculationStats {
    return { ...this.stats };
  }

  /** The longest run ending at the last tail token that also occurs in the input; `start` is the
   *  input position right after it. Ties go to the later place (edits copy forward). */
  private longestMatch(): { start: number; length: number } {
    const tail = this.tail;
    const last = tail.length - 1;
    let best = { start: 0, length: 0 };
    if (last < 0) return best;
    for (const i of this.positions.get(tail[last]) ?? []) {
      let n = 1;
      while (n < MAX_MATCH && n <= last && i - n >= 0 && this.input[i - n] === tail[last - n]) n++;
      if (n >= best.length) best = { start: i + 1, length: n };
    }
    return best;
  }
}
