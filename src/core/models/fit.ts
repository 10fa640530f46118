// Does a quantization level fit this machine, with which GPU-layer split, and how fast can it
// decode at best? A pure estimator from GGUF header numbers (the model's shape) and the file size;
// the engine process refines it with node-llama-cpp's GgufInsights at load time. This one runs in
// the extension host and the CLI, where native code must not load, to fill the picker.
//
// Memory of a loaded model, as llama.cpp lays it out:
//   weights   the file's tensors; token_embd stays on the CPU, each of the `blockCount` repeating
//             layers goes to the GPU whole, and "layer blockCount+1" is the output head.
//   KV cache  F16: 2 × kvHeads × headDim × 2 bytes per token per layer (128 KiB/token for Mixtral),
//             on the device of its layer.
//   compute   the graph's scratch buffer per device: logits + activations for one 512-token batch,
//             plus the attention scores without flash attention.
//   repack    on AVX2 CPUs llama.cpp copies Q4_0/Q4_K tensors of CPU layers into a second,
//             interleaved buffer (measured: Q2_K Mixtral 16.5 GB mapped + 9.6 GB repacked).
import { QUANT_LEVELS, type QuantLevel, type QuantLevelId } from "./catalog";

export interface ModelShape {
  blockCount: number;
  embeddingLength: number;
  feedForwardLength: number;
  expertCount: number;
  expertUsedCount: number;
  headCount: number;
  headCountKv: number;
  vocabSize: number;
}

export const MIXTRAL_8X7B_SHAPE: ModelShape = {
  blockCount: 32,
  embeddingLength: 4096,
  feedForwardLength: 14336,
  expertCount: 8,
  expertUsedCount: 2,
  headCount: 32,
  headCountKv: 8,
  vocabSize: 32000,
};

export interface GpuInfo {
  name: string;
  backend: "cuda" | "metal" | "vulkan";
  vramTotalBytes: number;
  /** Apple silicon: VRAM and RAM are one pool; the GPU share is what node-llama-cpp reports. */
  unifiedMemory?: boolean;
  /** Bytes/s; default from `knownGpuBandwidth(name)`. */
  bandwidthBytesPerSec?: number;
}

export interface MachineInfo {
  totalRamBytes: number;
  gpu?: GpuInfo;
  /** K-quant repack applies (x86 with AVX2). Default false. */
  cpuHasAvx2?: boolean;
  /** Q2_K tensors are repacked too (llama.cpp repacks Q2_K only with AVX-512). Default false. */
  cpuHasAvx512?: boolean;
  /** Measured or assumed RAM bandwidth in bytes/s, for the speed ceiling. */
  ramBandwidthBytesPerSec?: number;
}

export interface FitOptions {
  /** Tokens; default 8192 (the setting's default). */
  contextSize?: number;
  /** "auto" (most layers that fit), "max" (all) or a number; default "auto". */
  gpuLayers?: "auto" | "max" | number;
  /** Default true where the backend supports it (smaller compute buffer at long contexts). */
  flashAttention?: boolean;
  /** Fraction of each memory kept free; default 0.10 (the issue's "at least 10 % headroom"). */
  headroom?: number;
  /** Experts per token (speed only); default the shape's. */
  expertsPerToken?: number;
}

export interface MemoryEstimate {
  level: QuantLevelId;
  fileBytes: number;
  gpuLayers: number;
  /** blockCount + 1 (the output head counts as a layer, as in llama.cpp's n_gpu_layers). */
  totalLayers: number;
  vramBytes: number;
  ramBytes: number;
  kvBytes: number;
  repackBytes: number;
  fits: boolean;
  /** Why not, in words with the numbers; empty when it fits. */
  reason: string;
  /** Bytes of weights one decoded token reads (only the active experts). */
  bytesPerToken: number;
  /** Bandwidth-bound decode ceiling, tokens/s; undefined when a bandwidth is unknown. */
  decodeCeilingTokPerSec?: number;
}

export const GB = 1e9;
/** Below this, auto never goes (the issue: "never below ~3 bits per weight automatically"). */
export const MIN_AUTO_BITS_PER_WEIGHT = 3;
const UBATCH = 512;
/** Graph overhead beyond logits and attention scores, measured by llama.cpp's compute-buffer print
 *  for 7B-class widths at ubatch 512 (a few hundred MiB); kept generous. */
const COMPUTE_BASE_BYTES = 256 * 1024 ** 2;

