// Turns generated tokens into text that is safe to stream: a token that ends inside a multi-byte
// UTF-8 character waits for the next one, and text that could be the start of a stop string is
// held back until it is known not to be one (stop strings are never shown to the user).
import type { LlamaModel, Token } from "node-llama-cpp" with { "resolution-mode": "import" };

const REPLACEMENT = "\uFFFD";
/** Prompt tokens given to the detokenizer as context so the first piece keeps its leading space. */
const CONTEXT_TOKENS = 16;

export class TextStream {
  private text = "";
  private emitted = 0;
  private pending: Token[] = [];
  private history: Token[];
  private stopped = false;

  constructor(
    private readonly model: LlamaModel,
    promptTokens: readonly Token[],
    private readonly stopStrings: readonly string[],
  ) {
    this.history = promptTokens.slice(-CONTEXT_TOKENS);
    this.stopStrings = stopStrings.filter((s) => s.length > 0);
  }

  /** Adds a token; returns the text that can be shown now ("" when nothing new is safe). */
  push(token: Token): string {
    if (this.stopped) return "";
    this.pending.push(token);
    const piece = this.model.detokenize(this.pending, false, this.history);
    // A lone partial UTF-8 sequence decodes to U+FFFD; wait (bounded) for the rest of it.
    if (piece.endsWith(REPLACEMENT) && this.pending.length < 4) return "";
    this.text += piece;
    this.history = [...this.history, ...this.pending].slice(-CONTEXT_TOKENS);
    this.pending = [];
    return this.release();
  }

  /** True once a stop string was generated; the text is cut before it. */
  get stopStringHit(): boolean {
    return this.stopped;
  }

  /** Everything decoded so far (cut at a stop string); call after the last push. */
  finish(): string {
    if (this.pending.length > 0 && !this.stopped) {
      this.text += this.model.detokenize(this.pending, false, this.history);
      this.pending = [];
    }
    const rest = this.text.slice(this.emitted);
    this.emitted = this.text.length;
    return rest;
  }

  get fullText(): string {
    return this.text;
  }

  private release(): string {
    let hit = -1;
    for (const stop of this.stopStrings) {
      const at = this.text.indexOf(stop, Math.max(0, this.emitted - stop.length));
      if (at !== -1 && (hit === -1 || at < hit)) hit = at;
    }
    let safeEnd = this.text.length;
    if (hit !== -1) {
      this.text = this.text.slice(0, hit);
      this.stopped = true;
      safeEnd = hit;
    } else {
      // Hold back the longest tail that could still grow into a stop string.
      for (const stop of this.stopStrings) {
        for (let k = Math.min(stop.length - 1, this.text.length); k > 0; k--) {
          if (this.text.endsWith(stop.slice(0, k))) {
            safeEnd = Math.min(safeEnd, this.text.length - k);
            break;
          }
        }
      }
    }
    const out = safeEnd > this.emitted ? this.text.slice(this.emitted, safeEnd) : "";
    this.emitted = Math.max(this.emitted, safeEnd);
    return out;
  }
}
