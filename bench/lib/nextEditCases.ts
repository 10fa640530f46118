// Next-edit cases from the real-edit corpus (bench/data): every edit whose before → after line
// diff has two hunks or more gives one case per consecutive pair. The user has made hunks 1…k
// (the history holds the last of them, made from the text before it; the cursor is at its end);
// the model is made to write the region with hunk k+1 applied too. A case whose next hunk lies
// outside the 40-line editable region is left out (counted): no rewrite of the region reaches it.
import { diffHunks, render, type Decision } from "../../src/core/edits/hunks";
import { chooseRegion, type EditableRegion } from "../../src/core/nextEdit/region";
import type { Edit } from "./editCorpus";

export interface NextEditCase {
  id: string;
  language: string;
  path: string;
  /** The file before the user's last edit (hunks 1…k-1 applied). */
  before: string;
  /** The file the request sees (hunks 1…k applied), and the 0-based line of hunk k. */
  edited: string;
  editLine: number;
  /** The file with hunk k+1 applied too: what applying the suggestion must give, exactly. */
  next: string;
  cursor: number;
  region: EditableRegion;
}

function withHunks(chunks: ReturnType<typeof diffHunks>["chunks"], hunks: ReturnType<typeof diffHunks>["hunks"], applied: number) {
  const decisions: Decision[] = hunks.map((_, i) => (i < applied ? "accepted" : "rejected"));
  return render(chunks, hunks, decisions);
}

function lineStart(text: string, line: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf("\n", at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return at;
}

export function nextEditCases(edits: readonly Edit[], maxLines = 40): { cases: NextEditCase[]; outside: number } {
  const cases: NextEditCase[] = [];
  let outside = 0;
  for (const e of edits) {
    const { chunks, hunks } = diffHunks(e.before, e.after);
    for (let k = 1; k < hunks.length; k++) {
      const before = withHunks(chunks, hunks, k - 1).text;
      const edited = withHunks(chunks, hunks, k);
      const next = withHunks(chunks, hunks, k + 1).text;
      const made = edited.layout[k - 1];
      const target = edited.layout[k];
      // The cursor at the end of the user's edit: its last added line, or where lines were removed.
      const cursorLine = made.addedCount > 0 ? made.addedLine + made.addedCount - 1 : made.addedLine;
      const lineEnd = edited.text.indexOf("\n", lineStart(edited.text, cursorLine));
      const cursor = lineEnd === -1 ? edited.text.length : lineEnd;
      const region = chooseRegion(edited.text, cursor, { maxLines });
      if (target.removedLine < region.startLine || target.removedLine + target.removedCount > region.endLine) {
        outside++;
        continue;
      }
      cases.push({
        id: `${e.id}#${k}`,
        language: e.language,
        path: e.path,
        before,
        edited: edited.text,
        editLine: made.addedLine,
        next,
        cursor,
        region,
      });
    }
  }
  return { cases, outside };
}

/** The region's text with the next hunk applied: what the model is made to write. */
export function rewrittenRegionOf(c: NextEditCase): string {
  return c.next.slice(c.region.start, c.region.end + (c.next.length - c.edited.length));
}
