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

/** The region's text, in order: unchanged lines, or a hunk by index. */
export type Chunk = { readonly kind: "same"; readonly lines: readonly string[] } | { readonly kind: "hunk"; readonly hunk: number };

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
  const chunks: Chunk[] = [];
  const hunks: { removed: string[]; added: string[] }[] = [];
  let open: { removed: string[]; added: string[] } | undefined;
  for (const part of diffLines(original, proposed)) {
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
export function render(chunks: readonly Chunk[], hunks: readonly Hunk[], decisions: readonly Decision[], eol = "\n"): { text: string; layout: HunkLayout[] } {
  let text = "";
  let line = 0;
  const layout: HunkLayout[] = [];
  for (const c of chunks) {
    if (c.kind === "same") {
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
    layout.push({ index: c.hunk, decision: d, removedLine: line, removedCount: removed.length, addedLine: line + removed.length, addedCount: added.length });
    text += shownRemoved + added.join("");
    line += removed.length + added.length;
  }
  return { text, layout };
}
