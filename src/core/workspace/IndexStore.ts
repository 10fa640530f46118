// The index in memory: the files it covers (size and mtime, to tell what changed), their chunks
// in the BM25 index, their definitions by name, and the identifiers each file uses (interned, for
// the repo map's reference graph). One owner: the indexer worker (or a test, or the CLI in-process).
import { Bm25Index } from "./Bm25Index";
import type { Chunk, FileAnalysis, FileSymbol } from "./chunker";
import { aggregateFileScore, chunkTerms, PATH_RERANK, pathBoost, queryTerms, rolePrior, tokenizePath } from "./chunkSearch";
import { detachString } from "./strings";

export interface IndexedFile {
  readonly root: string;
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly chunkIds: number[];
  readonly symbols: FileSymbol[];
  /** Interned identifiers the file uses (IndexStore.identifier). */
  readonly refs: Uint32Array;
}

export interface ChunkMeta {
  readonly file: IndexedFile;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol?: string;
}

export interface RankedChunk {
  readonly chunk: ChunkMeta;
  readonly score: number;
}

/** A file the walk found but the index left out, remembered so that a reload does not read it again. */
export interface SkippedFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly reason: "binary" | "minified" | "tooLarge" | "unreadable";
}

/** How many of a file's best chunks the ranking keeps (aggregateFileScore reads up to five). */
const TOP = 5;

export const fileKey = (root: string, rel: string): string => `${root}\u0000${rel}`;

export class IndexStore {
  readonly files = new Map<string, IndexedFile>();
  readonly chunks = new Map<number, ChunkMeta>();
  /** The same chunks by id in a plain array: the ranking's hot path reads it for every match. */
  private readonly chunkById: (ChunkMeta | undefined)[] = [];
  /** Simple name → keys of the files that define it. */
  readonly definers = new Map<string, Set<string>>();
  readonly identifiers: string[] = [];
  readonly skipped = new Map<string, SkippedFile>();
  private readonly identifierIds = new Map<string, number>();
  private nextChunkId = 1;
  /** Bumped on every change: caches keyed on it (the repo map's graph) know when to rebuild. */
  generation = 0;

  constructor(readonly search: Bm25Index = new Bm25Index()) {}

  identifier(name: string): number {
    let id = this.identifierIds.get(name);
    if (id === undefined) {
      id = this.identifiers.length;
      const kept = detachString(name);
      this.identifiers.push(kept);
      this.identifierIds.set(kept, id);
    }
    return id;
  }

  /** Adds (or replaces) one file from its text and analysis. */
  addFile(root: string, rel: string, size: number, mtimeMs: number, text: string, analysis: FileAnalysis): void {
    const key = fileKey(root, rel);
    this.removeFile(key);
    const lineStarts = lineOffsets(text);
    const words = new Set<string>();
    const file: IndexedFile = { root, rel, size, mtimeMs, chunkIds: [], symbols: analysis.symbols, refs: new Uint32Array(0) };
    const pathTerms = tokenizePath(rel);
    for (const chunk of mergeSmallChunks(analysis.chunks)) {
      const body = text.slice(lineStarts[chunk.startLine - 1] ?? text.length, lineStarts[chunk.endLine] ?? text.length);
      if (!/[A-Za-z0-9]/.test(body)) continue;
      const id = this.nextChunkId++;
      file.chunkIds.push(id);
      this.setChunk(
        id,
        chunk.symbol
          ? { file, startLine: chunk.startLine, endLine: chunk.endLine, symbol: chunk.symbol }
          : { file, startLine: chunk.startLine, endLine: chunk.endLine },
      );
      this.search.add(id, chunkTerms(body, chunk.names, pathTerms, words));
    }
    (file as { refs: Uint32Array }).refs = Uint32Array.from(words, (name) => this.identifier(name));
    this.files.set(key, file);
    for (const s of analysis.symbols) addTo(this.definers, s.name, key);
    this.generation++;
  }

  /** Restores one file from its persisted form (its chunks are already in the loaded search index). */
  restoreFile(file: IndexedFile, chunks: readonly Chunk[]): void {
    const key = fileKey(file.root, file.rel);
    chunks.forEach((c, i) =>
      this.setChunk(
        file.chunkIds[i],
        c.symbol
          ? { file, startLine: c.startLine, endLine: c.endLine, symbol: c.symbol }
          : { file, startLine: c.startLine, endLine: c.endLine },
      ),
    );
    for (const id of file.chunkIds) this.nextChunkId = Math.max(this.nextChunkId, id + 1);
    this.files.set(key, file);
    for (const s of file.symbols) addTo(this.definers, s.name, key);
  }

  restoreIdentifiers(names: readonly string[]): void {
    for (const name of names) this.identifier(name);
  }

