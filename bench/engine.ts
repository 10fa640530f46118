// Benchmark (a program, not a test): tokens/s and time to first token through the extension's
// engine process (EngineClient → dist/engine.js) versus node-llama-cpp called directly in this
// process, on the same model in the same run. Prints both and their ratio.
//
//   node out/bench/engine.js [--model <gguf>] [--tokens 128] [--prompt-words 400] [--runs 3]
//                            [--threads 0] [--backend auto|cuda|metal|vulkan|cpu] [--gpu-layers auto|max|N]
import { existsSync } from "node:fs";
import * as path from "node:path";
import { EngineClient } from "../src/core/engine/EngineClient";
import type { Backend, LoadOptions, PromptSegment } from "../src/shared/engineProtocol";
import { physicalCores } from "../src/engine/physicalCores";
import { ensureTinyModel, repoRoot } from "../test/helpers/tinyModel";

interface Args { model?: string; tokens: number; promptWords: number; runs: number; threads: number; backend: Backend; gpuLayers: "auto" | "max" | number }

function parseArgs(argv: string[]): Args {
  const args: Args = { tokens: 128, promptWords: 400, runs: 3, threads: 0, backend: "auto", gpuLayers: "auto" };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case "--model": args.model = value; i++; break;
      case "--tokens": args.tokens = Number(value); i++; break;
      case "--prompt-words": args.promptWords = Number(value); i++; break;
      case "--runs": args.runs = Number(value); i++; break;
      case "--threads": args.threads = Number(value); i++; break;
      case "--backend": args.backend = value as Backend; i++; break;
      case "--gpu-layers": args.gpuLayers = value === "auto" || value === "max" ? value : Number(value); i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}

interface Sample { ttftMs: number; tokensPerSecond: number; tokens: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Distinct first words per run so no run reuses another's KV cache (both sides alike). */
function promptText(run: number, words: number): string {
  const vocabulary = ["the", "function", "returns", "a", "value", "for", "each", "item", "in", "list", "when", "called"];
  return `[INST] Run ${run}: ` + Array.from({ length: words }, (_, i) => vocabulary[(i * 7 + run) % vocabulary.length]).join(" ") + " [/INST]";
}

function rate(tokens: number, firstAt: number | undefined, endAt: number): number {
  return firstAt !== undefined && tokens > 1 ? ((tokens - 1) * 1000) / (endAt - firstAt) : 0;
}

async function direct(modelPath: string, args: Args, threads: number, contextSize: number): Promise<Sample[]> {
  const lib = await import("node-llama-cpp");
  const gpu = args.backend === "auto" ? "auto" : args.backend === "cpu" ? false : args.backend;
  const llama = await lib.getLlama({ gpu, build: "never", maxThreads: threads, logLevel: lib.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath, gpuLayers: args.gpuLayers });
  const context = await model.createContext({ contextSize, sequences: 1 });
  const sequence = context.getSequence();
  const completion = new lib.LlamaCompletion({ contextSequence: sequence });
  const samples: Sample[] = [];
  try {
    for (let run = 0; run <= args.runs; run++) {
      await sequence.clearHistory();
      const started = performance.now();
      let firstAt: number | undefined;
      let chunks = 0;
      const text = promptText(run, args.promptWords);
      const meterBefore = sequence.tokenMeter.usedOutputTokens;
      await completion.generateCompletion(text, {
        maxTokens: args.tokens,
        temperature: 0,
        onTextChunk: () => { firstAt ??= performance.now(); chunks++; },
      });
      const ended = performance.now();
      const generated = sequence.tokenMeter.usedOutputTokens - meterBefore || chunks;
      if (run > 0) samples.push({ ttftMs: (firstAt ?? ended) - started, tokensPerSecond: rate(generated, firstAt, ended), tokens: generated });
    }
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
  return samples;
}

async function viaEngine(load: LoadOptions, args: Args): Promise<{ samples: Sample[]; description: string }> {
  const enginePath = path.join(repoRoot(), "dist", "engine.js");
  if (!existsSync(enginePath)) throw new Error(`${enginePath} is missing: run \`npm run build\` first`);
  const client = new EngineClient({ enginePath, idleUnloadMs: 0 });
  const samples: Sample[] = [];
  try {
    const info = await client.load(load);
    for (let run = 0; run <= args.runs; run++) {
      const prompt: PromptSegment[] = [{ type: "bos" }, { type: "text", text: promptText(run, args.promptWords) }];
      const started = performance.now();
      let firstAt: number | undefined;
      const result = await client.generate({ slot: "chat", prompt, maxTokens: args.tokens, temperature: 0 }, () => { firstAt ??= performance.now(); });
      const ended = performance.now();
      const tokens = result.stats.generatedTokens;
      if (run > 0) samples.push({ ttftMs: (firstAt ?? ended) - started, tokensPerSecond: rate(tokens, firstAt, ended), tokens });
    }
    const description = `${info.fileName} (${info.quantization}, ${info.description}), backend ${info.backend}${info.gpuName ? ` on ${info.gpuName}` : ""}, ${info.gpuLayers}/${info.layerCount} layers on GPU, context ${info.contextSize}`;
    return { samples, description };
  } finally {
    await client.dispose();
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const modelPath = path.resolve(args.model ?? (await ensureTinyModel("q8_0")));
  const threads = args.threads > 0 ? args.threads : physicalCores();
  const contextSize = 4096;
  const load: LoadOptions = {
    modelPath, backend: args.backend, gpuLayers: args.gpuLayers, contextSize, threads,
    flashAttention: "auto", useMmap: true, loraAdapters: [],
  };
  // The first run of each side warms caches and is not counted. Sequential, never both loaded:
  // a full-size Mixtral does not fit twice.
  const engine = await viaEngine(load, args);
  const inProcess = await direct(modelPath, args, threads, contextSize);
  const rows: [string, number, number][] = [
    ["time to first token (ms)", median(inProcess.map((s) => s.ttftMs)), median(engine.samples.map((s) => s.ttftMs))],
    ["decode tokens/s", median(inProcess.map((s) => s.tokensPerSecond)), median(engine.samples.map((s) => s.tokensPerSecond))],
  ];
  const out = process.stdout;
  out.write(`model: ${engine.description}\n`);
  out.write(`threads ${threads}, prompt ~${args.promptWords} words, ${args.tokens} new tokens, median of ${args.runs} runs (after 1 warm-up)\n\n`);
  out.write(`${"".padEnd(26)}${"direct".padStart(12)}${"engine".padStart(12)}${"engine/direct".padStart(15)}\n`);
  for (const [name, d, e] of rows) {
    out.write(`${name.padEnd(26)}${d.toFixed(1).padStart(12)}${e.toFixed(1).padStart(12)}${(d > 0 ? e / d : 0).toFixed(2).padStart(15)}\n`);
  }
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => { process.stderr.write(`bench/engine: ${error instanceof Error ? error.message : String(error)}\n`); process.exitCode = 1; },
  );
}
