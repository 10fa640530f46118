// A proposal shown in place: the document holds, at `start`, the rendering of the current
// decisions (hunks.ts). Each decision is planned as one exact, minimal text edit; the document's
// changes then say what happened. The proposal never assumes an edit landed: it recognises the
// region's new text among the renderings it has produced (its own edit, but also Undo and Redo),
// shifts when the change is outside it, and cancels itself, touching nothing, when the user typed
// inside it.
// While the answer is still written (`streaming`), each complete line re-renders the region: the
// lines produced so far diffed against the original, then the original lines not reached yet
// (the tail). Every rendering keeps all the original lines in the document, so the original is
// always one edit away (`abandon`); typing inside the region then cancels it and plans the removal
// of the proposed lines the user did not touch (`strays`), never of a character the user wrote.
// The renderings remembered stay few: a streamed one is forgotten once a newer one has landed (the
// streamed edits are one Undo step, so Undo never brings an intermediate one back).
import { diffHunks, render, streamingHunks, type Decision, type Diff, type Hunk, type HunkLayout } from "./hunks";
import { minimalEdit, strayLines, type TextEdit } from "./regionEdits";

export type ChangeOutcome = "outside" | "tracked" | "cancelled";

interface State {
  readonly diff: Diff;
  readonly decisions: readonly Decision[];
  readonly text: string;
  readonly layout: readonly HunkLayout[];
  readonly tail?: { readonly line: number; readonly count: number };
  /** Rendered while the answer was written (superseded by the next line's rendering). */
  readonly streamed: boolean;
}

export class Proposal {
  private readonly original: string;
  private readonly eol: string;
  /** The renderings the document's text may show, oldest first; matched newest first. */
  private known: State[] = [];
  private current: State;
  private _start: number;
  private _cancelled = false;
  private _streaming: boolean;
  private abandoned = false;
  private final?: Diff;
  private _strays: TextEdit[] = [];

