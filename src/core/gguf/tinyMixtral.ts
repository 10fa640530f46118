// Deterministic generator of a tiny GGUF with Mixtral's architecture (llama + 8 merged experts,
// 2 active, grouped KV heads, SPM vocab, Mixtral's chat template). A few MB; loads in ~50 ms.
// Weights are zero-mean Gaussian: a positive bias makes a random model repeat one token forever.
import { buildTinyVocab, spmTokenizerMetadata } from "./tinyVocab";
import { gv, type GgufValue } from "./ggufBytes";
import { writeGguf, type GgufLayout, type GgufTensorSpec } from "./ggufWriter";
import type { GgmlTypeName } from "./ggufTypes";

/** "q4_k" (all weights Q4_K, 256 wide) exercises llama.cpp's K-quant repacking on AVX2 CPUs. */
export type TinyMixtralVariant = "f16" | "q8_0" | "q4_k";

export interface TinyMixtralOptions {
  /** Default "q8_0". */
  readonly variant?: TinyMixtralVariant;
  /** PRNG seed; the same seed and options give byte-identical files. Default 1. */
  readonly seed?: number;
  /** Transformer blocks. Default 2. */
  readonly layers?: number;
  /** Hidden size, a multiple of the block (32; 256 for q4_k) and of `heads`. Default 128 (256 for q4_k). */
  readonly embeddingLength?: number;
  /** Per-expert FFN size, a multiple of the block. Default 256. */
  readonly feedForwardLength?: number;
  /** Default 4 query heads, 2 KV heads (grouped-query attention like Mixtral's 32/8). */
  readonly heads?: number;
  readonly kvHeads?: number;
  /** Default 8 experts, 2 used per token (Mixtral's). */
  readonly expertCount?: number;
  readonly expertUsedCount?: number;
  /** `llama.context_length`. Default 4096. */
  readonly contextLength?: number;
  /** Default "tiny-mixtral-<variant>". */
  readonly name?: string;
  /** `tokenizer.chat_template`. Default Mixtral's. */
  readonly chatTemplate?: string;
}

/** The values written as `llama.*` metadata, for tests that want to compare. */
export interface TinyMixtralShape {
  readonly variant: TinyMixtralVariant;
  readonly layers: number;
  readonly embeddingLength: number;
  readonly feedForwardLength: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headSize: number;
  readonly expertCount: number;
  readonly expertUsedCount: number;
  readonly contextLength: number;
  readonly vocabSize: number;
}

