// Benchmark (a program, not a test) of the workspace index (issue 24), in one run, side by side:
// file localization on 350 real commits of 14 repositories (bench/data/retrieval.json) for the
// index, BM25 over whole files and ripgrep hit counts; then the index's scale figures on a large
// repository (bench/lib/retrievalScale.ts).
//
//   node out/bench/retrieval.js [--mirrors DIR] [--repos owner/name,…] [--per-repo N] [--arms ours,bm25,rg]
//                               [--no-scale | --scale-only] [--markdown] [--verbose]
//
// Mirrors: --mirrors, else $MIXTRAL_MIRRORS (a folder of git mirrors in the fetch tool's layout,
// DIR/owner+name/repo). Without them the program prints "skipped: …" and exits 0.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../test/helpers/tinyModel";
import { RipgrepHitCount, type RetrievalArm, WholeFileBm25 } from "./lib/retrievalBaselines";
import { isSourcePath, isTestPath, loadRetrievalManifest } from "./lib/retrievalCorpus";
import { scaleRows } from "./lib/retrievalScaleTable";
import { WorkspaceIndexArm } from "./lib/retrievalOurs";
import { type ScoreSummary, slotShares } from "./lib/retrievalMetrics";
import { hasMirror, type LocalizationFigures, measureLocalization, mirroredRepos, mirrorsPresent, writeOutcomes } from "./lib/retrievalRun";
import { fmt, loadAverage, LoadSampler, machineFacts, median, percentile, ratio } from "./lib/stats";
import { SCALE_REPOS, type ScaleFigures } from "./retrievalScale";
import { formatMarkdownTable, formatTable, type Row } from "./lib/table";

const ARMS: Record<string, () => RetrievalArm> = {
  ours: () => new WorkspaceIndexArm(),
  bm25: () => new WholeFileBm25(),
  rg: () => new RipgrepHitCount(),
};
export const BASELINE_ARM = "BM25 whole files";

export const OUTCOMES_FILE = path.join(repoRoot(), ".cache", "retrieval-outcomes.json");

const cells = (s: ScoreSummary | undefined): string[] =>
  s ? [fmt(s.recall1, 2), fmt(s.recall5, 2), fmt(s.recall10, 2), fmt(s.mrr, 2)] : ["-", "-", "-", "-"];

/** The overall table: one row per arm, then the ratio of the first arm to the BM25 baseline. */
export function overallRows(f: LocalizationFigures): Row[] {
  const rows: Row[] = f.armNames.map((n) => [
    n,
    String(f.overall[n].n),
    ...cells(f.overall[n]),
    `${fmt(median(f.queryMs[n]), 1)} / ${fmt(percentile(f.queryMs[n], 95), 1)}`,
  ]);
  const [first] = f.armNames;
  const base = f.overall[BASELINE_ARM];
  if (first && first !== BASELINE_ARM && base) {
    const a = f.overall[first];
    rows.push([
      `${first} ÷ BM25`,
      "",
      fmt(ratio(a.recall1, base.recall1), 2),
      fmt(ratio(a.recall5, base.recall5), 2),
      fmt(ratio(a.recall10, base.recall10), 2),
      fmt(ratio(a.mrr, base.mrr), 2),
      "",
    ]);
  }
  return rows;
}

export const OVERALL_HEADER: Row = ["arm", "commits", "R@1", "R@5", "R@10", "MRR", "query ms p50 / p95"];

/** Per repository: R@1 R@5 R@10 MRR of each arm in one cell. */
export function repoRows(f: LocalizationFigures): { header: Row; rows: Row[] } {
  const header: Row = ["repository", "lang", "files", "n", ...f.armNames.map((n) => `${n}: R@1 R@5 R@10 MRR`)];
  const rows = f.repos.map((r) => [
    r.repo,
    r.language,
    String(r.files),
    String(r.arms[f.armNames[0]]?.n ?? 0),
    ...f.armNames.map((n) => cells(r.arms[n]).join(" ")),
  ]);
  return { header, rows };
}

/** Per arm: what its top 5 held over all commits, and how many commits it missed entirely at 10. */
export function slotRows(f: LocalizationFigures): Row[] {
  return f.armNames.map((n) => {
    const s = slotShares(
      f.outcomes.map((o) => o.arms[n].top5),
      isSourcePath,
      isTestPath,
    );
    const missed = f.outcomes.filter((o) => o.arms[n].ranks.every((r) => r === null || r > 10)).length;
    return [n, `${fmt(100 * s.source, 0)} %`, `${fmt(100 * s.test, 0)} %`, `${fmt(100 * s.other, 0)} %`, String(missed)];
  });
}