  /** `original` is the document's text at `start` now; nothing is shown until `show()`'s (or the
   *  first `stream()`'s) edit lands. Without `proposed` the answer is still being written. */
  constructor(start: number, original: string, proposed?: string) {
    this._start = start;
    this.original = original;
    this.eol = original.includes("\r\n") ? "\r\n" : "\n";
    this._streaming = proposed === undefined;
    const diff = proposed === undefined ? diffHunks(original, original) : diffHunks(original, proposed);
    this.current = this.state(
      diff,
      diff.hunks.map(() => "rejected"),
      false,
    );
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
  get hunks(): readonly Hunk[] {
    return this.current.diff.hunks;
  }
  get decisions(): readonly Decision[] {
    return this.current.decisions;
  }
  get layout(): readonly HunkLayout[] {
    return this.current.layout;
  }
  /** While streaming: the original lines the answer has not reached, from the region's first line. */
  get tail(): { line: number; count: number } | undefined {
    return this.streaming ? this.current.tail : undefined;
  }
  get cancelled(): boolean {
    return this._cancelled;
  }
  /** The answer is still being written into the region. */
  get streaming(): boolean {
    return this._streaming && !this._cancelled;
  }
  /** Shown and waiting for the user: some hunk is neither accepted nor rejected. */
  get pending(): boolean {
    return !this._cancelled && !this._streaming && this.current.decisions.includes("pending");
  }
  /** Streaming or pending: the document holds lines that are not the user's. */
  get active(): boolean {
    return this.streaming || this.pending;
  }
  /** How many renderings the document's text is matched against (a few, however long the answer). */
  get renderingsKept(): number {
    return this.known.length;
  }
  /** After typing inside the region while streaming cancelled it: deletions (in the document as it
   *  is now, last first) of the proposed lines the user's changes did not touch. */
  get strays(): readonly TextEdit[] {
    return this._strays;
  }

  private state(diff: Diff, decisions: readonly Decision[], streamed: boolean): State {
    const r = render(diff.chunks, diff.hunks, decisions, this.eol);
    const s = { diff, decisions, text: r.text, layout: r.layout, tail: r.tail, streamed };
    // Streamed renderings older than the one the document shows can no longer come back.
    const landed = this.known.indexOf(this.current);
    this.known = this.known.filter((k, i) => !k.streamed || i >= landed);
    this.known.push(s);
    return s;
  }

  /** The edit from the current text to this rendering (undefined when the text is the same). */
  private plan(diff: Diff, decisions: readonly Decision[], streamed = false): TextEdit | undefined {
    if (this._cancelled) return undefined;
    const next = this.state(diff, decisions, streamed);
    const edit = minimalEdit(this._start, this.current.text, next.text);
    // The same text (a pure insertion accepted, a pure deletion rejected): no change will come.
    if (!edit) this.current = next;
    return edit;
  }

  private decided(decide: (d: Decision, i: number) => Decision): TextEdit | undefined {
    return this.plan(this.current.diff, this.current.decisions.map(decide));
  }

  /** The region's text with every hunk still pending decided one way: all rejected is the
   *  original, all accepted the proposal (for the side-by-side diff). */
  textWith(decision: "accepted" | "rejected"): string {
    const { diff, decisions } = this.current;
    return render(
      diff.chunks,
      diff.hunks,
      decisions.map((d) => (d === "pending" ? decision : d)),
      this.eol,
    ).text;
  }

  /** Shows the answer's lines so far (complete lines only), every hunk pending, the tail shaded. */
  stream(partial: string): TextEdit | undefined {
    if (!this.streaming) return undefined;
    const diff = streamingHunks(this.original, partial);
    return this.plan(
      diff,
      diff.hunks.map(() => "pending"),
      true,
    );
  }

  /** The answer is complete: shows its hunks, all pending, and decisions may begin. Planned
   *  again by a second call, before any decision (when the first edit did not land). */
  finish(proposed: string): TextEdit | undefined {
    if (!this.streaming && !this.final) return undefined;
    this._streaming = false;
    this.final ??= diffHunks(this.original, proposed);
    return this.plan(
      this.final,
      this.final.hunks.map(() => "pending"),
    );
  }

  /** The answer will not come (cancelled, failed): the edit back to the original lines (planned
   *  again by a second call when the first did not land). */
  abandon(): TextEdit | undefined {
    if (!this.streaming && !this.abandoned) return undefined;
    this.abandoned = true;
    this._streaming = false;
    return this.decided(() => "rejected");
  }

  /** For a save: the edit that takes the proposed lines out (pending changes as rejected, decided
   *  ones kept, the tail and the lines so far while streaming), and the one that shows them again
   *  after it (undefined when the region has moved on meanwhile). */
  planSave(): { strip: TextEdit; restore: () => TextEdit | undefined } | undefined {
    if (!this.active) return undefined;
    const { diff, decisions } = this.current;
    const strip = this.plan(
      diff,
      decisions.map((d) => (d === "pending" ? "rejected" : d)),
    );
    if (!strip) return undefined;
    return { strip, restore: () => (this.current.diff === diff && !this._cancelled ? this.plan(diff, decisions) : undefined) };
  }

  /** Shows every hunk: the proposed lines inserted under the original ones. */
  show(): TextEdit | undefined {
    return this.decided(() => "pending");
  }
  accept(index: number): TextEdit | undefined {
    return this.decide(index, "accepted");
  }
  reject(index: number): TextEdit | undefined {
    return this.decide(index, "rejected");
  }
  acceptAll(): TextEdit | undefined {
    return this.pending ? this.decided((d) => (d === "pending" ? "accepted" : d)) : undefined;
  }
  rejectAll(): TextEdit | undefined {
    if (this.streaming) return this.abandon();
    return this.pending ? this.decided((d) => (d === "pending" ? "rejected" : d)) : undefined;
  }

  private decide(index: number, decision: Decision): TextEdit | undefined {
    if (!this.pending || this.current.decisions[index] !== "pending") return undefined;
    return this.decided((d, i) => (i === index ? decision : d));
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
    const delta = (cs: readonly TextEdit[]) => cs.reduce((n, c) => n + c.text.length - c.length, 0);
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
      else return this.cancel(changes);
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
    return this.cancel(changes);
  }

  private cancel(changes: readonly TextEdit[]): ChangeOutcome {
    if (this.streaming) this._strays = strayLines(this._start, this.current, changes);
    this._cancelled = true;
    return "cancelled";
  }
}
