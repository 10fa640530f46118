// Benchmark (a program, not a test): tokens/s and time to first token through the extension's
// engine process (EngineClient → dist/engine.js) versus node-llama-cpp called directly in this
// process, on the same model, prompt and settings in the same run. Prints both and their ratio.
//
//   node out/bench/engine.js [--model <gguf>] [--tokens 128] [--prompt-words 400] [--runs 3]
//                            [--threads 0] [--backend auto|cuda|metal|vulkan|cpu] [--gpu-layers auto|max|N]
//                            [--sequential]
// By default both sides stay loaded and their runs alternate (A,B,B,A,…) so a noisy machine's
// drift hits both alike; --sequential runs one side fully, then the other (a model that does not
// fit twice, e.g. a full-size Mixtral on one GPU).
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import { EngineClient } from "../src/core/engineClient/EngineClient";
import type { Backend, LoadOptions, PromptSegment } from "../src/shared/engineProtocol";
import { defaultThreads, physicalCores } from "../src/engine/physicalCores";
import { ensureTinyModel, repoRoot } from "../test/helpers/tinyModel";
import { fmt, median, ratio } from "./lib/stats";
import { formatTable } from "./lib/table";
import { flag, given, gpuLayersOption, num, text } from "./lib/cliOptions";

export interface EngineOverheadOptions {
  modelPath: string;
  /** New tokens per run. Default 128. */
  tokens?: number;
  /** Prompt length in words (about 1.3 tokens each with the tiny vocabulary). Default 400. */
  promptWords?: number;
  /** Counted runs per side, after one warm-up each. Default 3. */
  runs?: number;
  /** 0 = the engine's default (physical cores − 1, at least 1). */
  threads?: number;
  backend?: Backend;
  gpuLayers?: "auto" | "max" | number;
  /** Default true: both loaded, runs alternate. */
  interleave?: boolean;
}

export interface Sample {
  ttftMs: number;
  tokensPerSecond: number;
  tokens: number;
  promptTokens: number;
}
/** Medians, plus the best run: on a loaded machine preemption only ever slows a run down, so the
 *  fastest run is the least disturbed estimate of each side. */
export interface SideFigures {
  ttftMs: number;
  tokensPerSecond: number;
  bestTokensPerSecond: number;
  bestTtftMs: number;
  samples: Sample[];
}

export interface EngineOverhead {
  description: string;
  threads: number;
  promptTokens: number;
  tokens: number;
  runs: number;
  interleaved: boolean;
  direct: SideFigures;
  engine: SideFigures;
  /** engine tok/s ÷ direct tok/s (goal ≥ 0.97). */
  decodeRatio: number;
  /** engine TTFT − direct TTFT, ms. */
  ttftDiffMs: number;
}

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

type Runner = (run: number) => Promise<Sample>;
interface Side {
  runOnce: Runner;
  close(): Promise<void>;
}
interface EngineSide extends Side {
  tokenize(run: number): Promise<number[]>;
}

/** `tokensOf(run)`: the engine's own token ids for that run's prompt (BOS first), so both sides
 *  evaluate exactly the same tokens (LlamaCompletion would tokenize `[INST]` as a control token). */
