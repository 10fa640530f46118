// Scores of file localization: each arm ranks the workspace's files for a query, and the ranking
// is judged against the files the commit really changed, the way SWE-bench-style localization is.

/** A ranking of files from a ranked list of hits (chunks): each file at its first hit's place. */
export function rankFiles(hits: readonly { readonly path: string }[]): string[] {
  const seen = new Set<string>();
  for (const h of hits) seen.add(h.path);
  return [...seen];
}

/** Share of the answer's files among the first k of the ranking. */
export function recallAt(ranked: readonly string[], gold: readonly string[], k: number): number {
  if (gold.length === 0) throw new Error("recallAt: a commit without answer files cannot be scored");
  const top = new Set(ranked.slice(0, k));
  return gold.filter((g) => top.has(g)).length / gold.length;
}

/** 1 / the rank of the first answer file (1-based); 0 when none is ranked. */
export function reciprocalRank(ranked: readonly string[], gold: readonly string[]): number {
  const answers = new Set(gold);
  const at = ranked.findIndex((p) => answers.has(p));
  return at < 0 ? 0 : 1 / (at + 1);
}

export interface QueryScore {
  readonly r1: number;
  readonly r5: number;
  readonly r10: number;
  readonly rr: number;
}

export const scoreRanking = (ranked: readonly string[], gold: readonly string[]): QueryScore => ({
  r1: recallAt(ranked, gold, 1),
  r5: recallAt(ranked, gold, 5),
  r10: recallAt(ranked, gold, 10),
  rr: reciprocalRank(ranked, gold),
});

export interface ScoreSummary {
  readonly n: number;
  readonly recall1: number;
  readonly recall5: number;
  readonly recall10: number;
  readonly mrr: number;
}

/** Means over queries (every commit weighs the same); NaN for none. */
export function summarize(scores: readonly QueryScore[]): ScoreSummary {
  const avg = (pick: (s: QueryScore) => number): number => (scores.length ? scores.reduce((a, s) => a + pick(s), 0) / scores.length : NaN);
  return { n: scores.length, recall1: avg((s) => s.r1), recall5: avg((s) => s.r5), recall10: avg((s) => s.r10), mrr: avg((s) => s.rr) };
}

/** What an arm's first places hold: shares of source files, tests, and everything else (docs,
 *  config, generated copies), so a miss can be read as "ranked the tests first" or "the docs". */
export function slotShares(
  tops: readonly (readonly string[])[],
  isSource: (p: string) => boolean,
  isTest: (p: string) => boolean,
): { source: number; test: number; other: number } {
  const all = tops.flat();
  const share = (f: (p: string) => boolean): number => (all.length ? all.filter(f).length / all.length : NaN);
  return { source: share(isSource), test: share(isTest), other: share((p) => !isSource(p) && !isTest(p)) };
}
