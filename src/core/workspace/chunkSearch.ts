// What the BM25 index (Bm25Index) sees of a chunk and of a query: a chunk's terms are those of its
// text, of the names it defines (×FIELD_WEIGHT.names) and of its file's path (×FIELD_WEIGHT.path),
// all code-aware (tokenizer.ts). Files are ranked by their best chunks: the best, plus a decaying
// share of the next ones, so a file that matches in several places comes before one that matches once.
import type { WeightedTerms } from "./Bm25Index";
import { tokenizeCode, tokenizePath } from "./tokenizer";

/** Field weights: a definition's name counts most, then the path, then the text. */
export const FIELD_WEIGHT = { text: 1, names: 4, path: 1.5 } as const;

export function chunkTerms(text: string, names: readonly string[], pathTerms: readonly string[]): WeightedTerms {
  return [
    [tokenizeCode(text), FIELD_WEIGHT.text],
    [tokenizeCode(names.join(" ")), FIELD_WEIGHT.names],
    [pathTerms, FIELD_WEIGHT.path],
  ];
}

export { tokenizePath };

/** The query's terms, each once (a query that repeats a word does not weigh it twice). */
export function queryTerms(query: string): string[] {
  return [...new Set(tokenizeCode(query))];
}

/** A file's score from its chunks' scores (best first): the best plus a decaying share of the rest. */
export function aggregateFileScore(chunkScores: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < chunkScores.length && i < 5; i++) total += chunkScores[i] * (i === 0 ? 1 : 0.4 / i);
  return total;
}
