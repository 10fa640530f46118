// A proposal shown in place: the document holds, at `start`, the rendering of the current
// decisions (hunks.ts). Each decision is planned as one exact, minimal text edit; the document's
// changes then say what happened. The proposal never assumes an edit landed: it recognises the
// region's new text among the renderings it has produced (its own edit, but also Undo and Redo),
// shifts when the change is outside it, and cancels itself, touching nothing, when the user typed
// inside it.
import { diffHunks, render, type Chunk, type Decision, type Hunk, type HunkLayout } from "./hunks";

/** Replace `length` characters at `offset` (in the whole document) with `text`. */
export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

export type ChangeOutcome = "outside" | "tracked" | "cancelled";

interface State {
  readonly decisions: readonly Decision[];
  readonly text: string;
  readonly layout: readonly HunkLayout[];
}

export class Proposal {
  private readonly chunks: Chunk[];
  readonly hunks: readonly Hunk[];
  private readonly eol: string;
  /** Every rendering planned so far; the document's text is matched against them, newest first. */
  private readonly known: State[] = [];
  private current: State;
  private _start: number;
  private _cancelled = false;

  /** `original` is the document's text at `start` now; nothing is shown until `show()`'s edit lands. */
  constructor(start: number, original: string, proposed: string) {
    this._start = start;
    this.eol = original.includes("\r\n") ? "\r\n" : "\n";
    ({ chunks: this.chunks, hunks: this.hunks } = diffHunks(original, proposed));
    this.current = this.state(this.hunks.map(() => "rejected"));
  }

  get start(): number {
    return this._start;
  }
  get end(): number {
    return this._start + this.current.text.length;
  }
  /** The region's text as the document holds it. */
  get text(): string {
    return this.current.text;
  }
  get decisions(): readonly Decision[] {
    return this.current.decisions;
  }
  get layout(): readonly HunkLayout[] {
    return this.current.layout;
  }
  get cancelled(): boolean {
    return this._cancelled;
  }
  /** Shown and waiting for the user: some hunk is neither accepted nor rejected. */
  get pending(): boolean {
    return !this._cancelled && this.current.decisions.includes("pending");
  }

  private state(decisions: Decision[]): State {
    const r = render(this.chunks, this.hunks, decisions, this.eol);
    const s = { decisions, text: r.text, layout: r.layout };
    this.known.push(s);
    return s;
  }

  /** The edit from the current text to `decisions`' (undefined when the text is the same). */
  private plan(decisions: Decision[]): TextEdit | undefined {
    if (this._cancelled) return undefined;
    const next = this.state(decisions);
    const edit = minimalEdit(this._start, this.current.text, next.text);
    // The same text (a pure insertion accepted, a pure deletion rejected): no change will come.
    if (!edit) this.current = next;
    return edit;
  }

  /** Shows every hunk: the proposed lines inserted under the original ones. */
  show(): TextEdit | undefined {
    return this.plan(this.hunks.map(() => "pending"));
  }
  accept(index: number): TextEdit | undefined {
    return this.decide(index, "accepted");
  }
  reject(index: number): TextEdit | undefined {
    return this.decide(index, "rejected");
  }
  acceptAll(): TextEdit | undefined {
    return this.plan(this.current.decisions.map((d) => (d === "pending" ? "accepted" : d)));
  }
  rejectAll(): TextEdit | undefined {
    return this.plan(this.current.decisions.map((d) => (d === "pending" ? "rejected" : d)));
  }

  private decide(index: number, decision: Decision): TextEdit | undefined {
    if (this.current.decisions[index] !== "pending") return undefined;
    return this.plan(this.current.decisions.map((d, i) => (i === index ? decision : d)));
  }

  /** Follows one change of the document (offsets before it). `read(offset, length)` reads the
   *  document after it. An insertion right at the start or the end is first taken as ours (it
   *  may be a hunk's added lines); if the region then reads as none of the renderings, it is the
   *  user's, outside. */
  documentChanged(change: TextEdit, read: (offset: number, length: number) => string): ChangeOutcome {
    if (this._cancelled) return "cancelled";
    const delta = change.text.length - change.length;
    const changeEnd = change.offset + change.length;
    const end = this.end;
    if (change.offset > end || (change.offset === end && change.length > 0)) return "outside";
    if (change.offset >= this._start && changeEnd <= end) {
      const text = read(this._start, this.current.text.length + delta);
      const match = [...this.known].reverse().find((s) => s.text === text);
      if (match) {
        this.current = match;
        return "tracked";
      }
      // Typing right before or right after the region is the user's, not inside the proposal.
      if (change.length === 0 && change.offset === this._start) {
        this._start += delta;
        return "outside";
      }
      if (change.length === 0 && change.offset === end) return "outside";
      this._cancelled = true;
      return "cancelled";
    }
    if (changeEnd <= this._start) {
      this._start += delta;
      return "outside";
    }
    this._cancelled = true;
    return "cancelled";
  }
}

/** The smallest single replacement of whole lines turning `before` into `after` (the common
 *  leading and trailing lines kept), so an edit and its Undo cover the hunk's lines and no more. */
export function minimalEdit(offset: number, before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before[p] === after[p]) p++;
  p = before.lastIndexOf("\n", p - 1) + 1;
  let s = 0;
  while (s < max - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const lineStart = (t: string, i: number) => i === 0 || t[i - 1] === "\n";
  while (s > 0 && !(lineStart(before, before.length - s) && lineStart(after, after.length - s))) s--;
  return { offset: offset + p, length: before.length - p - s, text: after.slice(p, after.length - s) };
}
