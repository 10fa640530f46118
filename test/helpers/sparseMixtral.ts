// A full-size Mixtral-8x7B-shaped GGUF written as a sparse file: the real header, tensor shapes
// and per-quantization tensor types (so file size and llama.cpp's memory needs are realistic),
// with the weights left as holes that read back as zeros. A few MB on disk; used for memory-fit
// tests and speed runs (the same bytes are read per token as with real weights).
import { buildTinyVocab, spmTokenizerMetadata, TokenType } from "../../src/core/gguf/tinyVocab";
import { gv, type GgufValue } from "../../src/core/gguf/ggufBytes";
import { writeGguf, type GgufLayout, type GgufTensorSpec } from "../../src/core/gguf/ggufWriter";
import { f32ToF16Bits } from "../../src/core/gguf/ggmlQuantize";
import { GGML_TYPES, ggmlTensorBytes, type GgmlTypeName } from "../../src/core/gguf/ggufTypes";

export type SparseMixtralQuantization = "Q2_K" | "Q3_K_M" | "Q4_0" | "Q4_K_M" | "Q5_K_M" | "Q6_K" | "Q8_0" | "F16";

export interface SparseMixtralOptions {
  /** Default "Q4_K_M" (~26 GB apparent size). */
  readonly quantization?: SparseMixtralQuantization;
  /** Default 32 (Mixtral-8x7B). Fewer layers give a smaller file of the same width. */
  readonly layers?: number;
  /** Seed of the router (and embedding) values. Default 1. */
  readonly seed?: number;
  /** Fill `token_embd` with random blocks (~74 MB written at Q4_K_M) so hidden states differ per
   *  token and the router spreads tokens over all experts; with zero embeddings every token goes
   *  to the same two experts, making prompt-processing speeds optimistic. Default false. */
  readonly randomEmbeddings?: boolean;
}

/** Mixtral-8x7B-v0.1's hyper-parameters. */
export const MIXTRAL_8X7B = {
  embeddingLength: 4096,
  feedForwardLength: 14336,
  heads: 32,
  kvHeads: 8,
  headSize: 128,
  layers: 32,
  vocabSize: 32000,
  contextLength: 32768,
  expertCount: 8,
  expertUsedCount: 2,
} as const;

interface QuantPlan {
  base: GgmlTypeName;
  down: GgmlTypeName;
  downMore: GgmlTypeName;
  attnV: GgmlTypeName;
  output: GgmlTypeName;
  fileType: number;
}

// Close to llama.cpp's llama_tensor_get_type choices, simplified: ffn_down gets more bits in the
// first and last eighth of the layers and every third layer between (its use_more_bits rule).
const PLANS: Record<SparseMixtralQuantization, QuantPlan> = {
  Q2_K: { base: "Q2_K", down: "Q3_K", downMore: "Q3_K", attnV: "Q4_K", output: "Q6_K", fileType: 10 },
  Q3_K_M: { base: "Q3_K", down: "Q4_K", downMore: "Q5_K", attnV: "Q5_K", output: "Q6_K", fileType: 12 },
  Q4_0: { base: "Q4_0", down: "Q4_0", downMore: "Q4_0", attnV: "Q4_0", output: "Q6_K", fileType: 2 },
  Q4_K_M: { base: "Q4_K", down: "Q4_K", downMore: "Q6_K", attnV: "Q6_K", output: "Q6_K", fileType: 15 },
  Q5_K_M: { base: "Q5_K", down: "Q5_K", downMore: "Q6_K", attnV: "Q6_K", output: "Q6_K", fileType: 17 },
  Q6_K: { base: "Q6_K", down: "Q6_K", downMore: "Q6_K", attnV: "Q6_K", output: "Q6_K", fileType: 18 },
  Q8_0: { base: "Q8_0", down: "Q8_0", downMore: "Q8_0", attnV: "Q8_0", output: "Q8_0", fileType: 7 },
  F16: { base: "F16", down: "F16", downMore: "F16", attnV: "F16", output: "F16", fileType: 1 },
};

const useMoreBits = (i: number, n: number): boolean => i < n / 8 || i >= (7 * n) / 8 || (i - Math.floor(n / 8)) % 3 === 2;

// Byte offsets of the f16 scale fields in one block: random bytes there could be NaN or huge.
const SCALE_FIELDS: Partial<Record<GgmlTypeName, number[]>> = {
  Q4_0: [0],
  Q8_0: [0],
  Q2_K: [80, 82],
  Q3_K: [108],
  Q4_K: [0, 2],
  Q5_K: [0, 2],
  Q6_K: [208],
};

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Random but finite, roughly zero-mean encoded data for `elements` values of `type`. */
function randomBlocks(type: GgmlTypeName, elements: number, seed: number): Uint8Array {
  const next = xorshift(seed);
  const bytes = new Uint8Array(ggmlTensorBytes(type, elements));
  if (type === "F16") {
    const view = Buffer.from(bytes.buffer);
    for (let i = 0; i < elements; i++) view.writeUInt16LE(f32ToF16Bits(((next() & 0xffff) / 0x8000 - 1) * 0.05), i * 2);
    return bytes;
  }
  const words = new Uint32Array(bytes.buffer, 0, Math.floor(bytes.length / 4));
  for (let i = 0; i < words.length; i++) words[i] = next();
  const fields = SCALE_FIELDS[type];
  if (!fields) throw new RangeError(`no random block layout for ${type}`);
  const scale = f32ToF16Bits(0.002);
  const size = GGML_TYPES[type].typeSize;
  for (let o = 0; o < bytes.length; o += size)
    for (const f of fields) {
      bytes[o + f] = scale & 0xff;
      bytes[o + f + 1] = scale >> 8;
    }
  return bytes;
}

