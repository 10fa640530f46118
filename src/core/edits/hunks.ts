// The line diff of a proposal: the original text of the selected lines against the model's text,
// cut into hunks (runs of removed and added lines between unchanged ones), and the text the
// document holds for any mix of decisions. Pure: the vscode adapter (src/vscode/edits/) shows it.
import { diffLines } from "diff";

/** One change: the original lines it removes and the proposed lines it adds, each line with its
 *  own terminator (the last line of a text may have none). */
export interface Hunk {
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

export type Decision = "pending" | "accepted" | "rejected";

/** The region's text, in order: unchanged lines, a hunk by index, or (while the answer is still
 *  written) the original lines it has not reached yet. */
export type Chunk =
  | { readonly kind: "same"; readonly lines: readonly string[] }
  | { readonly kind: "hunk"; readonly hunk: number }
  | { readonly kind: "tail"; readonly lines: readonly string[] };

export interface Diff {
  readonly chunks: readonly Chunk[];
  readonly hunks: readonly Hunk[];
}

/** Where a hunk sits in the rendered text, in lines from the region's first line. */
export interface HunkLayout {
  readonly index: number;
  readonly decision: Decision;
  readonly removedLine: number;
  readonly removedCount: number;
  readonly addedLine: number;
  readonly addedCount: number;
}

export function splitLines(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

/** The hunks of `proposed` against `original` (jsdiff's line diff, grouped). */
export function diffHunks(original: string, proposed: string): { chunks: Chunk[]; hunks: Hunk[] } {
  return group(diffLines(original, proposed));
}

/** The hunks of an answer still being written: `partial` (its complete lines) against the
 *  original. The original lines after the last line the answer has matched so far are not removed
 *  but not reached yet: they become the tail, and the answer's lines after that match are a hunk
 *  of added lines only, just above it. jsdiff matches a repeated line (`}`, a blank line) at its
 *  first occurrence, so the tail does not jump ahead; each new line re-diffs the whole prefix, and
 *  the complete answer is diffed again by diffHunks, so a wrong early match is never final. */
export function streamingHunks(original: string, partial: string): Diff {
  const parts = diffLines(original, partial);
  let lastSame = -1;
  parts.forEach((p, i) => {
    if (!p.added && !p.removed) lastSame = i;
  });
  const after = parts.slice(lastSame + 1);
  const tail = after.filter((p) => p.removed).flatMap((p) => splitLines(p.value));
  const { chunks, hunks } = group([...parts.slice(0, lastSame + 1), ...after.filter((p) => p.added)]);
  if (tail.length) chunks.push({ kind: "tail", lines: tail });
  return { chunks, hunks };
}

function group(parts: readonly { value: string; added?: boolean; removed?: boolean }[]): { chunks: Chunk[]; hunks: Hunk[] } {
  const chunks: Chunk[] = [];
  const hunks: { removed: string[]; added: string[] }[] = [];
  let open: { removed: string[]; added: string[] } | undefined;
  for (const part of parts) {
    const lines = splitLines(part.value);
    if (!part.added && !part.removed) {
      open = undefined;
      chunks.push({ kind: "same", lines });
      continue;
    }
    if (!open) {
      open = { removed: [], added: [] };
      chunks.push({ kind: "hunk", hunk: hunks.length });
      hunks.push(open);
    }
    (part.added ? open.added : open.removed).push(...lines);
  }
  return { chunks, hunks };
}

/** The region's text for these decisions: a pending hunk shows its removed lines followed by its
 *  added ones (both are in the document, shaded), an accepted one only the added lines, a rejected
 *  one only the removed lines, so all-rejected is the original exactly. */
export function render(
  chunks: readonly Chunk[],
  hunks: readonly Hunk[],
  decisions: readonly Decision[],
  eol = "\n",
): { text: string; layout: HunkLayout[]; tail?: { line: number; count: number } } {
  let text = "";
  let line = 0;
  const layout: HunkLayout[] = [];
  let tail: { line: number; count: number } | undefined;
  for (const c of chunks) {
    if (c.kind === "tail") tail = { line, count: c.lines.length };
    if (c.kind !== "hunk") {
      text += c.lines.join("");
      line += c.lines.length;
      continue;
    }
    const h = hunks[c.hunk];
    const d = decisions[c.hunk];
    const removed = d === "accepted" ? [] : h.removed;
    const added = d === "rejected" ? [] : h.added;
    let shownRemoved = removed.join("");
    // The original's last line may lack a terminator; shown above added lines it needs one,
    // which disappears again once the hunk is decided.
    if (removed.length && added.length && !shownRemoved.endsWith("\n")) shownRemoved += eol;
    layout.push({
      index: c.hunk,
      decision: d,
      removedLine: line,
      removedCount: removed.length,
      addedLine: line + removed.length,
      addedCount: added.length,
    });
    text += shownRemoved + added.join("");
    line += removed.length + added.length;
  }
  return { text, layout, tail };
}
