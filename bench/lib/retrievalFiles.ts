// The files every arm of the retrieval benchmark searches: exactly the ones the workspace index
// covers with the CLI's defaults (its own walker: .gitignore at every level, the exclude globs,
// the size limit; its own reader: binary, minified and unreadable files left out), so a baseline
// is never judged on files the index does not see, or the other way round.
import * as path from "node:path";
import { DEFAULT_EXCLUDE_GLOBS, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES } from "../../src/core/workspace/defaults";
import { readSourceText } from "../../src/core/workspace/sourceText";
import type { IndexOptions } from "../../src/core/workspace/types";
import { walkWorkspace } from "../../src/core/workspace/walker";

/** The CLI's options for a folder (`mixtral-local index DIR --no-storage`). */
export const cliOptions = (dir: string): IndexOptions => ({
  roots: [{ name: path.basename(dir), path: dir }],
  excludeGlobs: DEFAULT_EXCLUDE_GLOBS,
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  maxFiles: DEFAULT_MAX_FILES,
});

/** The indexable files of one folder, kept current from the paths that changed. */
export class IndexableFiles {
  /** Every walked path: true when its text is indexed, false when the reader left it out. */
  private readonly known = new Map<string, boolean>();

  /** Brings the set up to date; returns the texts to (re)add and the paths whose old text goes. */
  async update(dir: string, changed: readonly string[]): Promise<{ added: Map<string, string>; removed: string[] }> {
    const options = cliOptions(dir);
    const walked = new Set((await walkWorkspace(options)).files.map((f) => f.rel));
    const todo = new Set<string>(changed.filter((p) => walked.has(p) || this.known.has(p)));
    for (const p of walked) if (!this.known.has(p)) todo.add(p);
    for (const p of this.known.keys()) if (!walked.has(p)) todo.add(p);
    const added = new Map<string, string>();
    const removed: string[] = [];
    for (const p of todo) {
      if (this.known.get(p)) removed.push(p);
      this.known.delete(p);
      if (!walked.has(p)) continue;
      const source = await readSourceText(path.join(dir, p), options.maxFileBytes);
      this.known.set(p, source.kind === "text");
      if (source.kind === "text") added.set(p, source.text);
    }
    return { added, removed };
  }

  /** The indexed paths, sorted. */
  files(): string[] {
    return [...this.known]
      .filter(([, text]) => text)
      .map(([p]) => p)
      .sort();
  }
}
