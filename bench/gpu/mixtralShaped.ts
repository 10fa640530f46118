// Writes the Mixtral-8x7B-shaped sparse GGUFs the GPU benchmark runs on (on the GPU machine:
// writing a ~26 GB sparse file takes seconds and ~200 MB of disk). Real hyper-parameters come
// from test/helpers/sparseMixtral.ts, with llama.cpp's exact Q4_K_M / Q3_K_M tensor-type mix for
// 8-expert models applied here; zero weights except: random token embeddings (hidden states
// differ per token, so the random router spreads tokens over all eight experts), random output
// rows for text pieces (greedy output is real text), and files whose expert_used_count is 1 or 3,
// because llama-bench has no option to override it.
import * as path from "node:path";
import { gv, type GgufValue } from "../../src/core/gguf/ggufBytes";
import { layoutGguf, writeGguf, type GgufTensorSpec } from "../../src/core/gguf/ggufWriter";
import { f32ToF16Bits } from "../../src/core/gguf/ggmlQuantize";
import { sparseMixtralGguf, type SparseMixtralQuantization } from "../../test/helpers/sparseMixtral";
import { buildTinyVocab, TokenType } from "../../src/core/gguf/tinyVocab";

export interface ShapedModel {
  readonly file: string;
  readonly quantization: SparseMixtralQuantization;
  readonly expertsUsed: number;
}

const useMoreBits = (i: number, n: number): boolean => i < n / 8 || i >= (7 * n) / 8 || (i - Math.floor(n / 8)) % 3 === 2;

/** llama.cpp's llama_tensor_get_type (src/llama-quant.cpp, commit 80fb11a) for an 8-expert model at
 *  Q4_K_M / Q3_K_M, where sparseMixtral.ts simplifies: attn_k and attn_v are Q8_0 ("trades just
 *  ~128MB"), attn_output Q5_K, and Q3_K_M's ffn_down is Q5_K in the first n/16 layers, else Q4_K. */
function llamaQuantMix(quantization: SparseMixtralQuantization, tensors: GgufTensorSpec[]): GgufTensorSpec[] {
  if (quantization !== "Q4_K_M" && quantization !== "Q3_K_M") return tensors;
  const layers = tensors.filter((t) => t.name.endsWith(".attn_q.weight")).length;
  return tensors.map((t): GgufTensorSpec => {
    const layer = Number(/^blk\.(\d+)\./.exec(t.name)?.[1] ?? -1);
    if (/\.attn_[kv]\.weight$/.test(t.name)) return { ...t, type: "Q8_0" };
    if (t.name.endsWith(".attn_output.weight")) return { ...t, type: "Q5_K" };
    if (t.name.endsWith(".ffn_down_exps.weight")) {
      const type = quantization === "Q4_K_M" ? (useMoreBits(layer, layers) ? "Q6_K" : "Q4_K") : layer < layers / 16 ? "Q5_K" : "Q4_K";
      return { ...t, type };
    }
    return t;
  });
}

/** Random Q6_K rows in `output.weight` for the vocabulary's ordinary text pieces, zero rows for the
 *  rest: greedy decoding then emits real text (one streamed chunk per token, as with a real model)
 *  and never EOS, control, byte or unused tokens. With a zero output every logit ties and the
 *  winner, <unk>, detokenizes to nothing, so no chunk would ever reach the host. */
function randomOutputRows(vocabSize: number, embedding: number): Uint8Array {
  const vocab = buildTinyVocab();
  const blocksPerRow = embedding / 256,
    size = 210,
    scaleAt = 208;
  const bytes = new Uint8Array(vocabSize * blocksPerRow * size);
  let s = 0x2545f491;
  const scale = f32ToF16Bits(0.01);
  for (let id = 0; id < vocab.tokens.length; id++) {
    if (vocab.tokenTypes[id] !== TokenType.normal || vocab.suppressed.has(id)) continue;
    for (let b = 0; b < blocksPerRow; b++) {
      const o = (id * blocksPerRow + b) * size;
      for (let i = 0; i < scaleAt; i++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        bytes[o + i] = s & 0xff;
      }
      bytes[o + scaleAt] = scale & 0xff;
      bytes[o + scaleAt + 1] = scale >> 8;
    }
  }
  return bytes;
}

function shapedGguf(
  quantization: SparseMixtralQuantization,
  randomWeights: boolean,
  layers?: number,
): { metadata: Record<string, GgufValue>; tensors: GgufTensorSpec[] } {
  const { metadata, tensors } = sparseMixtralGguf({ quantization, randomEmbeddings: randomWeights, seed: 7, layers });
  const mixed = llamaQuantMix(quantization, tensors).map((t): GgufTensorSpec =>
    randomWeights && t.name === "output.weight" && t.type === "Q6_K" ? { ...t, data: () => randomOutputRows(t.dims[1], t.dims[0]) } : t,
  );
  return { metadata, tensors: mixed };
}

/** Weight bytes one decoded token must read: every non-expert tensor (one row of token_embd),
 *  plus `expertsUsed` of the 8 experts' slices of each expert tensor. The bandwidth ceiling is
 *  the GPU's memory bandwidth over this. */
export function bytesPerToken(model: ShapedModel): number {
  const { tensors } = shapedGguf(model.quantization, false);
  const layout = layoutGguf({ metadata: {}, tensors });
  let bytes = 0;
  tensors.forEach((t, i) => {
    const b = layout.tensorBytes[i];
    if (t.name === "token_embd.weight") bytes += b / t.dims[1];
    else if (t.name.includes("_exps.")) bytes += (b * model.expertsUsed) / t.dims[2];
    else bytes += b;
  });
  return bytes;
}

/** The files of one benchmark run, in `dir`. */
export function shapedModels(dir: string): ShapedModel[] {
  return [
    { file: path.join(dir, "mixtral-q4km.gguf"), quantization: "Q4_K_M", expertsUsed: 2 },
    { file: path.join(dir, "mixtral-q4km-e1.gguf"), quantization: "Q4_K_M", expertsUsed: 1 },
    { file: path.join(dir, "mixtral-q4km-e3.gguf"), quantization: "Q4_K_M", expertsUsed: 3 },
    { file: path.join(dir, "mixtral-q3km.gguf"), quantization: "Q3_K_M", expertsUsed: 2 },
  ];
}

/** `layers` below 32 only for a quick check of the scripts on a machine without the GPU. */
export async function writeShapedModels(dir: string, layers?: number): Promise<ShapedModel[]> {
  const models = shapedModels(dir);
  for (const m of models) {
    const started = performance.now();
    const { metadata, tensors } = shapedGguf(m.quantization, true, layers);
    metadata["llama.expert_used_count"] = gv.u32(m.expertsUsed);
    const layout = await writeGguf(m.file, { metadata, tensors });
    process.stdout.write(
      `wrote ${m.file}: ${m.quantization}, ${m.expertsUsed} experts/token, ${(layout.totalSize / 2 ** 30).toFixed(2)} GiB apparent, ${(bytesPerToken(m) / 1e9).toFixed(2)} GB read per token, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  return models;
}