export function sparseMixtralGguf(options: SparseMixtralOptions = {}): { metadata: Record<string, GgufValue>; tensors: GgufTensorSpec[] } {
  const quantization = options.quantization ?? "Q4_K_M";
  const plan = PLANS[quantization];
  const layers = options.layers ?? MIXTRAL_8X7B.layers;
  const seed = options.seed ?? 1;
  const { embeddingLength: E, feedForwardLength: F, kvHeads, headSize, expertCount: X, vocabSize: V } = MIXTRAL_8X7B;
  const next = xorshift(seed ^ 0x5bd1e995);
  const gaussianish = (n: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (next() >>> 0) / 0x80000000 - 1 + ((next() >>> 0) / 0x80000000 - 1);
    return out;
  };
  const ones = new Float32Array(E).fill(1);

  const tensors: GgufTensorSpec[] = [
    {
      name: "token_embd.weight",
      dims: [E, V],
      type: plan.base,
      data: options.randomEmbeddings ? () => randomBlocks(plan.base, E * V, seed) : undefined,
    },
  ];
  for (let l = 0; l < layers; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      { name: `${p}attn_norm.weight`, dims: [E], type: "F32", data: ones },
      { name: `${p}attn_q.weight`, dims: [E, E], type: plan.base },
      { name: `${p}attn_k.weight`, dims: [E, kvHeads * headSize], type: plan.base },
      { name: `${p}attn_v.weight`, dims: [E, kvHeads * headSize], type: plan.attnV },
      { name: `${p}attn_output.weight`, dims: [E, E], type: plan.base },
      // Random router: a zero router sends every token to the same two experts.
      { name: `${p}ffn_gate_inp.weight`, dims: [E, X], type: "F32", data: gaussianish(E * X) },
      { name: `${p}ffn_norm.weight`, dims: [E], type: "F32", data: ones },
      { name: `${p}ffn_gate_exps.weight`, dims: [E, F, X], type: plan.base },
      { name: `${p}ffn_down_exps.weight`, dims: [F, E, X], type: useMoreBits(l, layers) ? plan.downMore : plan.down },
      { name: `${p}ffn_up_exps.weight`, dims: [E, F, X], type: plan.base },
    );
  }
  tensors.push(
    { name: "output_norm.weight", dims: [E], type: "F32", data: ones },
    { name: "output.weight", dims: [E, V], type: plan.output },
  );

  // The tiny vocabulary padded to Mixtral's 32,000 with unused entries: tokenizing works, ids match in range.
  const vocab = buildTinyVocab();
  const tokens = [...vocab.tokens],
    scores = [...vocab.scores],
    types = [...vocab.tokenTypes];
  for (let i = tokens.length; i < V; i++) {
    tokens.push(`<unused${i}>`);
    scores.push(-1e6);
    types.push(TokenType.unused);
  }

  const metadata: Record<string, GgufValue> = {
    "general.architecture": gv.str("llama"),
    "general.name": gv.str(`mixtral-8x7b-shaped-sparse-${quantization}`),
    "general.file_type": gv.u32(plan.fileType),
    "general.quantization_version": gv.u32(2),
    "llama.context_length": gv.u32(MIXTRAL_8X7B.contextLength),
    "llama.embedding_length": gv.u32(E),
    "llama.block_count": gv.u32(layers),
    "llama.feed_forward_length": gv.u32(F),
    "llama.attention.head_count": gv.u32(MIXTRAL_8X7B.heads),
    "llama.attention.head_count_kv": gv.u32(kvHeads),
    "llama.attention.layer_norm_rms_epsilon": gv.f32(1e-5),
    "llama.rope.dimension_count": gv.u32(headSize),
    "llama.rope.freq_base": gv.f32(1e6),
    "llama.expert_count": gv.u32(X),
    "llama.expert_used_count": gv.u32(MIXTRAL_8X7B.expertUsedCount),
    "llama.vocab_size": gv.u32(V),
    ...spmTokenizerMetadata(tokens, scores, types),
  };
  return { metadata, tensors };
}

/** Write a sparse full-size Mixtral-shaped GGUF (apparent size ~26 GB at Q4_K_M, a few MB on disk). */
export async function writeSparseMixtral(filePath: string, options: SparseMixtralOptions = {}): Promise<GgufLayout> {
  const { metadata, tensors } = sparseMixtralGguf(options);
  return writeGguf(filePath, { metadata, tensors });
}
