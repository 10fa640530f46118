// The summary table: llama-bench (JSON lines from `llama-bench -o jsonl`), node-llama-cpp direct and
// our engine (results.jsonl), side by side, with the ratio to llama-bench and the fraction of the
// memory-bandwidth ceiling of the GPU measured (its datasheet bandwidth over the weight bytes one
// token reads; see gpuBandwidth.ts).
import { readFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import { argValue, type Result } from "./common";
import { measuredGpu } from "./gpuBandwidth";
import { bytesPerToken, shapedModels } from "./mixtralShaped";

interface BenchLine {
  backends?: string;
  model_filename: string;
  n_prompt: number;
  n_gen: number;
  n_depth: number;
  n_gpu_layers: number;
  avg_ts: number;
  stddev_ts: number;
}

const readLines = <T>(file: string): T[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.trim().startsWith("{"))
        .map((l) => JSON.parse(l) as T)
    : [];

/** The value of one of our measurements in results.jsonl, if it was taken. */
const ourValue = (results: Result[], p: string, test: string, model: string): number | undefined =>
  results.find((r) => r.path === p && r.test === test && r.model === model)?.value;

const f = (v: number | undefined, d = 1) => (v === undefined ? "—" : v.toFixed(d));

/** label, llama-bench, direct, engine, bytes per token (0: not a decode row) */
type ReportRow = [string, number | undefined, number | undefined, number | undefined, number];

/** Each measurement as llama-bench, node-llama-cpp direct and our engine took it. */
function comparisonRows(bench: BenchLine[], results: Result[], dir: string): ReportRow[] {
  const [q4, e1, e3, q3] = shapedModels(dir);
  // llama-bench's CPU-only build (the CPU user's baseline) reports n_gpu_layers 99 too: rows tell
  // the builds apart by `backends`.
  const lbAny = (file: string, pred: (b: BenchLine) => boolean): number | undefined =>
    bench.find((b) => path.basename(b.model_filename) === path.basename(file) && pred(b))?.avg_ts;
  const lb = (file: string, pred: (b: BenchLine) => boolean) => lbAny(file, (b) => b.backends !== "CPU" && pred(b));
  const ours = (p: string, test: string, model: string): number | undefined => ourValue(results, p, test, model);
  const q4n = path.basename(q4.file);
  return [
    [
      "Q4_K_M decode tok/s, tg128 after 512",
      lb(q4.file, (b) => b.n_gen === 128 && b.n_depth === 0 && b.n_gpu_layers >= 33),
      ours("direct", "decode@512", q4n),
      ours("engine", "decode@512", q4n),
      bytesPerToken(q4),
    ],
    [
      "Q4_K_M decode tok/s at 2k context",
      lb(q4.file, (b) => b.n_gen === 128 && b.n_depth === 2048),
      ours("direct", "decode@2048", q4n),
      ours("engine", "decode@2048", q4n),
      bytesPerToken(q4),
    ],
    [
      "Q4_K_M prompt tok/s, 512",
      lb(q4.file, (b) => b.n_prompt === 512 && b.n_depth === 0 && b.n_gpu_layers >= 33),
      ours("direct", "prompt@512", q4n),
      ours("engine", "prompt@512", q4n),
      0,
    ],
    [
      "Q4_K_M 1 expert/token decode",
      lb(e1.file, (b) => b.n_gen === 128),
      undefined,
      ours("engine", "decode@512", `${q4n} experts=1`),
      bytesPerToken(e1),
    ],
    [
      "Q4_K_M 3 experts/token decode",
      lb(e3.file, (b) => b.n_gen === 128),
      undefined,
      ours("engine", "decode@512", `${q4n} experts=3`),
      bytesPerToken(e3),
    ],
    [
      "Q3_K_M decode",
      lb(q3.file, (b) => b.n_gen === 128),
      undefined,
      ours("engine", "decode@512", path.basename(q3.file)),
      bytesPerToken(q3),
    ],
    [
      "Q4_K_M CPU only, decode tg64 after 512",
      lbAny(q4.file, (b) => b.n_gen > 0 && b.backends === "CPU"),
      undefined,
      ours("engine", "decode@512", `${q4n} cpu`),
      0,
    ],
    [
      "Q4_K_M CPU only, prompt 512",
      lbAny(q4.file, (b) => b.n_prompt === 512 && b.backends === "CPU"),
      undefined,
      ours("engine", "prompt@512", `${q4n} cpu`),
      0,
    ],
    [
      "Q4_K_M 20 layers on GPU (24 GB card)",
      lb(q4.file, (b) => b.n_gen > 0 && b.n_gpu_layers === 20),
      undefined,
      ours("engine", "decode@512", `${q4n} ngl=20`),
      0,
    ],
  ];
}

/** Our engine before (engine-base) and after (engine) a change, on the Q4_K_M model. */
function writeBeforeAfter(results: Result[], q4n: string): void {
  const out = process.stdout;
  const ours = (p: string, test: string, model: string): number | undefined => ourValue(results, p, test, model);
  const tests = [
    "decode@512",
    "ttft@512",
    "prompt@512",
    "decode@2048",
    "ttft@2048",
    "prompt@2048",
    "keystroke p50 (KV reuse)",
    "keystroke p50 (no reuse)",
  ];
  out.write(`\n| our engine, Q4_K_M | before (engine-base) | after (engine) | unit |\n|---|---:|---:|---|\n`);
  for (const t of tests) {
    const r = results.find((x) => x.path === "engine" && x.test === t && x.model === q4n);
    out.write(`| ${t} | ${f(ours("engine-base", t, q4n))} | ${f(ours("engine", t, q4n))} | ${r?.unit ?? ""} |\n`);
  }
  out.write(
    `| decode@512, 20 of 33 layers on the GPU | ${f(ours("engine-base", "decode@512", `${q4n} ngl=20`))} | ${f(ours("engine", "decode@512", `${q4n} ngl=20`))} | tok/s |\n`,
  );
}

export function runReport(argv: string[]): void {
  const dir = argValue(argv, "models-dir");
  const bench = readLines<BenchLine>(argValue(argv, "llama-bench"));
  const results = readLines<Result>(argValue(argv, "results"));
  const tbs = argv.includes("--bandwidth-tbs") ? Number(argValue(argv, "bandwidth-tbs")) : undefined;
  const gpu = measuredGpu(tbs);
  const rows = comparisonRows(bench, results, dir);
  const q4n = path.basename(shapedModels(dir)[0].file);
  const out = process.stdout;
  const bw = gpu.bytesPerSecond;
  out.write(`\nbandwidth ceiling: ${gpu.name || "no GPU"} ${bw ? `${(bw / 1e12).toFixed(2)} TB/s` : "unknown (pass --bandwidth-tbs)"}\n`);
  out.write(
    `\n| measurement | llama-bench | node-llama-cpp direct | our engine | engine / llama-bench | engine % of bandwidth ceiling |\n|---|---:|---:|---:|---:|---:|\n`,
  );
  for (const [label, l, d, e, bytes] of rows) {
    const ceiling = bytes > 0 && bw ? bw / bytes : 0;
    out.write(
      `| ${label} | ${f(l)} | ${f(d)} | ${f(e)} | ${l && e ? (e / l).toFixed(3) : "—"} | ${ceiling && e ? `${((100 * e) / ceiling).toFixed(1)} % of ${ceiling.toFixed(0)}` : "—"} |\n`,
    );
  }
  if (results.some((r) => r.path === "engine-base")) writeBeforeAfter(results, q4n);
  out.write(`\nall results:\n`);
  for (const r of results) out.write(`${JSON.stringify(r)}\n`);
}
