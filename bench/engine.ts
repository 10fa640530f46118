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
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { Backend, LoadOptions } from "../src/shared/engineProtocol";
import { defaultThreads, physicalCores } from "../src/engine/physicalCores";
import { ensureTinyModel } from "../test/helpers/tinyModel";
import { openDirect, openEngine, type Side } from "./lib/engineSides";
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
  const { engineSamples, directSamples } = await collectSamples(load, o, threads, onInfo);
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

/** Every side's counted samples; run 0 of each side warms caches and is not counted. */
async function collectSamples(
  load: LoadOptions,
  o: Required<EngineOverheadOptions>,
  threads: number,
  onInfo: (description: string, promptTokens: number) => void,
): Promise<{ engineSamples: Sample[]; directSamples: Sample[] }> {
  const contextSize = load.contextSize;
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
  return { engineSamples, directSamples };
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
