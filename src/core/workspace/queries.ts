// The index's answers with their text: search hits and definitions read their lines from the
// files on disk at query time (the index keeps line ranges only, not a second copy of the code).
import * as fs from "node:fs";
import * as path from "node:path";
import type { IndexedFile, IndexStore } from "./IndexStore";
import { grepWorkspace } from "./ripgrep";
import type { IndexOptions, ReferenceLocation, SearchHit, SymbolLocation } from "./types";

/** Most lines of one hit's text (a window or a definition is usually far shorter). */
const MAX_HIT_LINES = 200;

/** Reads each file once per query; a file gone since it was indexed gives empty text. */
export class LineReader {
  private readonly cache = new Map<string, string>();

  constructor(private readonly options: IndexOptions) {}

  /** Lines start..end (1-based, inclusive, at most MAX_HIT_LINES), found without splitting the file. */
  lines(file: IndexedFile, start: number, end: number): string {
    const key = `${file.root}\u0000${file.rel}`;
    let text = this.cache.get(key);
    if (text === undefined) {
      const root = this.options.roots.find((r) => r.name === file.root);
      try {
        text = root ? fs.readFileSync(path.join(root.path, file.rel), "utf8") : "";
      } catch {
        text = "";
      }
      this.cache.set(key, text);
    }
    let from = 0;
    for (let line = 1; line < start && from >= 0; line++) from = text.indexOf("\n", from) + 1 || -1;
    if (from < 0) return "";
    let to = from;
    for (let line = start; line <= Math.min(end, start - 1 + MAX_HIT_LINES) && to >= 0; line++) to = text.indexOf("\n", to) + 1 || -1;
    return text.slice(from, to < 0 ? text.length : to - 1).replace(/\r(?=\n|$)/g, "");
  }
}

export function searchIndex(store: IndexStore, options: IndexOptions, query: string, limit: number): SearchHit[] {
  const reader = new LineReader(options);
  return store.rankChunks(query, limit).map(({ chunk, score }) => {
    const hit = {
      root: chunk.file.root,
      path: chunk.file.rel,
      startLine: chunk.startLine,
      endLine: chunk.endLine,
      score,
      text: reader.lines(chunk.file, chunk.startLine, chunk.endLine),
    };
    return chunk.symbol ? { ...hit, symbol: chunk.symbol } : hit;
  });
}

export function findDefinitions(store: IndexStore, options: IndexOptions, name: string, limit: number): SymbolLocation[] {
  const reader = new LineReader(options);
  return store
    .definitionsOf(name.trim())
    .slice(0, limit)
    .map(({ file, symbol }) => ({
      name: symbol.qualified,
      kind: symbol.kind,
      root: file.root,
      path: file.rel,
      startLine: symbol.startLine,
      endLine: symbol.endLine,
      text: reader.lines(file, symbol.startLine, symbol.endLine),
    }));
}

/** Where a name is used: whole-word matches through ripgrep, the definitions' own lines left out. */
export async function findReferences(
  store: IndexStore,
  options: IndexOptions,
  name: string,
  limit: number,
  signal?: AbortSignal,
): Promise<ReferenceLocation[]> {
  const simple = name.trim().split(/\.|::/).pop() ?? "";
  if (!/^[\w$]+$/.test(simple)) return [];
  // A definition's own line (past its doc comment: the first line of its range that names it).
  const reader = new LineReader(options);
  const nameAt = new RegExp(`(?<![\\w$])${simple.replace(/\$/g, "\\$")}(?![\\w$])`);
  const definitionLines = new Set(
    store.definitionsOf(simple).map(({ file, symbol }) => {
      const offset = reader
        .lines(file, symbol.startLine, symbol.endLine)
        .split("\n")
        .findIndex((l) => nameAt.test(l));
      return `${file.root}\u0000${file.rel}:${symbol.startLine + Math.max(offset, 0)}`;
    }),
  );
  const found = await grepWorkspace(simple, { ...options, regex: false, word: true, limit: limit + definitionLines.size, signal });
  return found.filter((r) => !definitionLines.has(`${r.root}\u0000${r.path}:${r.line}`)).slice(0, limit);
}
