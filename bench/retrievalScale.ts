// The workspace index at scale (issue 24's goals), measured in a process of its own so that its
// peak RSS is the index's (the host side and its worker thread), nothing else's:
//   full index time and peak memory, the host's event-loop delay while the worker indexes (next to
//   the same process idle), one changed file re-indexed, query latency, reopening the stored
//   index, and the process's CPU when idle.
//
//   node out/bench/retrievalScale.js --mirrors DIR [--max-files N]   prints a table, then one JSON line
//
// The folder is the newest tree of each SCALE_REPOS mirror side by side (no single repository of
// 50,000 files or more fits the mirror tool's 500 MiB limit; see BENCHMARKS.md).
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { DEFAULT_EXCLUDE_GLOBS, DEFAULT_MAX_FILE_BYTES } from "../src/core/workspace/defaults";
import type { IndexOptions, IndexStats } from "../src/core/workspace/types";
import { WorkspaceIndexClient } from "../src/core/workspace/WorkspaceIndexClient";
import { mirrorOf } from "./editCorpusTool";
import { judgeCommit } from "./lib/retrievalCorpus";
import { MirrorCheckout, nonMergeHistory, resolveHead } from "./lib/retrievalGit";
import { procStatusKb } from "./lib/stats";

export const SCALE_REPOS = ["u-boot/u-boot", "babel/babel"] as const;
const QUERIES_PER_REPO = 25;
const EDITS = 5;
const IDLE_MS = 5000;
/** The indexer saves 3 s after the last update; idle is measured once a second of the process's
 *  time holds under 10 ms of CPU (the save done), or after this long at most. */
const SETTLE_MAX_MS = 120_000;

export interface ScaleFigures {
  readonly repos: { repo: string; commit: string; files: number }[];
  readonly stats: IndexStats;
  readonly fullIndexMs: number;
  /** CPU time of the whole process (host side and worker thread) for the same build, ms: on this
   *  shared machine the wall time mostly measures the other tenants; the CPU time does not. */
  readonly fullIndexCpuMs: number;
  /** The same for each query and each update. */
  readonly queryCpuMs: number[];
  readonly updateCpuMs: number[];
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
  /** Event-loop delay of the process that owns the client, ms: while the worker indexes, and idle. */
  readonly loopDelay: { indexingP99: number; indexingMax: number; idleP99: number; idleMax: number };
  readonly updateMs: number[];
  /** Edits whose fresh marker word was the first hit right after update(). */
  readonly updatesFound: number;
  readonly queryMs: number[];
  readonly reopenMs: number;
  /** From the last update until a quiet second (the stored index written again). */
  readonly settleMs: number;
  readonly idleCpuPercent: number;
  readonly storedMb: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

/** CPU of this process (all its threads) over `ms`, in ms. */
async function cpuOver(ms: number): Promise<number> {
  const c0 = process.cpuUsage();
  await sleep(ms);
  return cpuMs(process.cpuUsage(c0));
}

async function untilQuiet(): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < SETTLE_MAX_MS && (await cpuOver(1000)) >= 10);
  return performance.now() - t0;
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? dirBytes(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size),
    0,
  );
}
const mb = (kb: number): number => kb / 1024;

/** Event-loop delay percentiles (ms) over what `fn` takes. */
async function loopDelayDuring<T>(fn: () => Promise<T>): Promise<{ value: T; p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const value = await fn();
    return { value, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
  } finally {
    h.disable();
  }
}

/** Queries: the messages of the newest commits of each repository that pass the corpus's rule. */
function scaleQueries(mirror: string, head: string): string[] {
  const out: string[] = [];
  for (const c of nonMergeHistory(mirror, head, 2000)) {
    const j = judgeCommit(c);
    if (j.ok) out.push(j.query);
    if (out.length >= QUERIES_PER_REPO) break;
  }
  return out;
}