function shapeParams(s: ModelShape) {
  const headDim = s.embeddingLength / s.headCount;
  const expert = s.blockCount * s.expertCount * 3 * s.embeddingLength * s.feedForwardLength;
  const attention = s.blockCount * (2 * s.embeddingLength * s.embeddingLength + 2 * s.embeddingLength * s.headCountKv * headDim);
  const embedding = s.vocabSize * s.embeddingLength;
  return { headDim, expert, attention, embedding, total: expert + attention + 2 * embedding };
}

/** KV cache bytes per token per layer at F16 (K and V). */
export function kvBytesPerTokenPerLayer(s: ModelShape): number {
  return 2 * s.headCountKv * (s.embeddingLength / s.headCount) * 2;
}

export function computeBufferBytes(s: ModelShape, contextSize: number, flashAttention: boolean): number {
  const logits = UBATCH * s.vocabSize * 4;
  const scores = flashAttention ? 0 : s.headCount * contextSize * UBATCH * 4;
  return COMPUTE_BASE_BYTES + logits + scores;
}

/** Bytes of weights a decoded token reads: attention, router and output, plus `used` of the
 *  experts (Mixtral Q4_K_M: ~7.8 of 28.4 GB, because 2 of 8 experts run). */
export function bytesPerToken(s: ModelShape, fileBytes: number, expertsPerToken = s.expertUsedCount): number {
  const p = shapeParams(s);
  const active = p.attention + p.embedding + (p.expert * expertsPerToken) / s.expertCount;
  return fileBytes * (active / p.total);
}

/** Memory bandwidth of common GPUs (vendor spec sheets), bytes/s; undefined when unknown. */
export function knownGpuBandwidth(name: string): number | undefined {
  const table: [RegExp, number][] = [
    [/H200/i, 4.8e12],
    [/H100.*(PCIe|NVL)/i, 2.0e12],
    [/H100/i, 3.35e12],
    [/A100.*80/i, 2.0e12],
    [/A100/i, 1.555e12],
    [/L40S?/i, 0.864e12],
    [/A10\b/i, 0.6e12],
    [/T4\b/i, 0.32e12],
    [/RTX 5090/i, 1.79e12],
    [/RTX 4090/i, 1.008e12],
    [/RTX 4080/i, 0.717e12],
    [/RTX 3090/i, 0.936e12],
    [/RTX 3080/i, 0.76e12],
    [/RX 7900 XTX/i, 0.96e12],
    [/M[1-4] Ultra/i, 0.8e12],
    [/M[1-4] Max/i, 0.4e12],
    [/M[1-4] Pro/i, 0.2e12],
    [/Apple M[1-4]/i, 0.1e12],
  ];
  return table.find(([re]) => re.test(name))?.[1];
}

