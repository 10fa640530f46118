// `npm run bench`: the CPU benchmark suite (engine overhead on the tiny and the ~800 MB model,
// inline completion, cancellation, host cost), a summary table, then ONE JSON line of headline
// figures, always last (also when a section fails: its error goes into the line).
//   node out/bench/index.js [--quick] [--markdown] [--threads N]   the suite (--quick: under two minutes)
//   node out/bench/index.js <engine|completion|cancel|host|chat> [args…]   one program, its own args
// Static imports: under tsc's node16 CommonJS output a dynamic import() of a relative .ts path
// would need a ".js" extension; each module only defines `run` (and starts itself only as main).
import { existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { defaultThreads, physicalCores } from "../src/engine/physicalCores";
import { ensureTinyModel, repoRoot } from "../test/helpers/tinyModel";
import { formatChatView, measureChatView, QUICK as CHAT_QUICK, run as chat, type ChatViewFigures } from "./chatView";
import { measureCancellation, formatCancellation, run as cancel, type CancelFigures } from "./cancel";
import { run as completion } from "./completion";
import { formatEngineOverhead, measureEngineOverhead, run as engine, type EngineOverhead, type EngineOverheadOptions } from "./engine";
import { formatHostCost, measureHostCost, run as host, type HostCost } from "./host";
import { formatSpecDecode, run as specdec, runSpecDecode, type SpecDecodeRun } from "./specdec";
import { run as retrieval } from "./retrieval";
import { modeledRatio } from "./lib/specDecode";
import { nextEditSection, nextEditSummary, run as nextedit, type NextEditRun } from "./nextedit";
import { GPU_MIXTRAL_COSTS } from "../src/core/speculation/draftPolicy";
import { benchModelPath, ensureBenchModel } from "./lib/benchModel";
import { measureCompletion, measureReuse, type CompletionFigures } from "./lib/completionFigures";
import type { ReuseComparison } from "./lib/completionReuse";
import { fmt, loadAverage, LoadSampler, machineFacts, median, ratio, round } from "./lib/stats";
import { newOutcomes, runSection, suiteExitCode, type SectionOutcomes } from "./lib/sections";
import { formatMarkdownTable, formatTable, type Row } from "./lib/table";

const benches: Record<string, (args: string[]) => Promise<number>> = {
  engine,
  completion,
  cancel,
  host,
  chat,
  specdec,
  retrieval,
  nextedit,
};

interface SuiteFigures {
  tiny?: EngineOverhead;
  big?: EngineOverhead;
  completion?: CompletionFigures;
  /** KV reuse versus none on the ~800 MB model (full runs only). */
  reuseBig?: ReuseComparison;
  cancel?: CancelFigures;
  host?: HostCost;
  chat?: ChatViewFigures;
  /** Speculative decoding on real edits, ~800 MB model. */
  specdec?: SpecDecodeRun;
  /** Next-edit suggestions on real multi-hunk commits, ~800 MB model. */
  nextedit?: NextEditRun;
}

const out = (s: string): boolean => process.stdout.write(s);

function summaryRows(f: SuiteFigures): Row[] {
  const rows: Row[] = [];
  const overhead = (label: string, r: EngineOverhead | undefined): void => {
    if (!r) return;
    rows.push([`${label}: decode tok/s`, fmt(r.direct.tokensPerSecond), fmt(r.engine.tokensPerSecond), fmt(r.decodeRatio, 3), "≥ 0.97"]);
    rows.push([
      `${label}: decode tok/s, best run`,
      fmt(r.direct.bestTokensPerSecond),
      fmt(r.engine.bestTokensPerSecond),
      fmt(ratio(r.engine.bestTokensPerSecond, r.direct.bestTokensPerSecond), 3),
      "≥ 0.97",
    ]);
    rows.push([
      `${label}: TTFT ms (${r.promptTokens}-token prompt)`,
      fmt(r.direct.ttftMs),
      fmt(r.engine.ttftMs),
      `${r.ttftDiffMs >= 0 ? "+" : ""}${fmt(r.ttftDiffMs)} ms`,
      "",
    ]);
  };
  overhead("tiny model", f.tiny);
  overhead("800 MB model", f.big);
  const c = f.completion;
  if (c) {
    const row = c.rows.find((r) => r.debounceMs === 100) ?? c.rows[0];
    if (row) {
      rows.push([
        `completion session (debounce ${row.debounceMs} ms): keystroke→suggestion p50 / p95 ms`,
        "",
        `${fmt(row.p50Ms)} / ${fmt(row.p95Ms)}`,
        "",
        "",
      ]);
      rows.push([
        `  prompt tokens evaluated (${row.evaluatedLabel}) / cache hit rate`,
        "",
        `${fmt(row.evaluated)} / ${fmt(row.cacheHitPercent)} %`,
        "",
        "",
      ]);
    }
    const r = c.reuse;
    rows.push([
      `tiny model, every keystroke, no reuse vs reuse: latency p50 ms (${r.keystrokes} keys)`,
      fmt(r.noReuse.p50Ms),
      fmt(r.reuse.p50Ms),
      `${fmt(r.latencyRatio, 1)}x faster`,
      "",
    ]);
    rows.push([
      "  tokens evaluated per keystroke",
      fmt(r.noReuse.evaluatedPerKey),
      fmt(r.reuse.evaluatedPerKey),
      `${fmt(r.evaluatedRatio, 1)}x fewer`,
      "new + a handful",
    ]);
    if (f.reuseBig) {
      const b = f.reuseBig;
      rows.push([
        `800 MB model, no reuse vs reuse: latency p50 ms (${b.keystrokes} keys)`,
        fmt(b.noReuse.p50Ms),
        fmt(b.reuse.p50Ms),
        `${fmt(b.latencyRatio, 1)}x faster`,
        "",
      ]);
      rows.push([
        "  tokens evaluated per keystroke",
        fmt(b.noReuse.evaluatedPerKey),
        fmt(b.reuse.evaluatedPerKey),
        `${fmt(b.evaluatedRatio, 1)}x fewer`,
        "new + a handful",
      ]);
    }
    if (Number.isFinite(c.naiveOverOurs))
      rows.push([
        "  naive FIM prompt vs ours: tokens evaluated per keystroke",
        fmt(c.naiveEvaluatedPerKey),
        fmt(c.oursEvaluatedPerKey),
        `${fmt(c.naiveOverOurs, 1)}x fewer`,
        "",
      ]);
  }
  const k = f.cancel;
  if (k) {
    rows.push([
      `abort during prompt eval → engine free, ms (${k.promptTokens}-token prompt)`,
      fmt(k.direct.prompt.freeMs),
      fmt(k.engine.prompt.freeMs),
      fmt(ratio(k.direct.prompt.freeMs, k.engine.prompt.freeMs), 1) + "x",
      "",
    ]);
    rows.push(["abort during generation → engine free, ms", fmt(k.direct.generation.freeMs), fmt(k.engine.generation.freeMs), "", ""]);
  }
  const sd = f.specdec;
  if (sd) {
    for (const arm of ["auto", "always"] as const) {
      const x = sd.summary[arm];
      if (x)
        rows.push([
          `speculative decoding "${arm}", real edits keeping most lines: decode ratio median (p25–p75)`,
          "1",
          `${fmt(x.median, 2)} (${fmt(x.p25, 2)}–${fmt(x.p75, 2)})`,
          `${fmt(100 * x.acceptedShare, 0)} % drafted accepted`,
          arm === "auto" ? "≥ 2 (GPU)" : "",
        ]);
    }
    if (sd.chat) {
      rows.push([
        "speculative decoding, free chat with nothing to copy: tok/s",
        fmt(sd.chat.off),
        fmt(sd.chat.auto),
        fmt(sd.chat.ratio, 3),
        "≥ 0.97",
      ]);
      rows.push(["  best run", fmt(sd.chat.bestOff), fmt(sd.chat.bestAuto), fmt(sd.chat.bestRatio, 3), "≥ 0.97"]);
    }
  }
  const ne = f.nextedit && nextEditSummary(f.nextedit);
  if (ne)
    rows.push([
      `next edit, ${ne.cases} real commits: request → suggestion p50 / p95 ms, speculation off vs auto`,
      `${fmt(ne.off.p50)} / ${fmt(ne.off.p95)}`,
      `${fmt(ne.auto.p50)} / ${fmt(ne.auto.p95)}`,
      `${fmt(ne.auto.generatedShare * 100, 0)} % of tokens generated, ${ne.exact}/${ne.cases} exact`,
      "p50 ≤ 300 (GPU)",
    ]);
  const h = f.host;
  if (h) {
    rows.push(["require(dist/extension.js) ms (stub vscode, module load only)", "", fmt(h.requireMs), "", ""]);
    rows.push([
      "host RSS MB (model in engine) vs engine peak RSS MB",
      fmt(h.enginePeakMb),
      fmt(h.hostRssMb),
      fmt(ratio(h.hostRssMb, h.enginePeakMb), 3),
      "host holds no model",
    ]);
    rows.push(["dist/extension.js KB", "", fmt(h.extensionBytes / 1024), "", ""]);
  }
  const v = f.chat;
  if (v) {
    rows.push([
      `chat view, ${v.tokens} tokens at 100 tok/s (naive full re-render vs ours): frames/s`,
      fmt(v.naive.fps),
      fmt(v.ours.fps),
      "",
      "60",
    ]);
    rows.push([
      "  script ms per chunk p95 / long tasks > 50 ms",
      `${fmt(v.naive.chunkP95Ms, 2)} / ${fmt(v.naive.longTasks, 0)}`,
      `${fmt(v.ours.chunkP95Ms, 2)} / ${fmt(v.ours.longTasks, 0)}`,
      `${fmt(ratio(v.naive.chunkP95Ms, v.ours.chunkP95Ms), 1)}x`,
      "",
    ]);
    rows.push([
      "  DOM nodes inserted per chunk",
      fmt(v.naive.insertedPerChunk),
      fmt(v.ours.insertedPerChunk),
      `${fmt(ratio(v.naive.insertedPerChunk, v.ours.insertedPerChunk), 1)}x fewer`,
      "",
    ]);
    const hv = v.history;
    rows.push([
      `chat view, ${hv.turns}-turn conversation (${hv.lines} lines): busy ms per chunk, empty vs long`,
      fmt(v.ours.busyPerChunkMs, 2),
      fmt(hv.stream.busyPerChunkMs, 2),
      fmt(ratio(hv.stream.busyPerChunkMs, v.ours.busyPerChunkMs), 2),
      "flat (≈ 1)",
    ]);
    rows.push(["  replay into a fresh view / send a message, ms", "", `${fmt(hv.replayMs)} / ${fmt(hv.sendMs)}`, "", ""]);
  }
  return rows;
}

function headline(f: SuiteFigures, meta: Record<string, unknown>, { errors, skipped }: SectionOutcomes): Record<string, unknown> {
  const overhead = (r: EngineOverhead | undefined): Record<string, unknown> | null =>
    r
      ? {
          prompt_tokens: r.promptTokens,
          new_tokens: r.tokens,
          direct_tok_s: round(r.direct.tokensPerSecond, 1),
          engine_tok_s: round(r.engine.tokensPerSecond, 1),
          decode_ratio: round(r.decodeRatio, 3),
          best_decode_ratio: round(ratio(r.engine.bestTokensPerSecond, r.direct.bestTokensPerSecond), 3),
          direct_ttft_ms: round(r.direct.ttftMs, 1),
          engine_ttft_ms: round(r.engine.ttftMs, 1),
          ttft_diff_ms: round(r.ttftDiffMs, 1),
        }
      : null;
  const c = f.completion;
  const row = c ? (c.rows.find((r) => r.debounceMs === 100) ?? c.rows[0]) : undefined;
  const k = f.cancel;
  const h = f.host;
  return {
    ...meta,
    engine_tiny: overhead(f.tiny),
    engine_800mb: overhead(f.big),
    completion: c
      ? {
          debounce_ms: row?.debounceMs ?? null,
          p50_ms: round(row?.p50Ms ?? NaN, 1),
          p95_ms: round(row?.p95Ms ?? NaN, 1),
          evaluated: round(row?.evaluated ?? NaN, 1),
          evaluated_unit: row?.evaluatedLabel ?? null,
          cache_hit_pct: round(row?.cacheHitPercent ?? NaN, 1),
          every_key_reuse_p50_ms: round(c.reuse.reuse.p50Ms, 1),
          every_key_no_reuse_p50_ms: round(c.reuse.noReuse.p50Ms, 1),
          reuse_latency_ratio: round(c.reuse.latencyRatio, 2),
          evaluated_per_key_reuse: round(c.reuse.reuse.evaluatedPerKey, 1),
          evaluated_per_key_no_reuse: round(c.reuse.noReuse.evaluatedPerKey, 1),
          reuse_evaluated_ratio: round(c.reuse.evaluatedRatio, 1),
          naive_over_ours_evaluated: round(c.naiveOverOurs, 1),
          reuse_800mb: f.reuseBig
            ? {
                keystrokes: f.reuseBig.keystrokes,
                reuse_p50_ms: round(f.reuseBig.reuse.p50Ms, 1),
                no_reuse_p50_ms: round(f.reuseBig.noReuse.p50Ms, 1),
                latency_ratio: round(f.reuseBig.latencyRatio, 1),
                evaluated_per_key_reuse: round(f.reuseBig.reuse.evaluatedPerKey, 1),
                evaluated_per_key_no_reuse: round(f.reuseBig.noReuse.evaluatedPerKey, 1),
              }
            : null,
        }
      : null,
    cancel: k
      ? {
          prompt_tokens: k.promptTokens,
          prompt_free_engine_ms: round(k.engine.prompt.freeMs, 1),
          prompt_free_direct_ms: round(k.direct.prompt.freeMs, 1),
          generation_free_engine_ms: round(k.engine.generation.freeMs, 1),
          generation_free_direct_ms: round(k.direct.generation.freeMs, 1),
          prompt_settle_engine_ms: round(k.engine.prompt.settleMs, 1),
          prompt_settle_direct_ms: round(k.direct.prompt.settleMs, 1),
        }
      : null,
    host: h
      ? {
          require_ms: round(h.requireMs, 1),
          host_rss_mb: round(h.hostRssMb, 1),
          engine_rss_mb: round(h.engineRssMb, 1),
          engine_peak_mb: round(h.enginePeakMb, 1),
          model_mb: round(h.modelMb, 1),
          extension_kb: round(h.extensionBytes / 1024, 1),
          native_in_host: h.nativeInHost.length,
        }
      : null,
    chat_view: f.chat
      ? {
          tokens: f.chat.tokens,
          fps_ours: round(f.chat.ours.fps, 1),
          fps_naive: round(f.chat.naive.fps, 1),
          chunk_p95_ms_ours: round(f.chat.ours.chunkP95Ms, 2),
          chunk_p95_ms_naive: round(f.chat.naive.chunkP95Ms, 2),
          long_tasks_ours: round(f.chat.ours.longTasks, 1),
          long_tasks_naive: round(f.chat.naive.longTasks, 1),
          nodes_per_chunk_ours: round(f.chat.ours.insertedPerChunk, 1),
          nodes_per_chunk_naive: round(f.chat.naive.insertedPerChunk, 1),
          history_turns: f.chat.history.turns,
          history_lines: f.chat.history.lines,
          replay_ms: round(f.chat.history.replayMs, 1),
          send_ms: round(f.chat.history.sendMs, 1),
          busy_per_chunk_ms_empty: round(f.chat.ours.busyPerChunkMs, 2),
          busy_per_chunk_ms_history: round(f.chat.history.stream.busyPerChunkMs, 2),
          scroll_p95_ms: round(f.chat.history.scrollP95Ms, 1),
          heap_mb: round(f.chat.history.heapAfterMb, 1),
        }
      : null,
    specdec: f.specdec
      ? {
          edits: f.specdec.edits.length,
          keeps_most: f.specdec.edits.filter((e) => e.keepsMost).length,
          identical: f.specdec.edits.every((e) => e.identical),
          forced: f.specdec.edits.every((e) => e.forced),
          auto_median: round(f.specdec.summary.auto?.median ?? NaN, 3),
          auto_p25: round(f.specdec.summary.auto?.p25 ?? NaN, 3),
          auto_p75: round(f.specdec.summary.auto?.p75 ?? NaN, 3),
          always_median: round(f.specdec.summary.always?.median ?? NaN, 3),
          always_p25: round(f.specdec.summary.always?.p25 ?? NaN, 3),
          always_p75: round(f.specdec.summary.always?.p75 ?? NaN, 3),
          always_accepted_share: round(f.specdec.summary.always?.acceptedShare ?? NaN, 3),
          auto_replayed_h200_median: round(median(f.specdec.edits.filter((e) => e.keepsMost).map((e) => e.simulatedGpu.ratio)), 3),
          always_modeled_h200_median: round(
            median(f.specdec.edits.filter((e) => e.keepsMost && e.arms.always).map((e) => modeledRatio(e.arms.always!, GPU_MIXTRAL_COSTS))),
            3,
          ),
          chat_off_tok_s: round(f.specdec.chat?.off ?? NaN, 1),
          chat_auto_tok_s: round(f.specdec.chat?.auto ?? NaN, 1),
          chat_ratio: round(f.specdec.chat?.ratio ?? NaN, 3),
          chat_best_ratio: round(f.specdec.chat?.bestRatio ?? NaN, 3),
        }
      : null,
    nextedit: f.nextedit ? nextEditSummary(f.nextedit) : null,
    errors: Object.keys(errors).length ? errors : null,
    skipped: Object.keys(skipped).length ? skipped : null,
  };
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
function suiteOptions(argv: string[]): { quick: boolean; markdown: boolean; threads?: number } {
  const usage = `(expected --quick, --markdown, --threads N, or a program: ${Object.keys(benches).join(", ")})`;
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

async function suite(argv: string[]): Promise<number> {
  const { quick, markdown, threads: threadsArg } = suiteOptions(argv);
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
  const { errors } = outcomes;
  const section = (name: string, fn: () => Promise<void>): Promise<void> =>
    runSection(name, fn, outcomes, out, () => `, load ${os.loadavg()[0].toFixed(1)}`);
  const tiny = await ensureTinyModel("q8_0");
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
  await section("chat view (dist/webview.js in Chromium)", async () => {
    f.chat = await measureChatView(quick ? CHAT_QUICK : {});
    out(formatChatView(f.chat));
  });

  // Prints "skipped: …" without the corpus's git mirrors ($MIXTRAL_MIRRORS); --quick: 2 commits a repository, no scale run.
  await section("workspace retrieval (bench/retrieval)", async () => {
    await retrieval(quick ? ["--per-repo", "2", "--no-scale"] : []);
  });
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name && benches[name]) return benches[name](rest);
  return suite(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
