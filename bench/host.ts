// Benchmark (a program, not a test): what the extension costs the extension host. Size of
// dist/extension.js; time to require() its module body (in fresh Node processes, with a stub
// `vscode` module: a proxy for the module load only, since activation itself needs VS Code);
// the host's memory while the engine child holds the model (it must hold none: no llama.cpp
// library may be mapped into the host), next to the child's memory and peak (VmHWM).
//
//   node out/bench/host.js [--model <gguf>] [--loads 5]
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { defaultThreads, physicalCores } from "../src/engine/physicalCores";
import { ensureTinyModel, repoRoot } from "../test/helpers/tinyModel";
import { fmt, median, ratio } from "./lib/stats";
import { formatTable } from "./lib/table";
import { text } from "./lib/cliOptions";

export interface HostCost {
  extensionBytes: number;
  extensionGzipBytes: number;
  /** Median of `loads` fresh processes. */
  requireMs: number;
  requireSamplesMs: number[];
  /** RSS of a bare Node process and after require(dist/extension.js), MB. */
  bareRssMb: number;
  afterRequireRssMb: number;
  /** With the engine child holding the model (after a chat and a completion request), MB. */
  hostRssMb: number;
  hostHeapUsedMb: number;
  engineRssMb: number;
  enginePeakMb: number;
  modelMb: number;
  /** Native llama.cpp / addon files mapped into the host process (must be empty). */
  nativeInHost: string[];
}

interface ProbeResult {
  requireMs: number;
  rssBareKb: number;
  rssAfterRequireKb: number;
  nativeAfterRequire: string[];
  hostRssKb?: number;
  hostHeapUsedKb?: number;
  engineRssKb?: number;
  engineHwmKb?: number;
  nativeInHost?: string[];
}

function probe(args: string[]): Promise<ProbeResult> {
  const script = path.join(repoRoot(), "out", "bench", "lib", "hostProbe.js");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--expose-gc", script, ...args], { cwd: repoRoot(), maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as ProbeResult);
      } catch {
        reject(new Error(`hostProbe printed no result: ${stdout}\n${stderr}`));
      }
    });
  });
}

const mb = (kb: number | undefined): number => (kb ?? NaN) / 1024;

export async function measureHostCost(options: { modelPath: string; loads?: number; threads?: number }): Promise<HostCost> {
  const root = repoRoot();
  const extensionPath = path.join(root, "dist", "extension.js");
  const enginePath = path.join(root, "dist", "engine.js");
  const loads: ProbeResult[] = [];
  for (let i = 0; i < (options.loads ?? 5); i++) loads.push(await probe([extensionPath]));
  const full = await probe([
    extensionPath,
    path.resolve(options.modelPath),
    enginePath,
    String(options.threads || defaultThreads(physicalCores())),
  ]);
  return {
    extensionBytes: statSync(extensionPath).size,
    extensionGzipBytes: gzipSync(readFileSync(extensionPath)).length,
    requireMs: median(loads.map((l) => l.requireMs)),
    requireSamplesMs: loads.map((l) => l.requireMs),
    bareRssMb: mb(median(loads.map((l) => l.rssBareKb))),
    afterRequireRssMb: mb(median(loads.map((l) => l.rssAfterRequireKb))),
    hostRssMb: mb(full.hostRssKb),
    hostHeapUsedMb: mb(full.hostHeapUsedKb),
    engineRssMb: mb(full.engineRssKb),
    enginePeakMb: mb(full.engineHwmKb),
    modelMb: statSync(options.modelPath).size / 2 ** 20,
    nativeInHost: [...new Set([...(full.nativeInHost ?? []), ...loads.flatMap((l) => l.nativeAfterRequire)])],
  };
}

export function formatHostCost(r: HostCost): string {
  return formatTable(
    ["host cost", "value"],
    [
      ["dist/extension.js size (KB)", `${fmt(r.extensionBytes / 1024)} (${fmt(r.extensionGzipBytes / 1024)} gzipped)`],
      ["require(dist/extension.js) (ms, median)", `${fmt(r.requireMs)} [${r.requireSamplesMs.map((x) => fmt(x, 0)).join(", ")}]`],
      ["bare Node RSS → after require (MB)", `${fmt(r.bareRssMb)} → ${fmt(r.afterRequireRssMb)}`],
      ["host RSS, model loaded in engine (MB)", fmt(r.hostRssMb)],
      ["engine RSS now / peak VmHWM (MB)", `${fmt(r.engineRssMb)} / ${fmt(r.enginePeakMb)}`],
      ["model file (MB)", fmt(r.modelMb)],
      ["host RSS ÷ engine peak", fmt(ratio(r.hostRssMb, r.enginePeakMb), 3)],
      ["llama.cpp / .node files mapped in host", r.nativeInHost.length ? r.nativeInHost.join(", ") : "none"],
    ],
  );
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({ args: argv, strict: true, options: { model: text, loads: text } });
  const loads = v.loads === undefined ? 5 : Number(v.loads);
  process.stdout.write(formatHostCost(await measureHostCost({ modelPath: v.model ?? (await ensureTinyModel("q8_0")), loads })));
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench/host: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
