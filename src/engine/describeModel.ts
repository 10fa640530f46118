// Words and numbers about the loaded model for the UI: its MoE shape, quantization, backend, GPU.
import * as path from "node:path";
import type { GgufFileInfo, GgufInsights, Llama, LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import { ggmlTypeByCode, LLAMA_FILE_TYPE_NAMES } from "../core/gguf/ggufTypes";
import type { ModelInfo } from "../shared/engineProtocol";

export interface MoeShape {
  architecture: string;
  expertCount: number;
  expertUsedCount: number;
  trainContextSize?: number;
}

export function moeShape(fileInfo: GgufFileInfo): MoeShape {
  const arch = fileInfo.architectureMetadata as { expert_count?: unknown; expert_used_count?: unknown; context_length?: unknown };
  const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : 0);
  return {
    architecture: String(fileInfo.metadata.general?.architecture ?? "unknown"),
    expertCount: num(arch.expert_count),
    expertUsedCount: num(arch.expert_used_count),
    trainContextSize: num(arch.context_length) || undefined,
  };
}

export function quantizationName(fileInfo: GgufFileInfo, insights: GgufInsights): string {
  const fileType = fileInfo.metadata.general?.file_type;
  if (typeof fileType === "number" && LLAMA_FILE_TYPE_NAMES[fileType]) return LLAMA_FILE_TYPE_NAMES[fileType];
  const dominant = insights.dominantTensorType;
  return (dominant !== undefined && ggmlTypeByCode(dominant)?.name) || "unknown";
}

export function describeMoe(expertCount: number, used: number, architecture: string): string {
  return expertCount > 0
    ? `Mixture of Experts: ${expertCount} experts, ${used} active per token`
    : `Dense ${architecture} model (no experts)`;
}

export interface DescribeInput {
  modelPath: string;
  sizeBytes: number;
  fileInfo: GgufFileInfo;
  insights: GgufInsights;
  llama: Llama;
  model: LlamaModel;
  expertUsedCount: number;
  contextSize: number;
  completionContextSize: number;
  notices: string[];
  loadMs: number;
}

export async function describeModel(input: DescribeInput): Promise<ModelInfo> {
  const { fileInfo, insights, llama, model } = input;
  const shape = moeShape(fileInfo);
  const backend = llama.gpu === false ? "cpu" : llama.gpu;
  let gpu: Pick<ModelInfo, "gpuName" | "vramTotalBytes" | "vramFreeBytes"> = {};
  if (llama.gpu !== false) {
    const [names, vram] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState()]);
    gpu = { gpuName: names.join(", ") || undefined, vramTotalBytes: vram.total, vramFreeBytes: vram.free };
  }
  const tokenText = (id: (typeof model.tokens)["bos"]): string | undefined => (id == null ? undefined : model.detokenize([id], true));
  const name = fileInfo.metadata.general?.name;
  const template = (fileInfo.metadata as { tokenizer?: { chat_template?: unknown } }).tokenizer?.chat_template;
  return {
    path: input.modelPath,
    fileName: path.basename(input.modelPath),
    sizeBytes: input.sizeBytes,
    architecture: shape.architecture,
    name: typeof name === "string" ? name : undefined,
    expertCount: shape.expertCount,
    expertUsedCount: input.expertUsedCount,
    trainContextSize: model.trainContextSize,
    contextSize: input.contextSize,
    completionContextSize: input.completionContextSize,
    quantization: quantizationName(fileInfo, insights),
    layerCount: insights.totalLayers,
    gpuLayers: model.gpuLayers,
    backend,
    ...gpu,
    chatTemplate: typeof template === "string" ? template : undefined,
    bosToken: tokenText(model.tokens.bos),
    eosToken: tokenText(model.tokens.eos),
    description: describeMoe(shape.expertCount, input.expertUsedCount, shape.architecture),
    notices: input.notices,
    loadMs: input.loadMs,
  };
}