async function openDirect(
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

async function openEngine(
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

function figures(samples: Sample[]): SideFigures {
  return {
    ttftMs: median(samples.map((s) => s.ttftMs)),
    tokensPerSecond: median(samples.map((s) => s.tokensPerSecond)),
    bestTtftMs: Math.min(...samples.map((s) => s.ttftMs)),
    bestTokensPerSecond: Math.max(...samples.map((s) => s.tokensPerSecond)),
    samples,
  };
}

/** Engine process versus node-llama-cpp in this process, same model, prompt and settings. */
export async function measureEngineOverhead(options: EngineOverheadOptions): Promise<EngineOverhead> {
  const o: Required<EngineOverheadOptions> = {
    tokens: 128,
    promptWords: 400,
    runs: 3,
    threads: 0,
    backend: "auto",
    gpuLayers: "auto",
    interleave: true,
    ...options,
    modelPath: path.resolve(options.modelPath),
  };
  const threads = o.threads > 0 ? o.threads : defaultThreads(physicalCores());
  const contextSize = 4096;
  const load: LoadOptions = {
    modelPath: o.modelPath,
    backend: o.backend,
    gpuLayers: o.gpuLayers,
    contextSize,
    threads,
    flashAttention: "auto",
    useMmap: true,
    loraAdapters: [],
  };
  let description = "";
  let promptTokens = 0;
  const onInfo = (d: string, p: number): void => {
    if (d) description = d;
    if (p) promptTokens = p;
  };
  // Run 0 of each side warms caches and is not counted.
  const engineSamples: Sample[] = [];
  const directSamples: Sample[] = [];
  const engineSide = await openEngine(load, o, onInfo);
  const tokens: number[][] = [];
  let directSide: Side | undefined;
  try {
    for (let run = 0; run <= o.runs; run++) tokens.push(await engineSide.tokenize(run));
    if (o.interleave) {
      directSide = await openDirect(o, threads, contextSize, (run) => tokens[run]);
      for (let run = 0; run <= o.runs; run++) {
        // A,B then B,A: whichever goes second on a warming (or cooling) machine alternates.
        const order: [Side, Sample[]][] =
          run % 2 === 0
            ? [
                [engineSide, engineSamples],
                [directSide, directSamples],
              ]
            : [
                [directSide, directSamples],
                [engineSide, engineSamples],
              ];
        for (const [side, samples] of order) {
          const sample = await side.runOnce(run);
          if (run > 0) samples.push(sample);
        }
      }
    } else {
      for (let run = 0; run <= o.runs; run++) {
        const sample = await engineSide.runOnce(run);
        if (run > 0) engineSamples.push(sample);
      }
    }
  } finally {
    await directSide?.close();
    await engineSide.close();
  }
  if (!o.interleave) {
    // Never both loaded: a full-size Mixtral does not fit twice.
    const side = await openDirect(o, threads, contextSize, (run) => tokens[run]);
    try {
      for (let run = 0; run <= o.runs; run++) {
        const sample = await side.runOnce(run);
        if (run > 0) directSamples.push(sample);
      }
    } finally {
      await side.close();
    }
  }
  const direct = figures(directSamples);
  const engine = figures(engineSamples);
  return {
    description,
    threads,
    promptTokens,
    tokens: o.tokens,
    runs: o.runs,
    interleaved: o.interleave,
    direct,
    engine,
    decodeRatio: ratio(engine.tokensPerSecond, direct.tokensPerSecond),
    ttftDiffMs: engine.ttftMs - direct.ttftMs,
  };
}

export function formatEngineOverhead(r: EngineOverhead): string {
  return (
    `model: ${r.description}\n` +
    `threads ${r.threads}, prompt ${r.promptTokens} tokens (direct: ${median(r.direct.samples.map((x) => x.promptTokens))}), ${r.tokens} new tokens, median of ${r.runs} runs per side after 1 warm-up${r.interleaved ? ", interleaved" : ", sequential"}\n` +
    formatTable(
      ["", "direct", "engine", "engine/direct"],
      [
        ["time to first token (ms)", fmt(r.direct.ttftMs), fmt(r.engine.ttftMs), fmt(ratio(r.engine.ttftMs, r.direct.ttftMs), 2)],
        ["decode tokens/s", fmt(r.direct.tokensPerSecond), fmt(r.engine.tokensPerSecond), fmt(r.decodeRatio, 3)],
        [
          "time to first token, best run",
          fmt(r.direct.bestTtftMs),
          fmt(r.engine.bestTtftMs),
          fmt(ratio(r.engine.bestTtftMs, r.direct.bestTtftMs), 2),
        ],
        [
          "decode tokens/s, best run",
          fmt(r.direct.bestTokensPerSecond),
          fmt(r.engine.bestTokensPerSecond),
          fmt(ratio(r.engine.bestTokensPerSecond, r.direct.bestTokensPerSecond), 3),
        ],
      ],
    )
  );
}

function engineArgs(argv: string[]): Omit<EngineOverheadOptions, "modelPath"> & { model?: string } {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: text,
      tokens: text,
      "prompt-words": text,
      runs: text,
      threads: text,
      backend: text,
      "gpu-layers": text,
      sequential: flag,
    },
  });
  return given({
    model: v.model,
    tokens: num(v.tokens),
    promptWords: num(v["prompt-words"]),
    runs: num(v.runs),
    threads: num(v.threads),
    backend: v.backend as Backend | undefined,
    gpuLayers: gpuLayersOption(v["gpu-layers"]),
    interleave: v.sequential ? false : undefined,
  });
}

export async function run(argv: string[]): Promise<number> {
  const { model, ...args } = engineArgs(argv);
  const modelPath = model ?? (await ensureTinyModel("q8_0"));
  process.stdout.write(formatEngineOverhead(await measureEngineOverhead({ ...args, modelPath })));
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench/engine: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
