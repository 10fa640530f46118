// The two baselines the workspace index is measured against, on the very files it searches:
//   BM25 over whole files: minisearch (the library the index uses) with its default tokenizer and
//     term processing, one document per file, the plain thing a codebase search starts from;
//   ripgrep: the query's words, each searched as a literal, files ranked by their number of matches.
import { execFile } from "node:child_process";
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import * as path from "node:path";
import MiniSearch from "minisearch";
import { ripgrepPath } from "../../src/core/workspace/ripgrep";

/** Files over this size are left out by every arm (the index's default maxFileBytes, 1 MiB). */
export const MAX_FILE_BYTES = 1 << 20;

/** A workspace file as text, or undefined for a binary (a NUL byte in its first 8 KB), a file over
 *  `maxBytes` or one that cannot be read. */
export function readTextFile(file: string, maxBytes = MAX_FILE_BYTES): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    if (size > maxBytes) return undefined;
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    if (buf.subarray(0, Math.min(read, 8192)).includes(0)) return undefined;
    return buf.subarray(0, read).toString("utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** One arm of the benchmark: told which files changed in its folder, asked for a file ranking. */
export interface RetrievalArm {
  readonly name: string;
  /** `changed`: paths relative to `dir` that differ from the last call (all of them the first time). */
  update(dir: string, changed: readonly string[]): Promise<void>;
  rankFiles(query: string, limit: number): Promise<string[]>;
  dispose(): Promise<void>;
}

/** BM25 over whole files, kept up to date file by file as the folder moves from one commit to the next. */
export class WholeFileBm25 implements RetrievalArm {
  readonly name = "BM25 whole files";
  private readonly index = new MiniSearch<{ id: string; text: string }>({ fields: ["text"] });
  /** The indexed texts: remove() needs the document as it was added, and keeps the BM25 statistics
   *  exact (discard() would leave the old terms in them until a vacuum). */
  private readonly texts = new Map<string, string>();

  async update(dir: string, changed: readonly string[]): Promise<void> {
    for (const p of changed) {
      const old = this.texts.get(p);
      if (old !== undefined) this.index.remove({ id: p, text: old });
      this.texts.delete(p);
      const text = readTextFile(path.join(dir, p));
      if (text === undefined) continue;
      this.index.add({ id: p, text });
      this.texts.set(p, text);
    }
  }

  async rankFiles(query: string, limit: number): Promise<string[]> {
    return this.index.search(query).slice(0, limit).map((r) => String(r.id));
  }

  async dispose(): Promise<void> {
    this.index.removeAll();
    this.texts.clear();
  }
}

const STOPWORDS = new Set(
  ("a an and are as at be been but by can could did do does for from had has have how if in into is it its may might more most no not of on " +
    "or our should so some such than that the their them then there these they this those to too was we were what when where which while " +
    "who why will with would you your also just now only other over same use used using via").split(" "),
);

/** The query's distinct words of 3 or more characters, stopwords out, lowercase. */
export function queryWords(query: string): string[] {
  const words = (query.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase());
  return [...new Set(words)].filter((w) => w.length >= 3 && !STOPWORDS.has(w));
}

/** Parses `rg --count-matches` lines ("path:count") into a ranking: most matches first, then by path. */
export function rankByCount(out: string): string[] {
  const rows = out.split("\n").filter(Boolean).map((line) => {
    const at = line.lastIndexOf(":");
    return { path: line.slice(0, at).replace(/^\.\//, ""), count: Number(line.slice(at + 1)) };
  });
  return rows.sort((a, b) => b.count - a.count || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((r) => r.path);
}

/** ripgrep on the query's words, ranked by hit count; it reads the folder afresh each query. */
export class RipgrepHitCount implements RetrievalArm {
  readonly name = "ripgrep hit count";
  private dir = "";

  async update(dir: string): Promise<void> {
    this.dir = dir;
  }

  rankFiles(query: string, limit: number): Promise<string[]> {
    const words = queryWords(query);
    if (words.length === 0) return Promise.resolve([]);
    const args = ["--count-matches", "--ignore-case", "--fixed-strings", "--hidden", "--max-filesize", "1M", "--no-messages", ...words.flatMap((w) => ["-e", w]), "."];
    return new Promise((resolve, reject) => {
      execFile(ripgrepPath(), args, { cwd: this.dir, maxBuffer: 64 << 20 }, (err, stdout) => {
        // Exit code 1 is "no match"; 2 means some file could not be read (the others still count).
        const code = (err as { code?: number } | null)?.code;
        if (err && code !== 1 && !(code === 2 && stdout)) reject(err);
        else resolve(rankByCount(stdout).slice(0, limit));
      });
    });
  }

  async dispose(): Promise<void> {}
}
