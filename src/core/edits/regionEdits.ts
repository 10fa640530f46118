// The text edits a proposal plans and follows, in offsets of the whole document: the smallest
// whole-line replacement between two renderings, where a region is after a change, and which
// streamed lines a user's typing left untouched.
import type { HunkLayout } from "./hunks";

/** Replace `length` characters at `offset` (in the whole document) with `text`. */
export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

/** Where the region [start, start + length) is after a change of the document, or undefined when
 *  the change touched it (while an answer is generated, before there is a proposal). Typing right
 *  before its first or right after its last character is outside it. */
export function followRegion(region: { start: number; length: number }, change: TextEdit): { start: number; length: number } | undefined {
  const end = region.start + region.length;
  if (change.offset >= end) return region;
  if (change.offset + change.length <= region.start)
    return { start: region.start + change.text.length - change.length, length: region.length };
  return undefined;
}

/** The proposed lines of `state` (shown at `start`) that none of `changes` touched, as deletions in
 *  the document after the changes, last first. A change touches a line when it writes or deletes
 *  any of its characters, its line break included, or joins it to the line above; typing at the
 *  start of the next line does not. */
export function strayLines(
  start: number,
  state: { readonly text: string; readonly layout: readonly HunkLayout[] },
  changes: readonly TextEdit[],
): TextEdit[] {
  const lineStarts = [0];
  for (let i = 0; i < state.text.length; i++) if (state.text[i] === "\n") lineStarts.push(i + 1);
  const runs: { a: number; b: number }[] = [];
  for (const h of state.layout) {
    if (h.decision !== "pending") continue;
    for (let l = h.addedLine; l < h.addedLine + h.addedCount; l++) {
      const a = start + lineStarts[l];
      const b = start + (lineStarts[l + 1] ?? state.text.length);
      if (changes.some((c) => c.offset <= b - 1 && c.offset + c.length >= a)) continue;
      const last = runs[runs.length - 1];
      if (last && last.b === a) last.b = b;
      else runs.push({ a, b });
    }
  }
  const shift = (at: number) => changes.reduce((n, c) => (c.offset + c.length <= at ? n + c.text.length - c.length : n), 0);
  return runs.reverse().map(({ a, b }) => ({ offset: a + shift(a), length: b - a, text: "" }));
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