export function formatLocalization(f: LocalizationFigures, markdown = false): string {
  const table = markdown ? formatMarkdownTable : formatTable;
  const { header, rows } = repoRows(f);
  const missing =
    (f.missing.length ? `(no mirror here, left out: ${f.missing.join(", ")})\n` : "") + f.failed.map((x) => `FAILED ${x}\n`).join("");
  const slots = table(["arm", "top-5 slots: source", "tests", "other", "commits with no answer file in the top 10"], slotRows(f));
  return `${table(header, rows)}\n${table(OVERALL_HEADER, overallRows(f))}${missing}\n${slots}`;
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The scale figures, from a process of their own (its peak RSS is the index's alone). */
function runScale(mirrors: string): Promise<ScaleFigures> {
  const program = path.join(__dirname, "retrievalScale.js");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [program, "--mirrors", mirrors], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      // V8's fatal errors end with a native stack: name the line that says what happened.
      const why = stderr.split("\n").find((l) => /fatal|error|out of memory/i.test(l)) ?? stderr.trim().split("\n").pop();
      if (err) reject(new Error(`${program} failed: ${why || err.message}`));
      else resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as ScaleFigures);
    });
  });
}

async function scaleSection(mirrors: string, markdown: boolean): Promise<void> {
  const missing = SCALE_REPOS.filter((r) => !hasMirror(mirrors, r));
  if (missing.length) {
    process.stdout.write(`scale: skipped: no mirror of ${missing.join(", ")} under ${mirrors}\n`);
    return;
  }
  const sampler = new LoadSampler();
  const f = await runScale(mirrors);
  const load = sampler.stop();
  process.stdout.write(
    `\nthe index at scale: ${f.repos.map((r) => `${r.repo}@${r.commit.slice(0, 10)} (${r.files} files)`).join(" + ")}, one folder\n`,
  );
  process.stdout.write((markdown ? formatMarkdownTable : formatTable)(["figure", "measured", "goal"], scaleRows(f)));
  process.stdout.write(
    `load average (1-min) during the scale run: min ${fmt(load.min)}, median ${fmt(load.median)}, max ${fmt(load.max)}\n`,
  );
  process.stdout.write(`${JSON.stringify({ scale: f })}\n`);
}

export async function run(argv: string[]): Promise<number> {
  const mirrors = option(argv, "--mirrors") ?? process.env.MIXTRAL_MIRRORS;
  const manifest = loadRetrievalManifest();
  if (!mirrorsPresent(mirrors) || mirroredRepos(mirrors, manifest).found.length === 0) {
    process.stdout.write(
      `skipped: no git mirrors of the corpus's repositories (pass --mirrors DIR or set MIXTRAL_MIRRORS; see bench/data/README.md)\n`,
    );
    return 0;
  }
  if (argv.includes("--scale-only")) {
    await scaleSection(mirrors, argv.includes("--markdown"));
    return 0;
  }
  const machine = machineFacts(repoRoot());
  const sampler = new LoadSampler();
  process.stdout.write(
    `workspace retrieval: ${machine.date}, commit ${machine.commit}${machine.dirty ? " (+ uncommitted changes)" : ""}; ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; load ${loadAverage().join(" ")}\n`,
  );
  const armKeys = (option(argv, "--arms") ?? Object.keys(ARMS).join(",")).split(",");
  const unknown = armKeys.find((k) => !ARMS[k]);
  if (unknown) throw new Error(`unknown arm "${unknown}" (expected ${Object.keys(ARMS).join(", ")})`);
  const perRepo = option(argv, "--per-repo");
  const f = await measureLocalization({
    mirrors,
    manifest,
    makeArms: () => armKeys.map((k) => ARMS[k]()),
    repos: option(argv, "--repos")?.split(","),
    perRepo: perRepo ? Number(perRepo) : undefined,
    onLine: argv.includes("--verbose") ? (l) => process.stdout.write(l) : undefined,
  });
  writeOutcomes(OUTCOMES_FILE, f.outcomes);
  process.stdout.write(
    `file localization on ${f.outcomes.length} commits of ${f.repos.length} repositories (query: the commit message; answer: the non-test source files it changed)\n`,
  );
  process.stdout.write(formatLocalization(f, argv.includes("--markdown")));
  process.stdout.write(`every commit's ranks: ${OUTCOMES_FILE}\n`);
  const load = sampler.stop();
  process.stdout.write(
    `load average (1-min) during localization: min ${fmt(load.min)}, median ${fmt(load.median)}, max ${fmt(load.max)} (shared machine)\n`,
  );
  if (!argv.includes("--no-scale")) await scaleSection(mirrors, argv.includes("--markdown"));
  return f.failed.length ? 1 : 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`retrieval: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
