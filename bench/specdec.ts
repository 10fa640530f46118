// Benchmark (a program, not a test): input-lookup speculative decoding on real edits, through the
// extension's engine process. Per edit: decode tokens/s per arm (off / auto / always) with the
// output forced to the real edit (bench/lib/specDecode.ts), then medians and spread of the ratio
// to "off" on the edits that keep most of their lines, and free chat with nothing to copy.
//
//   node out/bench/specdec.js [--model <gguf>] [--edits N] [--threads N] [--arms off,auto,always]
//                             [--backend auto|cuda|cpu] [--gpu-layers auto|max|N] [--chat-runs 3]
//                             [--chat-tokens 64] [--max-answer-tokens N] [--engine <dist/engine.js>]
//                             [--completions]  (also inline-completion-shaped requests: does it pay there?)
//                             [--completions-only]  (those and free chat, no edits)
// The corpus: bench/data (bench/editCorpusTool.js materialize writes .cache/edit-corpus.json).
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { Backend, Speculation } from "../src/shared/engineProtocol";
import { benchModelPath } from "./lib/benchModel";
import { openBenchEngine } from "./lib/benchEngine";
import { loadEditCorpus, type Edit } from "./lib/editCorpus";
import { CPU_MIXTRAL_COSTS, GPU_MIXTRAL_COSTS } from "../src/core/speculation/draftPolicy";
import { ARMS, measureSpecDecode, modeledRatio, type EditRun, type SpecDecodeFigures } from "./lib/specDecode";
import { median, percentile } from "./lib/stats";
import { fmt } from "./lib/stats";
import { formatTable } from "./lib/table";
import { flag, given, gpuLayersOption, num, text } from "./lib/cliOptions";

export interface SpecDecodeRunOptions {
  modelPath: string;
  /** How many edits (spread over the corpus, every language). Default all. */
  edits?: number;
  threads?: number;
  arms?: readonly Speculation[];
  backend?: Backend;
  gpuLayers?: "auto" | "max" | number;
  chatRuns?: number;
  chatTokens?: number;
  maxAnswerTokens?: number;
  completions?: boolean;
  completionsOnly?: boolean;
  enginePath?: string;
  contextSize?: number;
  onEdit?: (line: string) => void;
}

export interface SpecDecodeRun extends SpecDecodeFigures {
  description: string;
  arms: readonly Speculation[];
  gpu: boolean;
}

/** `count` edits taken evenly through the corpus (it is grouped by repository). */
export function pickEdits(all: readonly Edit[], count: number | undefined): Edit[] {
  if (count === undefined || count >= all.length) return all.slice();
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]);
}

export function editLine(r: EditRun, arms: readonly Speculation[]): string {
  const off = r.arms.off?.tokensPerSecond ?? NaN;
  const parts = arms.map((a) => {
    const x = r.arms[a];
    if (!x) return `${a} -`;
    return a === "off"
      ? `off ${fmt(off)} tok/s`
      : `${a} ${fmt(x.tokensPerSecond)} (${fmt(x.tokensPerSecond / off, 2)}x, ${x.accepted}/${x.proposed} accepted in ${x.drafts} drafts)`;
  });
  const g = r.simulatedGpu;
  return `${r.id.padEnd(22)} ${r.language.padEnd(10)} kept ${fmt(r.kept, 2)} ${String(r.arms.off?.tokens ?? "").padStart(4)} tok  ${parts.join("  ")}  [H200 model: ${fmt(g.ratio, 2)}x, ${g.accepted}/${g.proposed} in ${g.drafts}]${r.identical ? "" : "  OUTPUT DIFFERS"}${r.forced ? "" : "  FORCING LOST (not the real edit: these figures measure nothing)"}\n`;
}

export async function runSpecDecode(o: SpecDecodeRunOptions): Promise<SpecDecodeRun> {
  const edits = pickEdits(loadEditCorpus(), o.edits);
  const arms = o.arms ?? ARMS;
  const { client, info, description } = await openBenchEngine({
    modelPath: o.modelPath,
    backend: o.backend,
    gpuLayers: o.gpuLayers,
    threads: o.threads,
    enginePath: o.enginePath,
    contextSize: o.contextSize,
  });
  try {
    o.onEdit?.(`${description}; ${edits.length} edits, arms ${arms.join(", ")}\n`);
    const figures = await measureSpecDecode(client, edits, {
      arms,
      chatRuns: o.chatRuns,
      chatTokens: o.chatTokens,
      maxAnswerTokens: o.maxAnswerTokens,
      completions: o.completions,
      completionsOnly: o.completionsOnly,
      onEdit: (r) => o.onEdit?.(editLine(r, arms)),
    });
    return { ...figures, description, arms, gpu: info.gpuLayers > 0 && info.gpuLayers >= info.layerCount };
  } finally {
    await client.dispose();
  }
}