export async function measureScale(mirrors: string, maxFiles: number): Promise<ScaleFigures> {
  const base = mkdtempSync(path.join(os.tmpdir(), "mixtral-scale-"));
  const root = path.join(base, "ws");
  const checkouts: MirrorCheckout[] = [];
  const client = new WorkspaceIndexClient();
  try {
    const repos: ScaleFigures["repos"] = [];
    const queries: string[] = [];
    for (const repo of SCALE_REPOS) {
      const mirror = mirrorOf(mirrors, repo);
      const commit = resolveHead(mirror);
      const co = new MirrorCheckout(mirror, {
        dir: path.join(root, repo.split("/")[1]),
        indexFile: path.join(base, `${repo.replace("/", "+")}.index`),
      });
      checkouts.push(co);
      repos.push({ repo, commit, files: co.checkout(commit).length });
      queries.push(...scaleQueries(mirror, commit));
    }
    const options: IndexOptions = {
      roots: [{ name: "ws", path: root }],
      excludeGlobs: DEFAULT_EXCLUDE_GLOBS,
      maxFileBytes: DEFAULT_MAX_FILE_BYTES,
      maxFiles,
      storageDir: path.join(base, "storage"),
    };
    const idle = await loopDelayDuring(() => sleep(3000));
    const rssBeforeMb = mb(procStatusKb(process.pid, "VmRSS"));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const build = await loopDelayDuring(() => client.start(options));
    const fullIndexMs = performance.now() - t0;
    const fullIndexCpuMs = cpuMs(process.cpuUsage(c0));
    if (!build.value) throw new Error("the index build was cancelled");
    const queryMs: number[] = [];
    const queryCpuMs: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      const c = process.cpuUsage();
      await client.search(q, { limit: 20 });
      queryMs.push(performance.now() - t);
      queryCpuMs.push(cpuMs(process.cpuUsage(c)));
    }
    const { updateMs, updateCpuMs, updatesFound } = await measureUpdates(client, root, checkouts);
    await sleep(3000);
    const settleMs = 3000 + (await untilQuiet());
    const idleCpuPercent = (100 * (await cpuOver(IDLE_MS))) / IDLE_MS;
    const storedMb = dirBytes(options.storageDir!) / 2 ** 20;
    const peakRssMb = mb(procStatusKb(process.pid, "VmHWM"));
    await client.dispose();
    const reopened = new WorkspaceIndexClient();
    const t1 = performance.now();
    await reopened.start(options);
    const reopenMs = performance.now() - t1;
    await reopened.dispose();
    return {
      repos,
      stats: build.value,
      fullIndexMs,
      fullIndexCpuMs,
      queryCpuMs,
      updateCpuMs,
      rssBeforeMb,
      peakRssMb,
      loopDelay: { indexingP99: build.p99, indexingMax: build.max, idleP99: idle.p99, idleMax: idle.max },
      updateMs,
      updatesFound,
      queryMs,
      reopenMs,
      settleMs,
      idleCpuPercent,
      storedMb,
    };
  } finally {
    await client.dispose();
    for (const co of checkouts) co.dispose();
    rmSync(base, { recursive: true, force: true });
  }
}

/** EDITS source files, spread over the folder, each given a line with a fresh word; update() timed. */
async function measureUpdates(
  client: WorkspaceIndexClient,
  root: string,
  checkouts: readonly MirrorCheckout[],
): Promise<{ updateMs: number[]; updateCpuMs: number[]; updatesFound: number }> {
  const files = checkouts.flatMap((co) =>
    co
      .files()
      .filter((f) => /\.(c|js)$/.test(f) && !f.includes("test"))
      .map((f) => path.join(co.dir, f)),
  );
  const updateMs: number[] = [];
  const updateCpuMs: number[] = [];
  let updatesFound = 0;
  for (let i = 0; i < EDITS; i++) {
    const file = files[Math.floor(((i + 0.5) * files.length) / EDITS)];
    const word = `zqxbenchmarker${i}word`;
    appendFileSync(file, `\n/* ${word} */\n`);
    const t = performance.now();
    const c = process.cpuUsage();
    await client.update([file]);
    updateMs.push(performance.now() - t);
    updateCpuMs.push(cpuMs(process.cpuUsage(c)));
    const [hit] = await client.search(word, { limit: 1 });
    if (hit && path.join(root, hit.path) === file) updatesFound++;
  }
  return { updateMs, updateCpuMs, updatesFound };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const at = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const mirrors = at("--mirrors") ?? process.env.MIXTRAL_MIRRORS;
  if (!mirrors) {
    process.stderr.write("usage: retrievalScale.js --mirrors DIR [--max-files N]\n");
    process.exitCode = 2;
  } else {
    measureScale(mirrors, Number(at("--max-files") ?? 100_000)).then(
      (f) => process.stdout.write(`${JSON.stringify(f)}\n`),
      (err: unknown) => {
        process.stderr.write(`retrievalScale: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      },
    );
  }
}
