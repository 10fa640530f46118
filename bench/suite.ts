// The CPU suite behind `npm run bench`: every section in order (each on its own, one failing does
// not stop the rest), the summary table, then ONE JSON line of headline figures, always last.
import { existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { defaultThreads, physicalCores } from "../src/engine/physicalCores";
import { ensureTinyModel, repoRoot } from "../test/helpers/tinyModel";
import { formatChatView, measureChatView, QUICK as CHAT_QUICK } from "./chatView";
import { measureCancellation, formatCancellation } from "./cancel";
import { formatEngineOverhead, measureEngineOverhead, type EngineOverhead, type EngineOverheadOptions } from "./engine";
import { formatHostCost, measureHostCost } from "./host";
import { formatSpecDecode, runSpecDecode } from "./specdec";
import { run as retrieval } from "./retrieval";
import { nextEditSection } from "./nextedit";
import { benchModelPath, ensureBenchModel } from "./lib/benchModel";
import { measureCompletion, measureReuse } from "./lib/completionFigures";
import type { ReuseComparison } from "./lib/completionReuse";
import { headline } from "./lib/headline";
import { fmt, loadAverage, LoadSampler, machineFacts, round } from "./lib/stats";
import { newOutcomes, runSection, suiteExitCode, type SectionOutcomes } from "./lib/sections";
import { summaryRows, type SuiteFigures } from "./lib/summary";
import { formatMarkdownTable, formatTable, type Row } from "./lib/table";

const out = (s: string): boolean => process.stdout.write(s);

/** What every section needs: the run's size, the threads, the models and the section runner. */
interface SuiteRun {
  quick: boolean;
  threads: number;
  tiny: string;
  /** The ~800 MB model, when generated (a --quick run never generates it). */
  big?: string;
  section: (name: string, fn: () => Promise<void>) => Promise<void>;
}

function formatReuse(r: ReuseComparison, model: string): string {
  return formatTable(
    [
      `${model}: every keystroke in turn (${r.keystrokes} keys, ${r.maxTokens} tokens)`,
      "p50 ms",
      "p95 ms",
      "evaluated/key",
      "prompt tokens",
    ],
    [
      ["KV reuse", fmt(r.reuse.p50Ms), fmt(r.reuse.p95Ms), fmt(r.reuse.evaluatedPerKey), fmt(r.reuse.promptTokens)],
      ["no reuse (slot flushed)", fmt(r.noReuse.p50Ms), fmt(r.noReuse.p95Ms), fmt(r.noReuse.evaluatedPerKey), fmt(r.noReuse.promptTokens)],
    ],
  );
}

/** The suite's options: `--quick`, `--markdown`, `--threads N`. */
function suiteOptions(argv: string[], programs: string[]): { quick: boolean; markdown: boolean; threads?: number } {
  const usage = `(expected --quick, --markdown, --threads N, or a program: ${programs.join(", ")})`;
  let values: { quick?: boolean; markdown?: boolean; threads?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { quick: { type: "boolean" }, markdown: { type: "boolean" }, threads: { type: "string" } },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message} ${usage}`);
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(threads > 0)) throw new Error(`--threads needs a positive number ${usage}`);
  return { quick: values.quick === true, markdown: values.markdown === true, threads };
}

export async function suite(argv: string[], programs: string[]): Promise<number> {
  const { quick, markdown, threads: threadsArg } = suiteOptions(argv, programs);
  const root = repoRoot();
  for (const file of ["dist/engine.js", "dist/extension.js", "out/bench/completion.js"]) {
    if (!existsSync(path.join(root, file))) throw new Error(`${file} is missing: run \`npm run bench\` (it builds first)`);
  }
  const started = performance.now();
  const machine = machineFacts(root);
  const loadAtStart = loadAverage();
  const sampler = new LoadSampler();
  // The engine's own default (physical cores − 1, at least 1): llama.cpp's threads wait for each
  // other after every operation, so on a busy machine a descheduled thread stalls the rest.
  const threads = threadsArg ?? defaultThreads(physicalCores());
  const threadsWhy = threadsArg ? "--threads" : "the engine's default: physical cores − 1";
  out(
    `Mixtral Local CPU benchmarks${quick ? " (--quick)" : ""}: ${machine.date}, commit ${machine.commit}${machine.dirty ? " (+ uncommitted changes)" : ""}\n`,
  );
  out(
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}; ${threads} inference thread(s) (${threadsWhy})\n`,
  );
  out(`load average at start: ${loadAtStart.join(" ")} (shared machine: figures are medians of interleaved runs)\n\n`);

  const f: SuiteFigures = {};
  const outcomes = newOutcomes();
  await measureSuite(f, outcomes, quick, threads);

  const load = sampler.stop();
  const header: Row = ["figure", "baseline", "ours", "ratio / diff", "goal"];
  const rows = summaryRows(f);
  out(`== summary (baseline: node-llama-cpp directly, or no KV reuse) ==\n`);
  out(formatTable(header, rows));
  if (markdown) out("\n" + formatMarkdownTable(header, rows));
  const seconds = (performance.now() - started) / 1000;
  out(
    `load average during the run (1-min): min ${load.min.toFixed(1)}, median ${load.median.toFixed(1)}, max ${load.max.toFixed(1)}; ${seconds.toFixed(0)} s\n`,
  );
  const meta = {
    bench: "cpu",
    quick,
    date: machine.date,
    commit: machine.commit,
    dirty: machine.dirty,
    cpus: machine.cpus,
    memory_gib: machine.memoryGiB,
    threads,
    load_avg_start: loadAtStart,
    load_avg_run: { min: round(load.min, 1), median: round(load.median, 1), max: round(load.max, 1) },
    seconds: round(seconds, 1),
  };
  out(JSON.stringify(headline(f, meta, outcomes)) + "\n");
  return suiteExitCode(outcomes);
}

/** Every section of the suite, in order, each on its own (one failing does not stop the rest). */
async function measureSuite(f: SuiteFigures, outcomes: SectionOutcomes, quick: boolean, threads: number): Promise<void> {
  const section = (name: string, fn: () => Promise<void>): Promise<void> =>
    runSection(name, fn, outcomes, out, () => `, load ${os.loadavg()[0].toFixed(1)}`);
  const tiny = await ensureTinyModel("q8_0");
  const run: SuiteRun = { quick, threads, tiny, section };
  run.big = await measureOverheads(f, run, outcomes.errors);
  await measureCompletionSections(f, run);
  await measureBigModelSections(f, run);
  await section("chat view (dist/webview.js in Chromium)", async () => {
    f.chat = await measureChatView(quick ? CHAT_QUICK : {});
    out(formatChatView(f.chat));
  });

  // Prints "skipped: …" without the corpus's git mirrors ($MIXTRAL_MIRRORS); --quick: 2 commits a repository, no scale run.
  await section("workspace retrieval (bench/retrieval)", async () => {
    await retrieval(quick ? ["--per-repo", "2", "--no-scale"] : []);
  });
}

/** Engine overhead on the tiny model, then on the ~800 MB one; returns the latter's path when there is one. */
async function measureOverheads(f: SuiteFigures, run: SuiteRun, errors: Record<string, string>): Promise<string | undefined> {
  const { quick, threads, tiny, section } = run;
  const overheadRun = async (o: EngineOverheadOptions): Promise<EngineOverhead> => {
    const r = await measureEngineOverhead({ backend: "cpu", gpuLayers: 0, threads, ...o });
    out(formatEngineOverhead(r));
    return r;
  };
  await section("engine overhead, tiny model", async () => {
    f.tiny = await overheadRun(
      quick ? { modelPath: tiny, tokens: 64, promptWords: 200, runs: 9 } : { modelPath: tiny, tokens: 128, promptWords: 400, runs: 21 },
    );
  });
  // --quick never generates the big model (a minute or more); it uses it when a full run left it.
  let big: string | undefined;
  try {
    big = quick
      ? existsSync(benchModelPath())
        ? benchModelPath()
        : undefined
      : await ensureBenchModel(() => out("generating the ~800 MB benchmark model (once)…\n"));
  } catch (error) {
    errors["800 MB model"] = error instanceof Error ? error.message : String(error);
  }
  if (big) {
    await section("engine overhead, ~800 MB Mixtral-architecture model", async () => {
      f.big = await overheadRun(
        quick ? { modelPath: big, tokens: 32, promptWords: 100, runs: 2 } : { modelPath: big, tokens: 128, promptWords: 400, runs: 5 },
      );
    });
  } else {
    out("== engine overhead, ~800 MB model: skipped (not generated yet; a full `npm run bench` generates it) ==\n\n");
  }
  return big;
}

/** Inline completion (and its KV reuse on the big model), cancellation and host cost. */
async function measureCompletionSections(f: SuiteFigures, { quick, threads, tiny, big, section }: SuiteRun): Promise<void> {
  await section("inline completion (tiny model)", async () => {
    f.completion = await measureCompletion({
      modelPath: tiny,
      debounces: quick ? [100] : [0, 50, 100, 200],
      maxTokens: 16,
      threads,
      reuseKeystrokes: quick ? 40 : undefined,
    });
    out(f.completion.raw + "\n");
    const r = f.completion.reuse;
    out(formatReuse(r, "tiny model"));
  });
  if (big && !quick) {
    await section("inline completion, KV reuse vs none (~800 MB model)", async () => {
      f.reuseBig = await measureReuse({ modelPath: big, maxTokens: 16, threads, keystrokes: 13 });
      out(formatReuse(f.reuseBig, "800 MB model"));
    });
  }
  await section(`cancellation (${quick || !big ? "tiny" : "~800 MB"} model)`, async () => {
    f.cancel = await measureCancellation(
      quick || !big ? { modelPath: tiny, trials: 2, threads } : { modelPath: big, promptWords: 1000, trials: 3, threads },
    );
    out(formatCancellation(f.cancel));
  });
  await section(`host cost (${quick || !big ? "tiny" : "~800 MB"} model in the engine)`, async () => {
    f.host = await measureHostCost({ modelPath: quick || !big ? tiny : big, loads: quick ? 3 : 5, threads });
    out(formatHostCost(f.host));
  });
}

/** Speculative decoding and next-edit suggestions: only with the ~800 MB model. */
async function measureBigModelSections(f: SuiteFigures, { quick, threads, big, section }: SuiteRun): Promise<void> {
  if (big) {
    await section("speculative decoding on real edits (~800 MB model, output forced to the real edit)", async () => {
      f.specdec = await runSpecDecode(
        quick
          ? // --quick: a smoke run (~15 s at 50 tok/s); the full run is the figure.
            { modelPath: big, threads, edits: 2, arms: ["off", "auto"], maxAnswerTokens: 64, chatRuns: 2, chatTokens: 32 }
          : { modelPath: big, threads, edits: 24, chatRuns: 5, onEdit: (line) => out(line) },
      );
      out(formatSpecDecode(f.specdec));
    });
  }
  if (big)
    await section("next-edit suggestions on real multi-hunk commits (~800 MB model, answer forced to the next hunk)", async () => {
      f.nextedit = await nextEditSection({ modelPath: big, threads, cases: quick ? 2 : 12 }, out);
    });
}
