// Will the model fit? GgufInsights' estimates plus what they leave out: on x86 CPUs with AVX2
// llama.cpp repacks some quantized weights into a second buffer (Q2_K Mixtral: 16.5 GB mapped +
// 9.6 GB repacked, measured) and node-llama-cpp itself happily starts loading a 28 GB file on a
// 24 GB machine. We refuse before that with a message naming the need and the way out.
import * as os from "node:os";
import type { GgufFileInfo, GgufInsights, Llama } from "node-llama-cpp" with { "resolution-mode": "import" };
import { hasAvx2, readCpuinfo } from "../core/cpuinfo";
import { ggmlTypeByCode, type GgmlTypeName } from "../core/gguf/ggufTypes";
import { EngineFailure } from "./engineIpc";

export interface FitRequest {
  gpuLayers: number;
  useMmap: boolean;
  flashAttention: boolean;
  /** One entry per context the engine creates (chat, completion). */
  contextSizes: number[];
}

export interface FitEstimate {
  ramBytes: number;
  vramBytes: number;
  modelRamBytes: number;
  repackBytes: number;
  contextRamBytes: number;
}

/** Types llama.cpp (80fb11a, ggml-cpu/repack.cpp) repacks on this CPU. */
function repackedTypes(): Set<GgmlTypeName> {
  if (process.arch === "arm64") return new Set(["Q4_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "MXFP4", "Q8_0"]);
  if (process.arch !== "x64") return new Set();
  const flags = readCpuinfo()?.flags ?? new Set<string>();
  const types = new Set<GgmlTypeName>();
  if (hasAvx2(flags)) for (const t of ["Q4_0", "Q4_K", "IQ4_NL", "MXFP4"] as const) types.add(t);
  if (flags.has("avx512f")) types.add("Q2_K");
  return types;
}

/** Bytes of the second (repacked) copy of the weights of layers left on the CPU. */
export function estimateRepackBytes(fileInfo: GgufFileInfo, gpuLayers: number, blockCount: number): number {
  const types = repackedTypes();
  if (types.size === 0) return 0;
  // llama.cpp offloads the last `gpuLayers` blocks (and the output layer once all blocks are in).
  const firstGpuBlock = blockCount - Math.min(gpuLayers, blockCount);
  let bytes = 0;
  for (const tensor of fileInfo.fullTensorInfo ?? fileInfo.tensorInfo ?? []) {
    const type = ggmlTypeByCode(tensor.ggmlType);
    if (!type || !types.has(type.name) || tensor.dimensions.length < 2) continue;
    // token_embd is read with get_rows, never multiplied, so it is not repacked.
    if (tensor.name.startsWith("token_embd")) continue;
    const block = /^blk\.(\d+)\./.exec(tensor.name);
    const onCpu = block ? Number(block[1]) < firstGpuBlock : gpuLayers <= blockCount;
    if (!onCpu) continue;
    const elements = tensor.dimensions.reduce<number>((a, d) => a * Number(d), 1);
    bytes += (elements / type.info.blockSize) * type.info.typeSize;
  }
  return bytes;
}

export function estimateFit(insights: GgufInsights, llama: Llama, fileInfo: GgufFileInfo, request: FitRequest): FitEstimate {
  const blockCount = Math.max(0, insights.totalLayers - 1);
  // The V1 estimators are plain arithmetic over the tensor table; V2 runs a native simulation.
  const model = insights.estimateModelResourceRequirements({
    gpuLayers: request.gpuLayers,
    useMmap: request.useMmap,
    gpuSupportsMmap: llama.gpuSupportsMmap,
  });
  let contextRam = 0;
  let contextVram = 0;
  for (const contextSize of request.contextSizes) {
    const c = insights.estimateContextResourceRequirements({
      contextSize,
      modelGpuLayers: request.gpuLayers,
      sequences: 1,
      flashAttention: request.flashAttention,
      includeGraphOverhead: true,
    });
    contextRam += c.cpuRam;
    contextVram += c.gpuVram;
  }
  const repack = estimateRepackBytes(fileInfo, request.gpuLayers, blockCount);
  return {
    ramBytes: model.cpuRam + repack + contextRam,
    vramBytes: model.gpuVram + contextVram,
    modelRamBytes: model.cpuRam,
    repackBytes: repack,
    contextRamBytes: contextRam,
  };
}

export const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

/** Throws insufficientMemory when the estimate does not fit what the machine has free now. */
export function assertFits(estimate: FitEstimate, vram: { free: number; total: number } | undefined, quantization: string): void {
  const free = os.freemem();
  const total = os.totalmem();
  const smaller = smallerQuantizations(quantization);
  const hint =
    (smaller ? `Choose a smaller quantization (${smaller}), ` : "This is already the smallest quantization: choose ") +
    "a smaller mixtral.contextSize, a remote server (mixtral.engine), or load anyway if you know it fits.";
  if (estimate.ramBytes > free) {
    const parts = [`model ${gb(estimate.modelRamBytes)}`];
    if (estimate.repackBytes > 0) parts.push(`CPU repacked weights ${gb(estimate.repackBytes)}`);
    parts.push(`context ${gb(estimate.contextRamBytes)}`);
    throw new EngineFailure(
      "insufficientMemory",
      `This ${quantization} model needs about ${gb(estimate.ramBytes)} of memory (${parts.join(" + ")}); ` +
        `this machine has ${gb(free)} free of ${gb(total)}. ${hint}`,
    );
  }
  if (vram && estimate.vramBytes > vram.free) {
    throw new EngineFailure(
      "insufficientMemory",
      `The GPU layers need about ${gb(estimate.vramBytes)} of GPU memory; the GPU has ${gb(vram.free)} free of ${gb(vram.total)}. ` +
        "Set mixtral.gpuLayers to auto or a smaller number, or choose a smaller quantization.",
    );
  }
}

/** Lighter quantizations worth suggesting, best first ("" when none is lighter). */
function smallerQuantizations(current: string): string {
  const ladder = [
    "F16",
    "BF16",
    "Q8_0",
    "Q6_K",
    "Q5_K_M",
    "Q5_K_S",
    "Q4_K_M",
    "Q4_0",
    "Q4_K_S",
    "IQ4_XS",
    "Q3_K_L",
    "Q3_K_M",
    "IQ3_M",
    "Q3_K_S",
    "Q2_K",
  ];
  const at = ladder.indexOf(current);
  const lighter = (at === -1 ? ["Q4_K_M", "Q3_K_M", "Q2_K"] : ladder.slice(at + 1)).filter((q) => ["Q4_K_M", "Q3_K_M", "Q2_K"].includes(q));
  return lighter.slice(0, 2).join(" or ");
}
