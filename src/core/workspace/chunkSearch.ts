// BM25 over chunks (minisearch): each chunk is a document with three fields, its text, the names
// it defines and its file's path, all in code-aware terms (tokenizer.ts). A query ranks chunks;
// files are then ranked by their best chunks (the best, plus a share of the next ones, so a file
// that matches in several places comes before one that matches once).
import MiniSearch from "minisearch";
import { tokenizeCode, tokenizePath } from "./tokenizer";

export interface ChunkDocument {
  readonly id: number;
  readonly text: string;
  /** The simple names the chunk defines, space-separated. */
  readonly names: string;
  readonly path: string;
}

/** Field weights: a definition's name counts most, then the path, then the text. */
export const FIELD_BOOST = { names: 4, path: 1.5, text: 1 } as const;
const FIELDS = ["text", "names", "path"];

function tokenizeField(text: string, field?: string): string[] {
  return field === "path" ? tokenizePath(text) : tokenizeCode(text);
}

/** The query's terms, each once (a query that repeats a word does not weigh it twice). */
export function queryTerms(query: string): string[] {
  return [...new Set(tokenizeCode(query))];
}

const OPTIONS = {
  idField: "id",
  fields: FIELDS,
  storeFields: [] as string[],
  tokenize: tokenizeField,
  processTerm: (term: string) => term,
  searchOptions: { boost: FIELD_BOOST, combineWith: "OR" as const, prefix: false, fuzzy: false, tokenize: queryTerms },
  autoVacuum: { minDirtCount: 1000, minDirtFactor: 0.2, batchSize: 2000, batchWait: 5 },
};

export function createChunkSearch(): MiniSearch<ChunkDocument> {
  return new MiniSearch<ChunkDocument>(OPTIONS);
}

/** Rebuilds a search index from its JSON (MiniSearch.toJSON); throws on a malformed one. */
export function loadChunkSearch(json: string): MiniSearch<ChunkDocument> {
  return MiniSearch.loadJSON<ChunkDocument>(json, OPTIONS);
}

export interface ScoredChunk {
  readonly id: number;
  readonly score: number;
}

/** Chunks matching the query, best first (raw BM25 with field boosts). */
export function searchChunks(index: MiniSearch<ChunkDocument>, query: string): ScoredChunk[] {
  if (!queryTerms(query).length) return [];
  return index.search(query).map((r) => ({ id: r.id as number, score: r.score }));
}

/** A file's score from its chunks' scores (best first): the best plus a decaying share of the rest. */
export function aggregateFileScore(chunkScores: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < chunkScores.length && i < 5; i++) total += chunkScores[i] * (i === 0 ? 1 : 0.4 / i);
  return total;
}
