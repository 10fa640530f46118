// Benchmark (a program, not a test): inline completions over a scripted typing session through
// the real engine process (EngineClient → dist/engine.js). For each debounce value it replays the
// session in real time (VS Code cancels the previous request on every keystroke) and prints
// keystroke-to-suggestion latency p50/p95, suggestions visible before the next keystroke, engine
// requests and aborts per keystroke, prompt tokens evaluated per request and the cache hit rate.
// Then, side by side in the same run, prompt tokens evaluated per keystroke with our prompt order
// versus a naive fill-in-the-middle instruction (whole file with a cursor marker in one run).
//
//   node out/bench/completion.js [--model <gguf>] [--debounce 0,50,100,200] [--key-ms 80]
//                                [--pause-ms 500] [--max-tokens 16] [--threads 0] [--backend cpu|auto|…]
//                                [--keys N]   (replay only the first N keystrokes; 0 = all)
// Without --model it uses the tiny generated model (test/helpers/tinyModel.ts).
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { CompletionService } from "../src/core/completion/CompletionService";
import { sleep } from "../src/core/sleep";
import type { CompletionOutcome, CursorSnapshot, DocumentSnapshot } from "../src/core/completion/types";
import { EngineClient } from "../src/core/engineClient/EngineClient";
import type { Backend, PromptSegment } from "../src/shared/engineProtocol";
import { ensureTinyModel, repoRoot } from "../test/helpers/tinyModel";
import { SAMPLE_FILE, typingSession } from "../test/unit/completion/typingSession";
import { num, text } from "./lib/cliOptions";

interface Args {
  model?: string;
  debounces: number[];
  keyMs: number;
  pauseMs: number;
  maxTokens: number;
  threads: number;
  backend: Backend;
  keys: number;
}

function completionArgs(argv: string[]): Args {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: text,
      debounce: text,
      "key-ms": text,
      "pause-ms": text,
      "max-tokens": text,
      threads: text,
      backend: text,
      keys: text,
    },
  });
  return {
    model: v.model,
    debounces: v.debounce?.split(",").map(Number) ?? [0, 50, 100, 200],
    keyMs: num(v["key-ms"]) ?? 80,
    pauseMs: num(v["pause-ms"]) ?? 500,
    maxTokens: num(v["max-tokens"]) ?? 16,
    threads: num(v.threads) ?? 0,
    backend: (v.backend ?? "cpu") as Backend,
    keys: num(v.keys) ?? 0,
  };
}

const OTHERS: DocumentSnapshot[] = [
  {
    uri: "file:///src/money.ts",
    path: "src/money.ts",
    languageId: "typescript",
    text: "export function formatPrice(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n}\n",
  },
];

const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Typists pause after words and punctuation; that is when a suggestion can be seen. */
function gapAfter(step: CursorSnapshot, next: CursorSnapshot | undefined, args: Args): number {
  const line = step.text.split("\n")[step.line];
  const typed = line[step.character - 1] ?? "";
  return !next || next.line !== step.line || /[\s.(,;]/.test(typed) ? args.pauseMs : args.keyMs;
}

interface ReplayResult {
  latencies: number[];
  visible: number;
  keystrokes: number;
  stats: CompletionService["stats"];
}

async function replay(client: EngineClient, steps: CursorSnapshot[], debounceMs: number, args: Args): Promise<ReplayResult> {
  const service = new CompletionService({
    getBackend: async () => client,
    settings: () => ({ maxTokens: args.maxTokens, multiline: "auto", template: "" }),
  });
  const latencies: number[] = [];
  let visible = 0;
  let previous: AbortController | undefined;
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < steps.length; i++) {
    previous?.abort();
    const controller = new AbortController();
    previous = controller;
    const started = performance.now();
    let settled: { outcome: CompletionOutcome; ms: number } | undefined;
    const request = (async () => {
      const outcome =
        service.cached(steps[i]) ??
        ((await sleep(debounceMs, controller.signal)) ? await service.complete(steps[i], OTHERS, controller.signal) : undefined);
      if (outcome) settled = { outcome, ms: performance.now() - started };
    })();
    pending.push(request);
    // The next keystroke comes after the gap; a suggestion counts as seen if it arrived before.
    await sleep(gapAfter(steps[i], steps[i + 1], args));
    const s = settled as { outcome: CompletionOutcome; ms: number } | undefined;
    if (s?.outcome.kind === "suggestion") {
      visible++;
      latencies.push(s.ms);
    }
  }
  previous?.abort();
  await Promise.all(pending);
  return { latencies, visible, keystrokes: steps.length, stats: service.stats };
}

/** The common FIM-in-an-instruction prompt: the whole window with a cursor marker, one run. */
function naivePrompt(step: CursorSnapshot): PromptSegment[] {
  const lines = step.text.split("\n");
  const offset = lines.slice(0, step.line).reduce((n, l) => n + l.length + 1, 0) + step.character;
  const marked = step.text.slice(0, offset) + "<CURSOR>" + step.text.slice(offset);
  return [
    { type: "bos" },
    { type: "text", text: `[INST] Complete the code at <CURSOR> in ${step.path}.\n\`\`\`typescript\n${marked}\n\`\`\` [/INST]` },
  ];
}

