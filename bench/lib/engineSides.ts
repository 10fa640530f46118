// The two sides of the engine-overhead benchmark (bench/engine.ts): node-llama-cpp called directly
// in this process, and the extension's engine process through EngineClient, each timing one run.
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import { EngineClient } from "../../src/core/engineClient/EngineClient";
import type { LoadOptions, PromptSegment } from "../../src/shared/engineProtocol";
import { repoRoot } from "../../test/helpers/tinyModel";
import type { EngineOverheadOptions, Sample } from "../engine";

/** Distinct first words per run so no run reuses another's KV cache (both sides alike). */
function promptText(run: number, words: number): string {
  const vocabulary = ["the", "function", "returns", "a", "value", "for", "each", "item", "in", "list", "when", "called"];
  return (
    `[INST] Run ${run}: ` + Array.from({ length: words }, (_, i) => vocabulary[(i * 7 + run) % vocabulary.length]).join(" ") + " [/INST]"
  );
}

function rate(tokens: number, firstAt: number | undefined, endAt: number): number {
  return firstAt !== undefined && tokens > 1 ? ((tokens - 1) * 1000) / (endAt - firstAt) : 0;
}

export type Runner = (run: number) => Promise<Sample>;
export interface Side {
  runOnce: Runner;
  close(): Promise<void>;
}
export interface EngineSide extends Side {
  tokenize(run: number): Promise<number[]>;
}

/** `tokensOf(run)`: the engine's own token ids for that run's prompt (BOS first), so both sides
 *  evaluate exactly the same tokens (LlamaCompletion would tokenize `[INST]` as a control token). */
export async function openDirect(
  o: Required<EngineOverheadOptions>,
  threads: number,
  contextSize: number,
  tokensOf: (run: number) => number[],
): Promise<Side> {
  const lib = await import("node-llama-cpp");
  const gpu = o.backend === "auto" ? "auto" : o.backend === "cpu" ? false : o.backend;
  const llama = await lib.getLlama({ gpu, build: "never", maxThreads: threads, logLevel: lib.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: o.modelPath, gpuLayers: o.gpuLayers });
  const context = await model.createContext({ contextSize, sequences: 1 });
  const sequence = context.getSequence();
  const completion = new lib.LlamaCompletion({ contextSequence: sequence });
  return {
    async runOnce(run) {
      await sequence.clearHistory();
      const started = performance.now();
      let firstAt: number | undefined;
      let chunks = 0;
      const meterBefore = sequence.tokenMeter.usedOutputTokens;
      // LlamaCompletion prepends BOS itself; the engine's sampling has no repeat penalty.
      await completion.generateCompletion(tokensOf(run).slice(1) as Token[], {
        maxTokens: o.tokens,
        temperature: 0,
        repeatPenalty: false,
        onTextChunk: () => {
          firstAt ??= performance.now();
          chunks++;
        },
      });
      const ended = performance.now();
      const generated = sequence.tokenMeter.usedOutputTokens - meterBefore || chunks;
      // The sequence holds the prompt (BOS included) and every generated token but the last.
      const promptTokens = sequence.nextTokenIndex - Math.max(0, generated - 1);
      return { ttftMs: (firstAt ?? ended) - started, tokensPerSecond: rate(generated, firstAt, ended), tokens: generated, promptTokens };
    },
    async close() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

export async function openEngine(
  load: LoadOptions,
  o: Required<EngineOverheadOptions>,
  onInfo: (description: string, promptTokens: number) => void,
): Promise<EngineSide> {
  const enginePath = path.join(repoRoot(), "dist", "engine.js");
  if (!existsSync(enginePath)) throw new Error(`${enginePath} is missing: run \`npm run build\` first`);
  // MIXTRAL_BENCH_UV_POOL=4: the engine with libuv's default worker pool (EngineProcess sets 1), for an A/B.
  const uvPool = process.env.MIXTRAL_BENCH_UV_POOL;
  const client = new EngineClient({ enginePath, idleUnloadMs: 0, env: uvPool ? { UV_THREADPOOL_SIZE: uvPool } : undefined });
  try {
    const info = await client.load(load);
    onInfo(
      `${info.fileName} (${info.quantization}, ${(info.sizeBytes / 1e6).toFixed(0)} MB, ${info.layerCount} layers), backend ${info.backend}${info.gpuName ? ` on ${info.gpuName}` : ""}, ${info.gpuLayers}/${info.layerCount} layers on GPU, context ${info.contextSize}`,
      0,
    );
  } catch (error) {
    await client.dispose();
    throw error;
  }
  const segments = (run: number): PromptSegment[] => [{ type: "bos" }, { type: "text", text: promptText(run, o.promptWords) }];
  return {
    async tokenize(run) {
      return (await client.tokenize(segments(run))).tokens;
    },
    async runOnce(run) {
      const prompt = segments(run);
      const started = performance.now();
      let firstAt: number | undefined;
      const result = await client.generate({ slot: "chat", prompt, maxTokens: o.tokens, temperature: 0 }, () => {
        firstAt ??= performance.now();
      });
      const ended = performance.now();
      const tokens = result.stats.generatedTokens;
      onInfo("", result.stats.promptTokens);
      return {
        ttftMs: (firstAt ?? ended) - started,
        tokensPerSecond: rate(tokens, firstAt, ended),
        tokens,
        promptTokens: result.stats.promptTokens,
      };
    },
    close: () => client.dispose(),
  };
}
