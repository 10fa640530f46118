// The two baselines the workspace index is measured against, on the very files it searches
// (bench/lib/retrievalFiles.ts):
//   BM25 over whole files: minisearch (a maintained BM25 library) with its default tokenizer and
//     term processing, one document per file, the plain thing a codebase search starts from;
//   ripgrep: the query's words, each searched as a literal, files ranked by their number of matches.
import { execFile } from "node:child_process";
import MiniSearch from "minisearch";
import { ripgrepPath } from "../../src/core/workspace/ripgrep";
import { IndexableFiles } from "./retrievalFiles";

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

  private readonly files = new IndexableFiles();

  async update(dir: string, changed: readonly string[]): Promise<void> {
    const { added, removed } = await this.files.update(dir, changed);
    for (const p of removed) {
      this.index.remove({ id: p, text: this.texts.get(p)! });
      this.texts.delete(p);
    }
    for (const [p, text] of added) {
      this.index.add({ id: p, text });
      this.texts.set(p, text);
    }
  }

  async rankFiles(query: string, limit: number): Promise<string[]> {
    return this.index
      .search(query)
      .slice(0, limit)
      .map((r) => String(r.id));
  }

  async dispose(): Promise<void> {
    this.index.removeAll();
    this.texts.clear();
  }
}

const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have how if in into is it its may might more most no not of on " +
    "or our should so some such than that the their them then there these they this those to too was we were what when where which while " +
    "who why will with would you your also just now only other over same use used using via"
  ).split(" "),
);

/** The query's distinct words of 3 or more characters, stopwords out, lowercase. */
export function queryWords(query: string): string[] {
  const words = (query.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase());
  return [...new Set(words)].filter((w) => w.length >= 3 && !STOPWORDS.has(w));
}

/** Parses `rg --count-matches` lines ("path:count") into a ranking: most matches first, then by path. */
export function rankByCount(out: string): string[] {
  const rows = out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf(":");
      return { path: line.slice(0, at).replace(/^\.\//, ""), count: Number(line.slice(at + 1)) };
    });
  return rows.sort((a, b) => b.count - a.count || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((r) => r.path);
}

/** ripgrep on the query's words, ranked by hit count; it reads the files afresh each query. */
export class RipgrepHitCount implements RetrievalArm {
  readonly name = "ripgrep hit count";
  private readonly files = new IndexableFiles();
  private dir = "";

  async update(dir: string, changed: readonly string[]): Promise<void> {
    this.dir = dir;
    await this.files.update(dir, changed);
  }

  rankFiles(query: string, limit: number): Promise<string[]> {
    const words = queryWords(query);
    if (words.length === 0) return Promise.resolve([]);
    // The files are named one by one: ripgrep then searches exactly them, whatever its ignore rules.
    const args = [
      "--count-matches",
      "--ignore-case",
      "--fixed-strings",
      "--no-messages",
      ...words.flatMap((w) => ["-e", w]),
      "--",
      ...this.files.files(),
    ];
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