  private setChunk(id: number, meta: ChunkMeta): void {
    this.chunks.set(id, meta);
    while (this.chunkById.length < id) this.chunkById.push(undefined);
    this.chunkById[id] = meta;
  }

  removeFile(key: string): boolean {
    const file = this.files.get(key);
    if (!file) return false;
    for (const id of file.chunkIds) {
      this.chunks.delete(id);
      this.chunkById[id] = undefined;
      this.search.remove(id);
    }
    for (const s of file.symbols) {
      const set = this.definers.get(s.name);
      set?.delete(key);
      if (set && !set.size) this.definers.delete(s.name);
    }
    this.files.delete(key);
    this.generation++;
    return true;
  }

  /**
   * The best chunks for a query, ranked by their file first (so the files come in the order of
   * their aggregated scores), at most `perFile` from each file, then by their own score.
   */
  rankChunks(query: string, limit: number, perFile = 3): RankedChunk[] {
    const terms = queryTerms(query);
    const { ids, scores } = this.search.score(terms);
    // Each file's best TOP chunk scores, kept sorted as the matches stream by (no per-chunk objects:
    // a long question over a large index matches most chunks).
    const slotOf = new Map<IndexedFile, number>();
    const files: IndexedFile[] = [];
    const top: number[] = [];
    const topId: number[] = [];
    for (const id of ids) {
      const chunk = this.chunkById[id];
      if (!chunk) continue;
      let slot = slotOf.get(chunk.file);
      if (slot === undefined) {
        slot = files.length;
        slotOf.set(chunk.file, slot);
        files.push(chunk.file);
        for (let k = 0; k < TOP; k++) {
          top.push(0);
          topId.push(0);
        }
      }
      const s = scores[id];
      const base = slot * TOP;
      if (s <= top[base + TOP - 1]) continue;
      let k = TOP - 1;
      for (; k > 0 && top[base + k - 1] < s; k--) {
        top[base + k] = top[base + k - 1];
        topId[base + k] = topId[base + k - 1];
      }
      top[base + k] = s;
      topId[base + k] = id;
    }
    const ranked = files.map((file, slot) => ({
      slot,
      score: aggregateFileScore(top.slice(slot * TOP, slot * TOP + TOP).filter((x) => x > 0)) * rolePrior(file.rel),
    }));
    ranked.sort((a, b) => b.score - a.score);
    const termSet = new Set(terms);
    for (const r of ranked.slice(0, PATH_RERANK)) r.score *= pathBoost(files[r.slot].rel, termSet);
    ranked.sort((a, b) => b.score - a.score);
    const out: RankedChunk[] = [];
    for (const { slot, score } of ranked) {
      // Each chunk carries its file's score, lowered a little per place within the file, so the
      // scores fall from first to last as the order does.
      for (let k = 0; k < perFile && k < TOP && top[slot * TOP + k] > 0; k++)
        out.push({ chunk: this.chunkById[topId[slot * TOP + k]]!, score: score * (1 - 0.01 * k) });
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  /** Files ranked for a query (the aggregation rankChunks uses), with their scores. */
  rankFiles(query: string, limit: number): { file: IndexedFile; score: number }[] {
    const seen = new Map<IndexedFile, number>();
    for (const r of this.rankChunks(query, limit * 3, 1)) if (!seen.has(r.chunk.file)) seen.set(r.chunk.file, r.score);
    return [...seen].slice(0, limit).map(([file, score]) => ({ file, score }));
  }

  definitionsOf(name: string): { file: IndexedFile; symbol: FileSymbol }[] {
    const out: { file: IndexedFile; symbol: FileSymbol }[] = [];
    const simple = name.split(/\.|::/).pop() ?? name;
    for (const key of this.definers.get(simple) ?? []) {
      const file = this.files.get(key);
      if (!file) continue;
      for (const symbol of file.symbols)
        if (symbol.name === simple && (simple === name || symbol.qualified === name.replace(/::/g, "."))) out.push({ file, symbol });
    }
    return out;
  }

  counts(): { files: number; chunks: number; symbols: number } {
    let symbols = 0;
    for (const f of this.files.values()) symbols += f.symbols.length;
    return { files: this.files.size, chunks: this.chunks.size, symbols };
  }
}

/** The offset where each line starts (line 1 at index 0). */
function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function addTo(map: Map<string, Set<string>>, name: string, key: string): void {
  const set = map.get(name);
  if (set) set.add(key);
  else map.set(name, new Set([key]));
}

/** Windows of three lines or fewer outside any definition join the chunk after them. */
export function mergeSmallChunks(chunks: readonly Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  let carry: number | undefined;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (!c.symbol && !c.names.length && c.endLine - c.startLine < 3 && i + 1 < chunks.length) {
      carry ??= c.startLine;
      continue;
    }
    out.push(carry !== undefined ? { ...c, startLine: carry } : c);
    carry = undefined;
  }
  return out;
}
