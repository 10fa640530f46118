// Benchmark (a program, not a test): how long after an abort the engine is free again, during
// prompt evaluation (a long prompt) and during generation, through the engine process versus
// node-llama-cpp called directly (LlamaCompletion with stopOnAbortSignal), same model, same run.
// "Free" = time from abort() until a short follow-up request has completed, minus what the same
// request takes on the idle engine right after (paired per trial, so machine load cancels out).
// Trials alternate between the two sides.
//
//   node out/bench/cancel.js [--model <gguf>] [--prompt-words 2200] [--trials 3] [--threads 0]
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { EngineClient } from "../src/core/engineClient/EngineClient";
import type { LoadOptions, PromptSegment } from "../src/shared/engineProtocol";
import { defaultThreads, physicalCores } from "../src/engine/physicalCores";
import { ensureTinyModel, repoRoot } from "../test/helpers/tinyModel";
import { fmt, median } from "./lib/stats";
import { formatTable } from "./lib/table";
import { given, num, text } from "./lib/cliOptions";

export interface CancelOptions {
  modelPath: string;
  /** Long-prompt length in words (~1.3 tokens each); must fit the 4096-token context. Default 2200. */
  promptWords?: number;
  /** Trials per side and phase. Default 3. */
  trials?: number;
  threads?: number;
}

export interface CancelPhase {
  /** abort() → the aborted call settled, ms (median). */
  settleMs: number;
  /** abort() → follow-up request done, minus the same request's time on the idle engine right
   *  after (paired per trial), ms (median). */
  freeMs: number;
  /** Trials where the abort really landed in the intended phase. */
  inPhase: number;
  trials: number;
}

export interface CancelSide {
  idleFollowUpMs: number;
  prompt: CancelPhase;
  generation: CancelPhase;
}
export interface CancelFigures {
  promptTokens: number;
  fullPromptMs: number;
  abortAfterMs: number;
  engine: CancelSide;
  direct: CancelSide;
}

const WORDS = ["the", "function", "returns", "a", "value", "for", "each", "item", "in", "list", "when", "called", "with"];
const longText = (trial: number, words: number): string =>
  `[INST] Trial ${trial}: ` + Array.from({ length: words }, (_, i) => WORDS[(i * 5 + trial) % WORDS.length]).join(" ") + " [/INST]";
const shortText = (n: number): string => `[INST] Question ${n}: what does the function return? [/INST]`;
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One side's primitive: run a prompt, optionally aborting; resolves when the call settles. */
interface Target {
  generate(text: string, maxTokens: number, signal?: AbortSignal, onChunk?: () => void): Promise<{ textChars: number }>;
  close(): Promise<void>;
}

async function engineTarget(load: LoadOptions): Promise<Target & { promptTokens(text: string): Promise<number> }> {
  const enginePath = path.join(repoRoot(), "dist", "engine.js");
  if (!existsSync(enginePath)) throw new Error(`${enginePath} is missing: run \`npm run build\` first`);
  const client = new EngineClient({ enginePath, idleUnloadMs: 0 });
  await client.load(load);
  const seg = (text: string): PromptSegment[] => [{ type: "bos" }, { type: "text", text }];
  return {
    async generate(text, maxTokens, signal, onChunk) {
      const r = await client.generate({ slot: "chat", prompt: seg(text), maxTokens, temperature: 0 }, () => onChunk?.(), signal);
      return { textChars: r.text.length };
    },
    async promptTokens(text) {
      return (await client.tokenize(seg(text))).tokens.length;
    },
    close: () => client.dispose(),
  };
}