async function evaluatedPerKeystroke(
  client: EngineClient,
  steps: CursorSnapshot[],
  prompt: (s: CursorSnapshot) => PromptSegment[],
): Promise<{ evaluated: number[]; prompt: number[]; ttft: number[] }> {
  const evaluated: number[] = [];
  const sizes: number[] = [];
  const ttft: number[] = [];
  for (const step of steps) {
    const r = await client.generate({ slot: "completion", prompt: prompt(step), maxTokens: 1, temperature: 0 }, () => {});
    evaluated.push(r.stats.evaluatedTokens);
    sizes.push(r.stats.promptTokens);
    ttft.push(r.stats.ttftMs);
  }
  return { evaluated, prompt: sizes, ttft };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : "-");

export async function run(argv: string[]): Promise<number> {
  const args = completionArgs(argv);
  const enginePath = path.join(repoRoot(), "dist", "engine.js");
  if (!existsSync(enginePath)) throw new Error(`${enginePath} is missing: run \`npm run build\` first`);
  const modelPath = args.model ?? (await ensureTinyModel());
  const client = new EngineClient({ enginePath, idleUnloadMs: 0 });
  try {
    const info = await client.load({
      modelPath,
      backend: args.backend,
      gpuLayers: args.backend === "cpu" ? 0 : "auto",
      contextSize: 4096,
      threads: args.threads,
      flashAttention: "auto",
      useMmap: true,
      loraAdapters: [],
    });
    const all = typingSession(SAMPLE_FILE);
    const steps = args.keys > 0 ? all.slice(0, args.keys) : all;
    process.stdout.write(
      `model ${info.fileName} (${info.backend}); ${steps.length} keystrokes; keys every ${args.keyMs} ms, ${args.pauseMs} ms pauses after words; maxTokens ${args.maxTokens}\n\n`,
    );
    process.stdout.write("debounce  latency p50  p95 (ms)  visible  engine req/key  finished/req  eval tok/key  cache hits\n");
    for (const debounce of args.debounces) {
      const r = await replay(client, steps, debounce, args);
      const s = r.stats;
      // Finished = ran to the end in the engine (shown, or discarded by post-processing).
      const finished = s.suggestions + (s.discarded.empty ?? 0) + (s.discarded.prose ?? 0) + (s.discarded.repeated ?? 0);
      process.stdout.write(
        `${String(debounce).padStart(6)} ms  ${f(percentile(r.latencies, 50)).padStart(11)}  ${f(percentile(r.latencies, 95)).padStart(8)}  ${String(r.visible).padStart(7)}` +
          `  ${f(s.modelRequests / r.keystrokes, 2).padStart(14)}  ${f(finished / Math.max(1, s.modelRequests), 2).padStart(12)}` +
          `  ${f(s.evaluatedTokens / r.keystrokes).padStart(12)}  ${f((100 * (s.cacheHits + s.typedAheadHits)) / r.keystrokes)} %\n`,
      );
    }

    const prompts = new CompletionService({
      getBackend: async () => client,
      settings: () => ({ maxTokens: 1, multiline: "auto", template: "" }),
    });
    const ours = await evaluatedPerKeystroke(client, steps, (s) => prompts.preparePrompt(s, OTHERS).prompt.segments);
    const naive = await evaluatedPerKeystroke(client, steps, naivePrompt);
    process.stdout.write("\nprompt tokens evaluated per keystroke (every keystroke sent, no debounce, 1 token generated)\n");
    process.stdout.write("prompt order           mean eval  p95 eval  max eval  mean prompt  reuse   TTFT p50  p95 (ms)\n");
    for (const [name, r] of [
      ["ours (stable first)", ours],
      ["naive FIM-in-[INST]", naive],
    ] as const) {
      const e = r.evaluated.slice(1);
      process.stdout.write(
        `${name.padEnd(21)}  ${f(mean(e)).padStart(9)}  ${f(percentile(e, 95), 0).padStart(8)}  ${f(Math.max(...e), 0).padStart(8)}  ${f(mean(r.prompt)).padStart(11)}  ${f(100 * (1 - mean(e) / mean(r.prompt.slice(1))))} %  ${f(percentile(r.ttft.slice(1), 50)).padStart(8)}  ${f(percentile(r.ttft.slice(1), 95)).padStart(8)}\n`,
      );
    }
    process.stdout.write(
      `ratio naive/ours (mean tokens evaluated per keystroke): ${f(mean(naive.evaluated.slice(1)) / mean(ours.evaluated.slice(1)), 1)}x\n`,
    );
    return 0;
  } finally {
    await client.dispose();
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench completion: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
