// The load pipeline, in the order that keeps the process alive: a bounded pre-check before any
// native code opens the file, metadata and option validation before llama.cpp sees them (an
// out-of-range expert count is a GGML_ASSERT abort), a memory-fit refusal before loading, then the
// model and its two contexts (chat/commands and inline completion: with one shared context a
// completion waited 9.4 s behind a long chat prompt; with two, 90 ms).
import * as os from "node:os";
import type { GgufFileInfo, GgufInsights, Llama, LlamaContext, LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import type { LoadOptions, ModelInfo } from "../shared/engineProtocol";
import { describeModel, moeShape, quantizationName, type MoeShape } from "./describeModel";
import { EngineFailure, log } from "./engineIpc";
import { GenerationSlot } from "./GenerationSlot";
import { GrammarCache } from "./GrammarCache";
import { checkFile, validateOptions } from "./loadChecks";
import { assertFits, estimateFit } from "./memoryFit";
import { defaultThreads, physicalCores } from "./physicalCores";
import { selectBackend } from "./selectBackend";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

/** Inline-completion prompts are short (prefix + suffix around the cursor); a smaller second
 *  context keeps the extra KV cache small. */
const COMPLETION_CONTEXT_SIZE = 4096;
/** The context is halved down to this size when the memory check fails only because of it. */
const MIN_CONTEXT_SIZE = 2048;

export interface LoadedEngine {
  model: LlamaModel;
  chat: GenerationSlot;
  completion: GenerationSlot;
  info: ModelInfo;
  dispose(): Promise<void>;
}

/** The backend and the sizes decided before the weights load. */
interface LoadPlan {
  llama: Llama;
  fileInfo: GgufFileInfo;
  insights: GgufInsights;
  shape: MoeShape;
  threads: number;
  flashAttention: boolean;
  gpuLayers: number;
  /** Chat context, completion context. */
  contextSizes: [number, number];
}

export async function loadEngineModel(
  lib: NodeLlamaCpp,
  options: LoadOptions,
  onProgress: (fraction: number, message: string) => void,
  /** Frees the current model; called once the new file and options are known to be valid, so a
   *  refused file or option leaves the current model serving. */
  releasePrevious: () => Promise<void>,
): Promise<LoadedEngine> {
  const started = performance.now();
  const notices: string[] = [];
  const sizeBytes = await checkFile(options.modelPath, "model file");
  for (const adapter of options.loraAdapters) await checkFile(adapter.path, "LoRA adapter");
  onProgress(0.01, "reading metadata");
  // Safe only after the pre-check: this reader allocates whatever lengths the file declares.
  const fileInfo = await lib.readGgufFileInfo(options.modelPath, { logWarnings: false });
  const shape = moeShape(fileInfo);
  validateOptions(options, shape.expertCount);
  await releasePrevious();

  const plan = await planLoad(lib, options, fileInfo, shape, notices, onProgress);
  const model = await loadWeights(lib, options, plan, onProgress);
  const [chatContext, completionContext] = await createContexts(lib, model, options, plan, onProgress);
  const deps = { lib, model, grammars: new GrammarCache(plan.llama) };
  // Speculative decoding on the chat slot (chat and commands: answers that copy their input); not
  // on the completion slot (BENCHMARKS.md: short answers, and it did not pay there).
  const chat = new GenerationSlot({ name: "chat", context: chatContext, supersede: false, speculative: true }, deps);
  const completion = new GenerationSlot({ name: "completion", context: completionContext, supersede: true, speculative: false }, deps);
  const [contextSize, completionContextSize] = plan.contextSizes;
  const info = await describeModel({
    modelPath: options.modelPath,
    sizeBytes,
    fileInfo,
    insights: plan.insights,
    llama: plan.llama,
    model,
    expertUsedCount: options.expertsPerToken ?? shape.expertUsedCount,
    contextSize,
    completionContextSize,
    notices,
    loadMs: performance.now() - started,
  });
  log(
    "info",
    `loaded ${info.fileName}: ${info.description}, ${info.quantization}, ${info.backend}, ${plan.gpuLayers}/${info.layerCount} layers on GPU, context ${contextSize}+${completionContextSize}, ${plan.threads} threads`,
  );
  return {
    model,
    chat,
    completion,
    info,
    async dispose() {
      // Abort, wait, then dispose: disposing a sequence mid-generation kills the process.
      await Promise.all([chat.dispose(), completion.dispose()]);
      await model.dispose();
    },
  };
}

/** Threads, backend, GPU layers and context sizes, each with its notice where it differs from
 *  what the settings asked. */
async function planLoad(
  lib: NodeLlamaCpp,
  options: LoadOptions,
  fileInfo: GgufFileInfo,
  shape: MoeShape,
  notices: string[],
  onProgress: (fraction: number, message: string) => void,
): Promise<LoadPlan> {
  const cores = physicalCores();
  const threads = options.threads > 0 ? Math.min(options.threads, os.availableParallelism()) : defaultThreads(cores);
  if (options.threads > cores)
    notices.push(`${options.threads} threads is more than the ${cores} physical cores; generation can be many times slower.`);
  const { llama, notices: backendNotices } = await selectBackend(lib, {
    backend: options.backend,
    maxThreads: threads,
    avoid: options.avoidBackends,
    onStatus: (message) => onProgress(0.02, message),
  });
  notices.push(...backendNotices);
  const insights = await lib.GgufInsights.from(fileInfo, llama);
  const flashAttention = options.flashAttention === "on" || (options.flashAttention === "auto" && insights.flashAttentionSupported);
  const gpuLayers = await resolveGpuLayers(llama, insights, options, flashAttention, notices);
  const partial = { llama, fileInfo, insights, shape, threads, flashAttention, gpuLayers };
  return { ...partial, contextSizes: await fitContextSizes(options, partial, notices) };
}

async function resolveGpuLayers(
  llama: Llama,
  insights: GgufInsights,
  options: LoadOptions,
  flashAttention: boolean,
  notices: string[],
): Promise<number> {
  if (llama.gpu === false) {
    if (typeof options.gpuLayers === "number" && options.gpuLayers > 0)
      notices.push(`gpuLayers ${options.gpuLayers} ignored: the CPU backend is in use.`);
    return 0;
  }
  try {
    return await insights.configurationResolver.resolveModelGpuLayers(options.gpuLayers, {
      ignoreMemorySafetyChecks: options.ignoreMemoryCheck ?? false,
      getVramState: () => llama.getVramState(),
      llamaGpu: llama.gpu,
      llamaSupportsGpuOffloading: llama.supportsGpuOffloading,
      defaultContextFlashAttention: flashAttention,
      useMmap: options.useMmap,
    });
  } catch (error) {
    throw new EngineFailure(
      "insufficientMemory",
      `The requested GPU layers (${String(options.gpuLayers)}) do not fit in GPU memory: ${(error as Error).message}. Set mixtral.gpuLayers to auto or a smaller number.`,
    );
  }
}

/** The chat context: the setting, at most the trained size, halved (down to MIN_CONTEXT_SIZE)
 *  while the memory check fails; the completion context: at most COMPLETION_CONTEXT_SIZE. */
async function fitContextSizes(options: LoadOptions, plan: Omit<LoadPlan, "contextSizes">, notices: string[]): Promise<[number, number]> {
  const { llama, insights, fileInfo, gpuLayers, flashAttention } = plan;
  const trainContextSize = plan.shape.trainContextSize ?? insights.trainContextSize ?? options.contextSize;
  let contextSize = Math.min(options.contextSize, trainContextSize);
  if (contextSize < options.contextSize) notices.push(`Context size clamped to the model's trained ${trainContextSize} tokens.`);
  const sizes = (): [number, number] => [contextSize, Math.min(contextSize, COMPLETION_CONTEXT_SIZE)];
  if (options.ignoreMemoryCheck) return sizes();
  for (;;) {
    const estimate = estimateFit(insights, llama, fileInfo, { gpuLayers, useMmap: options.useMmap, flashAttention, contextSizes: sizes() });
    const vram = gpuLayers > 0 ? await llama.getVramState() : undefined;
    try {
      assertFits(estimate, vram, quantizationName(fileInfo, insights));
      break;
    } catch (error) {
      if (contextSize / 2 < MIN_CONTEXT_SIZE) throw error;
      contextSize = Math.floor(contextSize / 2);
    }
  }
  if (contextSize < Math.min(options.contextSize, trainContextSize))
    notices.push(`Context size reduced to ${contextSize} tokens to fit in memory.`);
  return sizes();
}

async function loadWeights(
  lib: NodeLlamaCpp,
  options: LoadOptions,
  plan: LoadPlan,
  onProgress: (fraction: number, message: string) => void,
): Promise<LlamaModel> {
  onProgress(0.05, "loading weights");
  try {
    return await plan.llama.loadModel({
      modelPath: options.modelPath,
      gpuLayers: plan.gpuLayers,
      useMmap: options.useMmap,
      defaultContextFlashAttention: plan.flashAttention,
      ignoreMemorySafetyChecks: options.ignoreMemoryCheck ?? false,
      ...(options.expertsPerToken !== undefined
        ? { metadataOverrides: { [plan.shape.architecture]: { expert_used_count: options.expertsPerToken } } as never }
        : {}),
      onLoadProgress: (p) => onProgress(0.05 + 0.85 * p, "loading weights"),
    });
  } catch (error) {
    throw libraryFailure(lib, error, "load the model");
  }
}

/** The chat and the completion context, with the LoRA adapters; on failure the model goes too. */
async function createContexts(
  lib: NodeLlamaCpp,
  model: LlamaModel,
  options: LoadOptions,
  plan: LoadPlan,
  onProgress: (fraction: number, message: string) => void,
): Promise<LlamaContext[]> {
  const contexts: LlamaContext[] = [];
  try {
    const lora =
      options.loraAdapters.length > 0 ? { adapters: options.loraAdapters.map((a) => ({ filePath: a.path, scale: a.scale })) } : undefined;
    onProgress(0.92, "creating contexts");
    for (const size of plan.contextSizes) {
      contexts.push(
        await model.createContext({
          contextSize: size,
          sequences: 1,
          flashAttention: plan.flashAttention,
          lora,
          ignoreMemorySafetyChecks: options.ignoreMemoryCheck ?? false,
        }),
      );
    }
    return contexts;
  } catch (error) {
    for (const c of contexts) await c.dispose();
    await model.dispose();
    throw libraryFailure(lib, error, "create the contexts");
  }
}

function libraryFailure(lib: NodeLlamaCpp, error: unknown, what: string): EngineFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof lib.InsufficientMemoryError) {
    return new EngineFailure(
      "insufficientMemory",
      `Not enough memory to ${what}: ${message}. Choose a smaller quantization, fewer GPU layers or a smaller context.`,
    );
  }
  return new EngineFailure("internal", `Could not ${what}: ${message}`);
}