/** mulberry32 + Box–Muller: tiny, fast, and the same on every platform. */
function gaussianSource(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = uniform() || 1e-12,
      v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export function tinyMixtralShape(options: TinyMixtralOptions = {}): TinyMixtralShape {
  const variant = options.variant ?? "q8_0";
  const block = variant === "q4_k" ? 256 : 32;
  const embeddingLength = options.embeddingLength ?? (variant === "q4_k" ? 256 : 128);
  const heads = options.heads ?? 4;
  const shape = {
    variant,
    layers: options.layers ?? 2,
    embeddingLength,
    feedForwardLength: options.feedForwardLength ?? 256,
    heads,
    kvHeads: options.kvHeads ?? 2,
    headSize: embeddingLength / heads,
    expertCount: options.expertCount ?? 8,
    expertUsedCount: options.expertUsedCount ?? 2,
    contextLength: options.contextLength ?? 4096,
    vocabSize: buildTinyVocab().tokens.length,
  } satisfies TinyMixtralShape;
  if (!Number.isInteger(shape.headSize) || heads % shape.kvHeads !== 0) {
    throw new RangeError("embeddingLength must be a multiple of heads, and heads a multiple of kvHeads");
  }
  if (embeddingLength % block !== 0 || shape.feedForwardLength % block !== 0) {
    throw new RangeError(`embeddingLength and feedForwardLength must be multiples of ${block} for ${variant}`);
  }
  return shape;
}

/** Metadata and tensors of the tiny model (not yet written). */
export function tinyMixtralGguf(options: TinyMixtralOptions = {}): {
  shape: TinyMixtralShape;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensorSpec[];
} {
  const shape = tinyMixtralShape(options);
  const vocab = buildTinyVocab();
  const { layers, embeddingLength: E, feedForwardLength: F, headSize, kvHeads, expertCount: X } = shape;
  const quant: GgmlTypeName = shape.variant === "f16" ? "F16" : shape.variant === "q4_k" ? "Q4_K" : "Q8_0";
  const normal = gaussianSource(options.seed ?? 1);
  // Generated eagerly in file order so the random stream, hence the file, depends only on options.
  const gaussian = (n: number, std: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = normal() * std;
    return out;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const V = vocab.tokens.length;

  const tensors: GgufTensorSpec[] = [];
  const add = (name: string, dims: number[], type: GgmlTypeName, data: Float32Array): void => {
    tensors.push({ name, dims, type, data });
  };
  add("token_embd.weight", [E, V], quant, gaussian(E * V, 1));
  for (let l = 0; l < layers; l++) {
    const p = `blk.${l}.`;
    add(`${p}attn_norm.weight`, [E], "F32", ones(E));
    add(`${p}attn_q.weight`, [E, E], quant, gaussian(E * E, 1 / Math.sqrt(E)));
    add(`${p}attn_k.weight`, [E, kvHeads * headSize], quant, gaussian(E * kvHeads * headSize, 1 / Math.sqrt(E)));
    add(`${p}attn_v.weight`, [E, kvHeads * headSize], quant, gaussian(E * kvHeads * headSize, 1 / Math.sqrt(E)));
    add(`${p}attn_output.weight`, [E, E], quant, gaussian(E * E, 1 / Math.sqrt(E)));
    // The router stays F32 (as in the published Mixtral GGUFs) and is random so tokens spread
    // over all experts rather than always picking the same two.
    add(`${p}ffn_gate_inp.weight`, [E, X], "F32", gaussian(E * X, 1));
    add(`${p}ffn_norm.weight`, [E], "F32", ones(E));
    add(`${p}ffn_gate_exps.weight`, [E, F, X], quant, gaussian(E * F * X, 1 / Math.sqrt(E)));
    add(`${p}ffn_down_exps.weight`, [F, E, X], quant, gaussian(F * E * X, 1 / Math.sqrt(F)));
    add(`${p}ffn_up_exps.weight`, [E, F, X], quant, gaussian(E * F * X, 1 / Math.sqrt(E)));
  }
  add("output_norm.weight", [E], "F32", ones(E));
  // Rows of suppressed tokens are zero, so their logit is 0 while the best real piece's is well
  // above: greedy decoding never picks control tokens, EOS or lone non-ASCII bytes.
  const output = gaussian(E * V, 3 / Math.sqrt(E));
  for (const id of vocab.suppressed) output.fill(0, id * E, (id + 1) * E);
  add("output.weight", [E, V], quant, output);

  const metadata: Record<string, GgufValue> = {
    "general.architecture": gv.str("llama"),
    "general.name": gv.str(options.name ?? `tiny-mixtral-${shape.variant}`),
    "general.file_type": gv.u32(shape.variant === "f16" ? 1 : shape.variant === "q4_k" ? 14 : 7), // F16, Q4_K_S, Q8_0
    "general.quantization_version": gv.u32(2),
    "general.alignment": gv.u32(32),
    "llama.context_length": gv.u32(shape.contextLength),
    "llama.embedding_length": gv.u32(E),
    "llama.block_count": gv.u32(layers),
    "llama.feed_forward_length": gv.u32(F),
    "llama.attention.head_count": gv.u32(shape.heads),
    "llama.attention.head_count_kv": gv.u32(kvHeads),
    "llama.attention.layer_norm_rms_epsilon": gv.f32(1e-5),
    "llama.rope.dimension_count": gv.u32(headSize),
    "llama.rope.freq_base": gv.f32(1e6),
    "llama.expert_count": gv.u32(X),
    "llama.expert_used_count": gv.u32(shape.expertUsedCount),
    "llama.vocab_size": gv.u32(V),
    ...spmTokenizerMetadata(vocab.tokens, vocab.scores, vocab.tokenTypes),
  };
  if (options.chatTemplate !== undefined) metadata["tokenizer.chat_template"] = gv.str(options.chatTemplate);
  return { shape, metadata, tensors };
}

/** Write the tiny Mixtral-architecture GGUF to `filePath` (overwrites). */
export async function writeTinyMixtral(
  filePath: string,
  options: TinyMixtralOptions = {},
): Promise<GgufLayout & { shape: TinyMixtralShape }> {
  const { shape, metadata, tensors } = tinyMixtralGguf(options);
  const layout = await writeGguf(filePath, { metadata, tensors });
  return { ...layout, shape };
}
