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

  /** The region's text with every hunk still pending decided one way: all rejected is the
   *  original, all accepted the proposal (for the side-by-side diff). */
  textWith(decision: "accepted" | "rejected"): string {
    return render(this.chunks, this.hunks, this.current.decisions.map((d) => (d === "pending" ? decision : d)), this.eol).text;
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

  /** Follows one change event of the document: its changes, each with offsets in the document
   *  before the event (as VS Code reports them; it may split one edit into several), and
   *  `read(offset, length)` reading the document after it. An insertion right at the start or
   *  the end is first taken as ours (it may be a hunk's added lines); if the region then reads as
   *  none of the renderings, it is the user's, outside. */
  documentChanged(changes: readonly TextEdit[], read: (offset: number, length: number) => string): ChangeOutcome {
    if (this._cancelled) return "cancelled";
    const start = this._start;
    const end = this.end;
    const delta = (cs: TextEdit[]) => cs.reduce((n, c) => n + c.text.length - c.length, 0);
    const before: TextEdit[] = [];
    const inside: TextEdit[] = [];
    const atStart: TextEdit[] = [];
    const atEnd: TextEdit[] = [];
    for (const c of changes) {
      const cEnd = c.offset + c.length;
      if (c.length === 0 && c.offset === start) atStart.push(c);
      else if (c.length === 0 && c.offset === end) atEnd.push(c);
      else if (c.offset >= end) continue;
      else if (cEnd <= start) before.push(c);
      else if (c.offset >= start && cEnd <= end) inside.push(c);
      else return this.cancel();
    }
    const shifted = start + delta(before);
    if (inside.length + atStart.length + atEnd.length === 0) {
      this._start = shifted;
      return "outside";
    }
    const text = read(shifted, this.current.text.length + delta([...inside, ...atStart, ...atEnd]));
    const match = [...this.known].reverse().find((st) => st.text === text);
    if (match) {
      this._start = shifted;
      this.current = match;
      return "tracked";
    }
    // Typing right before or right after the region is the user's, not inside the proposal.
    if (inside.length === 0) {
      this._start = shifted + delta(atStart);
      return "outside";
    }
    return this.cancel();
  }

  private cancel(): ChangeOutcome {
    this._cancelled = true;
    return "cancelled";
  }
}

/** Where the region [start, start + length) is after a change of the document, or undefined when
 *  the change touched it (while an answer is generated, before there is a proposal). Typing right
 *  before its first or right after its last character is outside it. */
export function followRegion(region: { start: number; length: number }, change: TextEdit): { start: number; length: number } | undefined {
  const end = region.start + region.length;
  if (change.offset >= end) return region;
  if (change.offset + change.length <= region.start) return { start: region.start + change.text.length - change.length, length: region.length };
  return undefined;
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
