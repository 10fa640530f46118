// The user's recent edits, for the next-edit prompt: small unified diffs, newest last, across
// files, in memory only (one instance per window, so per workspace; nothing is written anywhere).
// Keystrokes are coalesced: an edit in the same file within a few lines of the open "burst" extends
// it, so typing a word (or a line) is one entry, not one per character. An edit elsewhere (another
// file, or further away in this one) closes the burst into an entry. Bounded by entries and size.
import { structuredPatch } from "diff";

export interface EditHistoryOptions {
  /** Closed entries kept (oldest dropped first). Default 6. */
  maxEntries?: number;
  /** An edit this many lines or fewer from the open burst extends it. Default 3. */
  mergeLines?: number;
  /** Lines of unchanged context around each change in a diff. Default 2. */
  contextLines?: number;
  /** A diff longer than this is cut (with a marker) so one paste cannot fill the prompt. Default 1,500. */
  maxDiffChars?: number;
  /** Files larger than this are not diffed (their edits are skipped). Default 500,000 characters. */
  maxFileChars?: number;
}

export interface EditEntry {
  /** Workspace-relative path (or the untitled name). */
  path: string;
  /** The unified diff ("--- a/path", "+++ b/path", "@@ … @@" hunks). */
  diff: string;
}

/** One edit as the adapter sees it: the document before and after, and the lines it touched
 *  (0-based, in the text after the edit, inclusive). */
export interface RecordedEdit {
  path: string;
  before: string;
  after: string;
  startLine: number;
  endLine: number;
}

interface Burst {
  path: string;
  before: string;
  after: string;
  startLine: number;
  endLine: number;
}

export function unifiedDiff(path: string, before: string, after: string, contextLines = 2): string {
  const patch = structuredPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: contextLines });
  if (patch.hunks.length === 0) return "";
  const lines = [`--- a/${path}`, `+++ b/${path}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    // jsdiff marks a last line without a newline with "\ No newline at end of file": noise here.
    lines.push(...h.lines.filter((l) => !l.startsWith("\\")));
  }
  return lines.join("\n");
}

export class EditHistory {
  private readonly entries: EditEntry[] = [];
  private burst: Burst | undefined;
  private readonly o: Required<EditHistoryOptions>;

  constructor(options: EditHistoryOptions = {}) {
    this.o = { maxEntries: 6, mergeLines: 3, contextLines: 2, maxDiffChars: 1_500, maxFileChars: 500_000, ...options };
  }

  record(edit: RecordedEdit): void {
    if (edit.before.length > this.o.maxFileChars || edit.after.length > this.o.maxFileChars) return;
    const b = this.burst;
    if (b && b.path === edit.path && edit.startLine <= b.endLine + this.o.mergeLines && edit.endLine >= b.startLine - this.o.mergeLines) {
      b.after = edit.after;
      b.startLine = Math.min(b.startLine, edit.startLine);
      b.endLine = Math.max(b.endLine, edit.endLine);
      return;
    }
    this.close();
    // A burst in the same file starts from the text the last one ended with (they chain exactly).
    this.burst = { ...edit };
  }

  /** The entries, the open burst last; edits that undid themselves are left out. */
  diffs(): EditEntry[] {
    const open = this.burst ? this.entryOf(this.burst) : undefined;
    return open ? [...this.entries, open] : [...this.entries];
  }

  /** Ends the open burst: the next edit starts a new entry even when it is close by (an accepted
   *  suggestion is its own entry). */
  close(): void {
    const b = this.burst;
    this.burst = undefined;
    const entry = b && this.entryOf(b);
    if (!entry) return;
    this.entries.push(entry);
    while (this.entries.length > this.o.maxEntries) this.entries.shift();
  }

  clear(): void {
    this.entries.length = 0;
    this.burst = undefined;
  }

  /** A file was renamed or closed unsaved: its open burst no longer matches any document. */
  forget(path: string): void {
    if (this.burst?.path === path) this.burst = undefined;
  }

  private entryOf(b: Burst): EditEntry | undefined {
    let diff = unifiedDiff(b.path, b.before, b.after, this.o.contextLines);
    if (!diff) return undefined;
    if (diff.length > this.o.maxDiffChars) diff = `${diff.slice(0, this.o.maxDiffChars)}\n… (diff cut)`;
    return { path: b.path, diff };
  }
}