/** Estimates one level on one machine. The size may be a real file's (pass `fileBytes`). */
export function estimateLevel(
  level: QuantLevel,
  machine: MachineInfo,
  options: FitOptions = {},
  shape: ModelShape = MIXTRAL_8X7B_SHAPE,
  fileBytes = level.sizeBytes,
): MemoryEstimate {
  const ctx = options.contextSize ?? 8192;
  const fa = options.flashAttention ?? true;
  const headroom = options.headroom ?? 0.1;
  const totalLayers = shape.blockCount + 1;
  const p = shapeParams(shape);
  // The file's bytes split by parameter share: embeddings (input and output head) and layers.
  const embeddingBytes = fileBytes * (p.embedding / p.total);
  const layerBytes = (fileBytes - 2 * embeddingBytes) / shape.blockCount;
  const kvLayer = ctx * kvBytesPerTokenPerLayer(shape);
  const compute = computeBufferBytes(shape, ctx, fa);
  const gpu = machine.gpu;
  const vramBudget = gpu ? gpu.vramTotalBytes * (1 - headroom) : 0;
  const ramBudget = machine.totalRamBytes * (1 - headroom);

  const split = (g: number) => {
    const gpuBlocks = Math.min(g, shape.blockCount);
    const cpuBlocks = shape.blockCount - gpuBlocks;
    const outputOnGpu = g > shape.blockCount;
    const vram = g > 0 ? gpuBlocks * (layerBytes + kvLayer) + (outputOnGpu ? embeddingBytes : 0) + compute : 0;
    const cpuWeights = cpuBlocks * layerBytes + embeddingBytes + (outputOnGpu ? 0 : embeddingBytes);
    // Q2_K's measured fraction was on an AVX-512 CPU; with AVX2 alone only its Q4_K share (~10 %) is repacked.
    const fraction = level.id === "Q2_K" && !machine.cpuHasAvx512 ? 0.1 : level.cpuRepackFraction;
    const repack = machine.cpuHasAvx2 ? cpuBlocks * layerBytes * fraction : 0;
    const ram = cpuWeights + repack + cpuBlocks * kvLayer + (g === 0 ? compute : compute / 4);
    return { vram, ram, repack, kv: shape.blockCount * kvLayer };
  };

  let g: number;
  if (!gpu) g = 0;
  else if (options.gpuLayers === "max") g = totalLayers;
  else if (typeof options.gpuLayers === "number") g = Math.max(0, Math.min(totalLayers, Math.floor(options.gpuLayers)));
  else {
    g = totalLayers;
    while (g > 0 && split(g).vram > vramBudget) g--;
  }
  const s = split(g);
  // Unified memory: the GPU's share is part of RAM, so both must fit one pool.
  const ramNeed = gpu?.unifiedMemory ? s.ram + s.vram : s.ram;
  let reason = "";
  if (gpu && s.vram > vramBudget)
    reason = `needs ${fmtGB(s.vram)} of VRAM for ${g} layers, ${fmtGB(gpu.vramTotalBytes)} on ${gpu.name} (10 % kept free)`;
  else if (ramNeed > ramBudget)
    reason = `needs ${fmtGB(ramNeed)} of RAM${s.repack > 0 ? ` (incl. ${fmtGB(s.repack)} repacked by the CPU backend)` : ""}, ${fmtGB(machine.totalRamBytes)} installed (10 % kept free)`;

  const bpt = bytesPerToken(shape, fileBytes, options.expertsPerToken ?? shape.expertUsedCount);
  const gpuShare =
    g === 0 ? 0 : (Math.min(g, shape.blockCount) * layerBytes + (g > shape.blockCount ? embeddingBytes : 0)) / (fileBytes - embeddingBytes);
  const gpuBw = gpu ? (gpu.bandwidthBytesPerSec ?? knownGpuBandwidth(gpu.name)) : undefined;
  const ramBw = machine.ramBandwidthBytesPerSec;
  let ceiling: number | undefined;
  const needGpu = gpuShare > 0,
    needCpu = gpuShare < 1;
  if ((!needGpu || gpuBw) && (!needCpu || ramBw)) {
    const seconds = (needGpu ? (bpt * gpuShare) / gpuBw! : 0) + (needCpu ? (bpt * (1 - gpuShare)) / ramBw! : 0);
    ceiling = seconds > 0 ? 1 / seconds : undefined;
  }
  return {
    level: level.id,
    fileBytes,
    gpuLayers: g,
    totalLayers,
    vramBytes: s.vram,
    ramBytes: ramNeed,
    kvBytes: s.kv,
    repackBytes: s.repack,
    fits: reason === "",
    reason,
    bytesPerToken: bpt,
    decodeCeilingTokPerSec: ceiling,
  };
}

export function estimateAll(machine: MachineInfo, options: FitOptions = {}): MemoryEstimate[] {
  return QUANT_LEVELS.map((l) => estimateLevel(l, machine, options));
}

export interface AutoChoice {
  level?: QuantLevel;
  estimate?: MemoryEstimate;
  /** Why nothing was chosen (every level ≥ 3 bits/weight is too big), with the smallest's numbers. */
  reason: string;
}

/** The best level (most bits per weight) that fits with headroom, never below ~3 bits/weight. */
export function chooseAutoQuantization(machine: MachineInfo, options: FitOptions = {}): AutoChoice {
  const candidates = QUANT_LEVELS.filter((l) => l.bitsPerWeight >= MIN_AUTO_BITS_PER_WEIGHT).sort(
    (a, b) => b.bitsPerWeight - a.bitsPerWeight,
  );
  for (const l of candidates) {
    const e = estimateLevel(l, machine, options);
    if (e.fits)
      return {
        level: l,
        estimate: e,
        reason: `${l.id} is the best level that fits (${fmtGB(e.ramBytes)} RAM${e.gpuLayers ? `, ${fmtGB(e.vramBytes)} VRAM, ${e.gpuLayers}/${e.totalLayers} layers on the GPU` : ""})`,
      };
  }
  const smallest = estimateLevel(candidates[candidates.length - 1], machine, options);
  return {
    reason: `no level of 3 bits per weight or more fits: the smallest, ${smallest.level}, ${smallest.reason}. Pick Q2_K explicitly, lower mixtral.contextSize, or use a machine with more memory.`,
  };
}

export function fmtGB(bytes: number): string {
  return `${(bytes / GB).toFixed(1)} GB`;
}