export function formatSpecDecode(r: SpecDecodeRun): string {
  const rows = r.arms
    .filter((a) => a !== "off")
    .map((a) => {
      const s = r.summary[a];
      return s
        ? [
            `${a} ÷ off`,
            fmt(s.median, 2),
            `${fmt(s.p25, 2)} – ${fmt(s.p75, 2)}`,
            `${fmt(s.min, 2)} – ${fmt(s.max, 2)}`,
            `${fmt(100 * s.acceptedShare, 0)} %`,
          ]
        : [`${a} ÷ off`, "-", "-", "-", "-"];
    });
  const counted = r.edits.filter((e) => e.keepsMost).length;
  const differs = r.edits.filter((e) => !e.identical).length;
  const lost = r.edits.filter((e) => !e.forced).length;
  // From step counts: this machine's table (the one the engine used) and, for "always" (whose
  // drafts do not depend on the table), the H200's: what these drafts would give there.
  const table = r.gpu ? GPU_MIXTRAL_COSTS : CPU_MIXTRAL_COSTS;
  for (const [i, a] of r.arms.filter((x) => x !== "off").entries()) {
    const runs = r.edits.filter((e) => e.keepsMost && e.arms[a]).map((e) => e.arms[a]!);
    rows[i].push(
      fmt(median(runs.map((x) => modeledRatio(x, table))), 2),
      a === "always" && !r.gpu ? fmt(median(runs.map((x) => modeledRatio(x, GPU_MIXTRAL_COSTS))), 2) : "",
    );
  }
  let text = !r.edits.length
    ? ""
    : formatTable(
        [
          `decode tok/s ratio, ${counted} of ${r.edits.length} edits keep most lines`,
          "median",
          "p25 – p75",
          "min – max",
          "drafted tokens accepted",
          "modeled, this table",
          "modeled, H200 table",
        ],
        rows,
      );
  const sim = r.edits.filter((e) => e.keepsMost).map((e) => e.simulatedGpu.ratio);
  if (sim.length)
    text += `auto replayed on the H200 table (no clock: the product's lookup and policy, steps × measured cost), ${sim.length} edits keeping most lines: median ${fmt(median(sim), 2)}x (p25 ${fmt(percentile(sim, 25), 2)}, p75 ${fmt(percentile(sim, 75), 2)})\n`;
  if (r.chat)
    text += `free chat, nothing to copy (${r.chat.tokens} tokens, median of ${r.chat.runs}): off ${fmt(r.chat.off)} tok/s, auto ${fmt(r.chat.auto)} tok/s, ratio ${fmt(r.chat.ratio, 3)}; best runs ${fmt(r.chat.bestOff)} / ${fmt(r.chat.bestAuto)}, ratio ${fmt(r.chat.bestRatio, 3)} (goal ≥ 0.97)\n`;
  if (r.completion) {
    const c = r.completion;
    text +=
      `inline-completion-shaped requests (${c.requests}, ${fmt(c.tokens)} tokens each, chat slot): ` +
      r.arms
        .filter((a) => a !== "off" && c.arms[a])
        .map(
          (a) =>
            `${a} ${fmt(c.arms[a]!.median, 2)}x of off (${c.arms[a]!.drafts} drafts, ${fmt(100 * c.arms[a]!.acceptedShare, 0)} % accepted)`,
        )
        .join(", ") +
      "\n";
  }
  if (lost) text += `FORCING LOST on ${lost} edit(s): the model did not write the real answer, so their figures measure nothing\n`;
  text += differs ? `${differs} edit(s) wrote different text across arms\n` : "every arm wrote the same text on every edit\n";
  return text;
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: text,
      edits: text,
      threads: text,
      arms: text,
      backend: text,
      "gpu-layers": text,
      "chat-runs": text,
      "chat-tokens": text,
      engine: text,
      "max-answer-tokens": text,
      completions: flag,
      "completions-only": flag,
    },
  });
  const o: SpecDecodeRunOptions = given({
    modelPath: v.model ?? benchModelPath(),
    edits: num(v.edits),
    threads: num(v.threads),
    arms: v.arms?.split(",") as Speculation[] | undefined,
    backend: v.backend as Backend | undefined,
    gpuLayers: gpuLayersOption(v["gpu-layers"]),
    chatRuns: num(v["chat-runs"]),
    chatTokens: num(v["chat-tokens"]),
    enginePath: v.engine,
    maxAnswerTokens: num(v["max-answer-tokens"]),
    completions: v.completions,
    completionsOnly: v["completions-only"],
  });
  if (!existsSync(o.modelPath)) throw new Error(`${o.modelPath} is missing (a full \`npm run bench\` generates the ~800 MB model)`);
  const r = await runSpecDecode({ ...o, onEdit: (line) => process.stdout.write(line) });
  process.stdout.write(formatSpecDecode(r));
  return r.edits.every((e) => e.identical && e.forced) ? 0 : 1;
}

// The file name too: bundled into bench/gpu's gpuBench.js, every module is the main one.
if (require.main === module && path.basename(process.argv[1] ?? "") === "specdec.js") {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`specdec: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