async function directTarget(modelPath: string, threads: number): Promise<Target> {
  const lib = await import("node-llama-cpp");
  const llama = await lib.getLlama({ gpu: false, build: "never", maxThreads: threads, logLevel: lib.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 4096, sequences: 1 });
  const sequence = context.getSequence();
  const completion = new lib.LlamaCompletion({ contextSequence: sequence });
  return {
    async generate(text, maxTokens, signal, onChunk) {
      await sequence.clearHistory();
      let chars = 0;
      try {
        await completion.generateCompletion(text, {
          maxTokens,
          temperature: 0,
          repeatPenalty: false,
          signal,
          stopOnAbortSignal: true,
          onTextChunk: (t) => {
            chars += t.length;
            onChunk?.();
          },
        });
      } catch (error) {
        if (!signal?.aborted) throw error;
      }
      return { textChars: chars };
    },
    async close() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

async function idleFollowUp(t: Target, n: number): Promise<number> {
  const started = performance.now();
  await t.generate(shortText(n), 1);
  return performance.now() - started;
}

/** Abort after `afterMs` (prompt phase) or after the 8th chunk (generation phase); then the follow-up. */
async function trial(
  t: Target,
  phase: "prompt" | "generation",
  n: number,
  o: Required<CancelOptions>,
  afterMs: number,
): Promise<{ settleMs: number; freeMs: number; inPhase: boolean }> {
  const controller = new AbortController();
  const t0 = performance.now();
  let firstChunkAt = 0;
  let chunks = 0;
  let abortedAt = 0;
  const abort = (): void => {
    if (!abortedAt) {
      abortedAt = performance.now();
      controller.abort();
    }
  };
  const running =
    phase === "prompt"
      ? t.generate(longText(n, o.promptWords), 64, controller.signal, () => {
          firstChunkAt ||= performance.now();
          chunks++;
        })
      : t.generate(shortText(n + 100), 3000, controller.signal, () => {
          if (++chunks === 8) abort();
        });
  if (phase === "prompt") await Promise.race([delay(afterMs).then(abort), running]);
  await running;
  const settled = performance.now();
  if (!abortedAt) abortedAt = settled; // finished before the abort: counted as not in phase
  await t.generate(shortText(n + 200), 1);
  const done = performance.now();
  // The same short request again, now on an idle engine and under the same machine load: its
  // time is what the follow-up would have taken anyway.
  const idleStart = performance.now();
  await t.generate(shortText(n + 400), 1);
  const idleMs = performance.now() - idleStart;
  // Prompt phase: the abort came before the first generated text (node-llama-cpp still emits the
  // first token after an abort during the prompt: it only looks at the signal after evaluating it).
  const inPhase = abortedAt < settled && (phase === "prompt" ? firstChunkAt === 0 || firstChunkAt > abortedAt : chunks >= 8);
  if (process.env.BENCH_DEBUG)
    process.stderr.write(
      `${phase} trial ${n}: abort at ${(abortedAt - t0).toFixed(0)} ms, first chunk at ${firstChunkAt ? (firstChunkAt - t0).toFixed(0) : "-"} ms, settled at ${(settled - t0).toFixed(0)} ms, chunks ${chunks}\n`,
    );
  return { settleMs: settled - abortedAt, freeMs: Math.max(0, done - abortedAt - idleMs), inPhase };
}

function summarize(samples: { settleMs: number; freeMs: number; inPhase: boolean }[]): CancelPhase {
  return {
    settleMs: median(samples.map((s) => s.settleMs)),
    freeMs: median(samples.map((s) => s.freeMs)),
    inPhase: samples.filter((s) => s.inPhase).length,
    trials: samples.length,
  };
}

export async function measureCancellation(options: CancelOptions): Promise<CancelFigures> {
  const o: Required<CancelOptions> = { promptWords: 2200, trials: 3, threads: 0, ...options, modelPath: path.resolve(options.modelPath) };
  const threads = o.threads > 0 ? o.threads : defaultThreads(physicalCores());
  const load: LoadOptions = {
    modelPath: o.modelPath,
    backend: "cpu",
    gpuLayers: 0,
    contextSize: 4096,
    threads,
    flashAttention: "auto",
    useMmap: true,
    loraAdapters: [],
  };
  const engine = await engineTarget(load);
  try {
    const direct = await directTarget(o.modelPath, threads);
    try {
      const promptTokens = await engine.promptTokens(longText(0, o.promptWords));
      // Calibrate: the whole long prompt's evaluation time, then abort at 30 % of it.
      await engine.generate(longText(-1, o.promptWords), 1);
      const calStart = performance.now();
      await engine.generate(longText(-2, o.promptWords), 1);
      const fullPromptMs = performance.now() - calStart;
      const abortAfterMs = Math.round(fullPromptMs * 0.3);
      const sides = { engine: engine as Target, direct };
      const idle = { engine: [] as number[], direct: [] as number[] };
      for (const [name, t] of Object.entries(sides) as [keyof typeof sides, Target][]) {
        for (let i = 0; i < 3; i++) idle[name].push(await idleFollowUp(t, 300 + i));
      }
      const samples = {
        engine: { prompt: [] as Awaited<ReturnType<typeof trial>>[], generation: [] as Awaited<ReturnType<typeof trial>>[] },
        direct: { prompt: [] as Awaited<ReturnType<typeof trial>>[], generation: [] as Awaited<ReturnType<typeof trial>>[] },
      };
      for (let n = 0; n < o.trials; n++) {
        const order: (keyof typeof sides)[] = n % 2 === 0 ? ["engine", "direct"] : ["direct", "engine"];
        for (const name of order) {
          samples[name].prompt.push(await trial(sides[name], "prompt", n, o, abortAfterMs));
          samples[name].generation.push(await trial(sides[name], "generation", n, o, abortAfterMs));
        }
      }
      const side = (name: keyof typeof sides): CancelSide => {
        const idleMs = median(idle[name]);
        return { idleFollowUpMs: idleMs, prompt: summarize(samples[name].prompt), generation: summarize(samples[name].generation) };
      };
      return { promptTokens, fullPromptMs, abortAfterMs, engine: side("engine"), direct: side("direct") };
    } finally {
      await direct.close();
    }
  } finally {
    await engine.close();
  }
}

export function formatCancellation(r: CancelFigures): string {
  const row = (label: string, p: (s: CancelSide) => CancelPhase): string[] => [
    label,
    fmt(p(r.direct).settleMs),
    fmt(p(r.engine).settleMs),
    fmt(p(r.direct).freeMs),
    fmt(p(r.engine).freeMs),
    `${p(r.engine).inPhase}/${p(r.engine).trials}, ${p(r.direct).inPhase}/${p(r.direct).trials}`,
  ];
  return (
    `long prompt ${r.promptTokens} tokens (whole evaluation ${fmt(r.fullPromptMs, 0)} ms through the engine; abort at ${r.abortAfterMs} ms); ` +
    `generation aborted after 8 chunks; follow-up idle: direct ${fmt(r.direct.idleFollowUpMs)} ms, engine ${fmt(r.engine.idleFollowUpMs)} ms\n` +
    formatTable(
      ["abort during", "settle direct", "settle engine", "free direct", "free engine", "in phase (eng, dir)"],
      [row("prompt evaluation (ms)", (s) => s.prompt), row("generation (ms)", (s) => s.generation)],
    )
  );
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: { model: text, "prompt-words": text, trials: text, threads: text },
  });
  process.stdout.write(
    formatCancellation(
      await measureCancellation(
        given({
          promptWords: num(v["prompt-words"]),
          trials: num(v.trials),
          threads: num(v.threads),
          modelPath: v.model ?? (await ensureTinyModel("q8_0")),
        }),
      ),
    ),
  );
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench/cancel: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
