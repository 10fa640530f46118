// Input-lookup speculative decoding: when does a draft pay, and how long should it be?
// Pure (no node-llama-cpp): the engine's LookupPredictor (src/engine) asks `draftLength` before
// every decode step; the benchmarks print the same rule.
//
// A step that verifies k tokens (the token to sample plus k − 1 drafted ones) costs `verifyCost(k)`
// single-token steps. Mixtral is a mixture of experts: each extra token in the batch reads more
// experts, so k = 8 costs 4.2 steps on an H200, not ~1 as for a dense model; 8 → 16 is nearly free.
// Drafted tokens are accepted in a run that stops at the first wrong one; with a per-token
// acceptance probability p, a step with d drafted tokens yields on average 1 + p + … + p^d
// tokens. A draft pays only when that beats its cost: long runs of copied input, long drafts.

/** Cost of verifying k tokens in one step, as a multiple of a single-token step (k = 1 → 1). */
export interface VerifyCostTable {
  /** Where and on what it was measured. */
  source: string;
  /** [k, cost] by increasing k, starting at [1, 1]. */
  points: readonly (readonly [number, number])[];
}

/** H200, Mixtral-8x7B-shaped Q4_K_M with a random router, after 512 tokens, node-llama-cpp
 *  `controlledEvaluate` with a greedy token per position, median of 7 (docs/FACTS.md, Dec 2026). */
export const GPU_MIXTRAL_COSTS: VerifyCostTable = {
  source: "H200, Mixtral-shaped Q4_K_M",
  points: [
    [1, 1],
    [2, 1.38],
    [3, 1.81],
    [4, 2.27],
    [6, 3.19],
    [8, 4.23],
    [12, 4.56],
    [16, 4.72],
    [24, 5.56],
    [32, 6.45],
  ],
};

/** 2-core x64 CPU (AVX2), the ~800 MB Mixtral-architecture bench model (Q8_0, 8 experts, 2 used),
 *  1 thread, after 512 tokens: mean of three medians of 5 on a busy machine (bench/lib/verifyCost.ts;
 *  k = 32 read 25.6, 20.5 and 19.1). A CPU computes rather than waits for memory, so each drafted
 *  token costs most of a step: drafting pays there only on long verbatim runs. */
export const CPU_MIXTRAL_COSTS: VerifyCostTable = {
  source: "2-core x64 CPU, 800 MB Mixtral-architecture Q8_0",
  points: [
    [1, 1],
    [2, 2.23],
    [4, 3.56],
    [8, 7.1],
    [16, 12.6],
    [32, 21.7],
  ],
};

/** Linear between measured points; beyond the last, the last segment's slope. */
export function verifyCost(table: VerifyCostTable, k: number): number {
  const p = table.points;
  if (k <= p[0][0]) return p[0][1];
  for (let i = 1; i < p.length; i++) {
    const [k1, c1] = p[i];
    if (k <= k1) {
      const [k0, c0] = p[i - 1];
      return c0 + ((c1 - c0) * (k - k0)) / (k1 - k0);
    }
  }
  const [ka, ca] = p[p.length - 2];
  const [kb, cb] = p[p.length - 1];
  return cb + ((cb - ca) * (k - kb)) / (kb - ka);
}

/** Tokens a step yields on average with `draft` drafted tokens, each accepted with probability
 *  p while the run lasts: 1 + p + p² + … + p^draft. */
export function expectedTokens(p: number, draft: number): number {
  if (p >= 1) return draft + 1;
  return (1 - p ** (draft + 1)) / (1 - p);
}

/** Expected speed relative to plain decoding (1 = no gain) for a draft of `draft` tokens. */
export function expectedSpeedup(table: VerifyCostTable, p: number, draft: number): number {
  return expectedTokens(p, draft) / verifyCost(table, draft + 1);
}

export interface DraftPolicyOptions {
  /** Propose only when the end of the output matches at least this many input tokens in a row.
   *  Default 6: shorter matches are common code fragments (`) {\n`, `return`) that occur in many
   *  places, and a wrong place costs a whole verification. (Replayed over the real-edit corpus on
   *  the H200 table, bench/lib/specDecode.ts simulateAuto: 3 → 12 moved the median between 2.2×
   *  and 2.6× and 6 kept the lower quartile highest.) */
  minMatch?: number;
  /** Never draft more than this. Default 31 (k = 32, the table's end). */
  maxDraft?: number;
  /** A draft must beat plain decoding by this factor. Default 1.1: the model's estimate is rough,
   *  and a draft that only breaks even costs the bookkeeping. */
  margin?: number;
  /** Prior on the acceptance probability, as pseudo-counts of rejected tokens; the accepted ones
   *  are the current match's length (a run copied verbatim for m tokens goes on with probability
   *  about m / (m + 1): p = 0.86 at the minimum match of 6, 0.98 after 50 copied tokens). Default 1. */
  priorRejected?: number;
  /** Draft as much as the match offers whatever the cost (the "always" mode of the engine
   *  protocol: benchmarks and tests of the mechanism itself). Default false. */
  ignoreCost?: boolean;
}

/** Chooses each draft's length from the cost table and what this request has accepted so far. */
export class DraftPolicy {
  private accepted = 0;
  private rejected = 0;
  readonly minMatch: number;
  readonly maxDraft: number;
  private readonly margin: number;
  private readonly priorRejected: number;
  private readonly ignoreCost: boolean;

  constructor(
    readonly costs: VerifyCostTable,
    options: DraftPolicyOptions = {},
  ) {
    this.ignoreCost = options.ignoreCost ?? false;
    this.minMatch = options.minMatch ?? 6;
    this.maxDraft = options.maxDraft ?? 31;
    this.margin = options.margin ?? 1.1;
    this.priorRejected = options.priorRejected ?? 1;
  }

  /** Acceptance probability per drafted token, from the current match (the prior) and this
   *  request's outcomes. */
  acceptance(matchLength: number): number {
    return (this.accepted + matchLength) / (this.accepted + this.rejected + matchLength + this.priorRejected);
  }

  /** A verified draft: `accepted` of its tokens were right; the run ended early when fewer than
   *  all were (one rejection: the tokens after the first wrong one say nothing more). */
  record(accepted: number, drafted: number): void {
    this.accepted += accepted;
    if (accepted < drafted) this.rejected += 1;
  }

  /** How many tokens to draft (0: none) given the current match length and how many input
   *  tokens follow the match. */
  draftLength(matchLength: number, available: number): number {
    if (matchLength < this.minMatch) return 0;
    const limit = Math.min(this.maxDraft, available);
    if (this.ignoreCost) return Math.max(0, limit);
    const p = this.acceptance(matchLength);
    let best = 0;
    let bestSpeedup = this.margin;
    for (let d = 1; d <= limit; d++) {
      const s = expectedSpeedup(this.costs, p, d);
      if (s > bestSpeedup) {
        best = d;
        bestSpeedup = s;
      }
    }
    return best;
  }
}
