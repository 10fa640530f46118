// A LoRA adapter (GGUF, llama.cpp's adapter format) for the tiny Mixtral test model: low-rank
// deltas on the output projection and every layer's attn_q, large enough to change greedy output.
// Cached under .cache/models/ beside the tiny model.
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import * as path from "node:path";
import { gv } from "../../src/core/gguf/ggufBytes";
import { writeGguf, type GgufTensorSpec } from "../../src/core/gguf/ggufWriter";
import { tinyMixtralShape } from "../../src/core/gguf/tinyMixtral";
import { repoRoot } from "./tinyModel";

export const TINY_LORA_VERSION = 1;
const RANK = 4;

function gaussian(seed: number): (n: number, std: number) => Float32Array {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (n, std) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform()) * std;
    return out;
  };
}

export function tinyLoraPath(): string {
  return path.join(repoRoot(), ".cache", "models", `tiny-mixtral-lora-v${TINY_LORA_VERSION}.gguf`);
}

/** Path of the cached adapter, writing it first if needed. */
export async function ensureTinyLora(): Promise<string> {
  const target = tinyLoraPath();
  if (existsSync(target)) return target;
  const shape = tinyMixtralShape();
  const E = shape.embeddingLength;
  const rand = gaussian(7);
  // lora_a {n_in, r}, lora_b {r, n_out}: delta W = B·A · alpha / r.
  const pair = (name: string, nIn: number, nOut: number, std: number): GgufTensorSpec[] => [
    { name: `${name}.lora_a`, dims: [nIn, RANK], type: "F32", data: rand(nIn * RANK, std) },
    { name: `${name}.lora_b`, dims: [RANK, nOut], type: "F32", data: rand(RANK * nOut, std) },
  ];
  const tensors: GgufTensorSpec[] = [];
  for (let l = 0; l < shape.layers; l++) tensors.push(...pair(`blk.${l}.attn_q.weight`, E, E, 0.5));
  tensors.push(...pair("output.weight", E, shape.vocabSize, 1));
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeGguf(temp, {
      metadata: {
        "general.architecture": gv.str("llama"),
        "general.type": gv.str("adapter"),
        "general.name": gv.str("tiny-mixtral-lora"),
        "adapter.type": gv.str("lora"),
        "adapter.lora.alpha": gv.f32(RANK),
      },
      tensors,
    });
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return target;
}
