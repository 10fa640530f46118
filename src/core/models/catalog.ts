// The quantization levels of Mixtral-8x7B-Instruct we offer, with what each costs in bytes and
// in quality. Pure data plus small helpers; fit.ts turns it into memory needs for a machine.
//
// Sizes: we cannot reach the hub from where this was written, so each size is the level's bits
// per weight × Mixtral-8x7B's 46.70 B parameters. The bits per weight come from published file
// sizes of a Mixtral-family repository of the same llama.cpp era (bartowski/Mixtral-8x22B-v0.1-
// GGUF, 140.6 B parameters: Q2_K 52.10 GB, IQ3_M 64.49, Q3_K_M 67.78, IQ4_XS 76.35, Q4_K_M 85.58,
// Q5_K_M 99.96) and, for Q4_0/Q6_K/Q8_0, from the block formats (18/32, 210/256, 34/32 bytes).
// They agree with what node-llama-cpp's GgufInsights reports for the real 8x7B files (docs/FACTS.md:
// 16.1 / 21.0 / 26.5 GiB for Q2_K / Q3_K_M / Q4_K_M) and, within 0.6 %, with the sizes the hub
// lists for Mixtral-8x7B(-Instruct) conversions (checked in session 2 through a search index of
// hub pages: Q2_K 17.3, IQ3_M 21.4, Q3_K_M 22.5, IQ4_XS 25.4, Q4_0 26.4, Q4_K_M 28.4, Q5_K_M 33.2,
// Q6_K 38.4, Q8_0 49.6 GB). The exact size and sha256 come from the
// hub's LFS metadata (X-Linked-Size / X-Linked-Etag) at download time; see downloader.ts.
//
// Quality cost: the perplexity increase over 8-bit. Two published measurements, both proxies:
//  - `mixtralErrorPct`: ikawrakow, huggingface.co/ikawrakow/mixtral-8x7b-quantized-gguf (Jan 2024):
//    (PPL(q) − PPL(Q8_0)) / PPL(Q8_0) on Wikitext, ctx 512, Mixtral-8x7B base, "new quants"
//    column (the k-quant improvements that were merged into llama.cpp). Only some levels.
//  - `pplIncrease8B`: llama.cpp's own table in tools/quantize/quantize.cpp (the bundled commit
//    80fb11a), "+X ppl @ Llama-3-8B" versus F16. A dense 8B model, not Mixtral: use it to rank.
// IQ3_M and IQ4_XS have neither figure in those sources; we say so instead of inventing one.

export const QUANT_LEVEL_IDS = ["Q2_K", "IQ3_M", "Q3_K_M", "IQ4_XS", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"] as const;
export type QuantLevelId = (typeof QUANT_LEVEL_IDS)[number];

export interface QuantLevel {
  id: QuantLevelId;
  bitsPerWeight: number;
  /** Estimated file size in bytes (see the header comment); the hub's size wins at download. */
  sizeBytes: number;
  /** Perplexity error vs 8-bit measured on Mixtral-8x7B, in percent; undefined if not published. */
  mixtralErrorPct?: number;
  /** "+X ppl @ Llama-3-8B" from llama.cpp's quantize table; undefined if not published. */
  pplIncrease8B?: number;
  /** Share of the weights llama.cpp's CPU backend repacks into a second buffer on AVX2 x86
   *  (ggml-cpu/repack.cpp: Q4_0, Q4_K and IQ4_NL tensors; Q2_K only with AVX-512). Estimated
   *  from each level's tensor-type mix; Q2_K's is measured (9.6 of 16.5 GB, docs/FACTS.md). */
  cpuRepackFraction: number;
  /** One line for the picker. */
  note: string;
}

/** Mixtral-8x7B's parameter count (46.70 B: 32 layers × 8 experts × 3 × 4096 × 14336 + attention
 *  + embeddings). */
export const MIXTRAL_8X7B_PARAMS = 46.7e9;

function level(id: QuantLevelId, bitsPerWeight: number, rest: Omit<QuantLevel, "id" | "bitsPerWeight" | "sizeBytes">): QuantLevel {
  return { id, bitsPerWeight, sizeBytes: Math.round((MIXTRAL_8X7B_PARAMS * bitsPerWeight) / 8), ...rest };
}

export const QUANT_LEVELS: readonly QuantLevel[] = [
  level("Q2_K", 2.96, { mixtralErrorPct: 23.2, pplIncrease8B: 3.5199, cpuRepackFraction: 0.58, note: "smallest; clearly worse answers" }),
  level("IQ3_M", 3.67, { cpuRepackFraction: 0.1, note: "importance-matrix 3-bit mix; no published perplexity" }),
  level("Q3_K_M", 3.86, { mixtralErrorPct: 4.47, pplIncrease8B: 0.6569, cpuRepackFraction: 0.15, note: "small; noticeably worse" }),
  level("IQ4_XS", 4.34, { cpuRepackFraction: 0, note: "non-linear 4-bit; no published perplexity" }),
  level("Q4_0", 4.55, { mixtralErrorPct: 2.32, pplIncrease8B: 0.4685, cpuRepackFraction: 0.97, note: "legacy 4-bit; fast on CPUs" }),
  level("Q4_K_M", 4.87, { mixtralErrorPct: 1.47, pplIncrease8B: 0.1754, cpuRepackFraction: 0.7, note: "recommended balance" }),
  level("Q5_K_M", 5.69, { pplIncrease8B: 0.0569, cpuRepackFraction: 0, note: "close to 8-bit" }),
  level("Q6_K", 6.56, { pplIncrease8B: 0.0217, cpuRepackFraction: 0, note: "nearly lossless" }),
  level("Q8_0", 8.5, { mixtralErrorPct: 0, pplIncrease8B: 0.0026, cpuRepackFraction: 0, note: "reference quality; largest" }),
];

export function isQuantLevelId(v: string): v is QuantLevelId {
  return (QUANT_LEVEL_IDS as readonly string[]).includes(v);
}

export function getQuantLevel(id: QuantLevelId): QuantLevel {
  const found = QUANT_LEVELS.find((l) => l.id === id);
  if (!found) throw new Error(`unknown quantization level ${id}`);
  return found;
}

/** Words for the picker: the Mixtral measurement where there is one, else the 8B proxy. */
export function describeQualityCost(l: QuantLevel): string {
  if (l.mixtralErrorPct !== undefined)
    return l.mixtralErrorPct === 0 ? "reference (8-bit)" : `+${l.mixtralErrorPct}% perplexity vs 8-bit (Mixtral)`;
  if (l.pplIncrease8B !== undefined) return `+${l.pplIncrease8B} perplexity vs F16 (Llama-3-8B proxy)`;
  return "no published perplexity figure";
}

/** The guidance from the project's brief, for the docs and the picker's footer. */
export const UNQUANTIZED_GUIDANCE = "fp16 needs over 90 GB, 8-bit over 45 GB, 4-bit over 23 GB of memory";
