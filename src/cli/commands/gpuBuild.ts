// `mixtral-local gpu-build [--arch 90] [--data-dir DIR] [--check]`: build node-llama-cpp's CUDA
// support for this machine from the llama.cpp source it ships (no network), headless, with the
// log on stderr and in <data dir>/gpu-packs/<version>/local-build/build.log. Exit codes: 0 built
// (or --check found everything), 1 the build failed, 2 bad usage or a missing tool, 130 cancelled.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { resolveExtensionDataDir } from "../../core/config/extensionDataDir";
import { MixtralError } from "../../core/errors";
import { detectGpuBuildToolchain, gpuBuildSteps, type GpuBuildToolchain } from "../../core/gpu/gpuBuild";
import type { GpuPackManifest } from "../../core/gpu/packManifest";
import { runGpuBuild } from "../../core/gpu/gpuBuildRunner";
import { fetchLlamaSource } from "../../core/gpu/llamaSource";
import { cliGpuPackManifest } from "./gpuPack";

const USAGE =
  "usage: mixtral-local gpu-build [--arch 90] [--source FILE] [--data-dir DIR] [--check]\n" +
  '  --arch      CUDA architecture(s) to build for (default: the card\'s, from nvidia-smi), e.g. 90 or "86;89"\n' +
  "  --source    where the extension lacks llama.cpp's source (the VSIX leaves it out): the tarball of\n" +
  "              `npm pack node-llama-cpp@<its version>` made elsewhere (or its llama/gitRelease.bundle)\n" +
  "  --data-dir  the extension's global storage folder (default: found as VS Code Server, code-server or VS Code would place it)\n" +
  "  --check     only check the toolchain and print the commands the build would run\n" +
  "Needs the CUDA toolkit (nvcc), cmake, a C++ compiler, git, and Node.js with npm and its headers. Takes minutes\n" +
  "(about 5 on 16 cores). The result is installed into the data folder, where the engine finds it and tests it.\n";

/** The node-llama-cpp this CLI ships with: the nearest node_modules/node-llama-cpp above it
 *  (<extension>/node_modules beside <extension>/dist/cli.js). */
export function bundledNodeLlamaCppDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", "node-llama-cpp");
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..", "node_modules", "node-llama-cpp");
  }
}

interface BuildArgs {
  arch?: string;
  source?: string;
  "data-dir"?: string;
  check?: boolean;
  help?: boolean;
}

/** The command line's options, or the exit code when it was bad usage (2) or --help (0). */
function parseBuildArgs(args: string[]): BuildArgs | number {
  let opts: BuildArgs;
  try {
    opts = parseArgs({
      args,
      options: {
        arch: { type: "string" },
        source: { type: "string" },
        "data-dir": { type: "string" },
        check: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`mixtral-local gpu-build: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  return opts;
}

export async function run(args: string[]): Promise<number> {
  const opts = parseBuildArgs(args);
  if (typeof opts === "number") return opts;
  const data = resolveExtensionDataDir({ dataDir: opts["data-dir"] });
  // The CLI runs under Node already: build with this very Node (and the npm beside it).
  const manifest = await cliGpuPackManifest();
  const { toolchain, missing } = await detectGpuBuildToolchain({
    nodeLlamaCppDir: bundledNodeLlamaCppDir(),
    node: process.execPath,
    cudaArchitectures: opts.arch,
    sourceFile: opts.source,
    sourceDownloadable: !!manifest?.source,
  });
  const steps = gpuBuildSteps(toolchain);
  const t = toolchain;
  process.stderr.write(describeBuild(toolchain, steps, manifest, data));
  if (missing.length > 0) {
    process.stderr.write(`mixtral-local gpu-build: cannot build here; missing:\n${missing.map((m) => `  - ${m}`).join("\n")}\n`);
    return 2;
  }
  if (opts.check) {
    process.stderr.write("Everything the build needs is here (--check: nothing was built).\n");
    return 0;
  }
  const ac = new AbortController();
  const onSignal = () => {
    process.stderr.write("\nCancelling the build...\n");
    ac.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (t.sourceOnDemand) {
    const code = await fetchSourceForBuild(t, manifest, data.dir, ac.signal);
    if (code !== undefined) return code;
  }
  let last = -1;
  try {
    const r = await runGpuBuild({
      toolchain,
      steps,
      dataDir: data.dir,
      signal: ac.signal,
      onLine: (line) => process.stderr.write(`${line}\n`),
      onProgress: (fraction) => {
        const pct = fraction === undefined ? -1 : Math.floor(fraction * 100);
        if (pct >= 0 && pct !== last && pct % 10 === 0) process.stderr.write(`-- ${pct} %\n`);
        last = pct;
      },
    });
    if (r.status === "cancelled") {
      process.stderr.write(`Cancelled: nothing was installed. Log: ${r.logFile}\n`);
      return 130;
    }
    process.stdout.write(`${r.dir}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof MixtralError)) throw err;
    process.stderr.write(`mixtral-local gpu-build: ${err.message}\n${err.hint ? `${err.hint}\n` : ""}`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** What the build will use and run, for stderr (before --check answers or the build starts). */
function describeBuild(
  t: GpuBuildToolchain,
  steps: ReturnType<typeof gpuBuildSteps>,
  manifest: GpuPackManifest | undefined,
  data: { dir: string; source: string },
): string {
  return [
    `GPU: ${t.gpuName ?? "none found by nvidia-smi"}; build for sm_${t.cudaArchitectures ?? "?"}`,
    `nvcc: ${t.nvcc ?? "missing"}${t.cudaVersion ? ` (CUDA ${t.cudaVersion})` : ""}; cmake: ${t.cmake ?? "missing"}; C++: ${t.compiler ?? "missing"}; Node: ${t.node} (npm ${t.npm ?? "missing"}, headers ${t.nodeDir ?? "missing"})`,
    `llama.cpp source: ${t.sourceCloned ? "unpacked" : t.sourceBundle ? "git bundle (unpacked by the first step)" : t.sourceFile ? `from ${t.sourceFile}` : t.sourceOnDemand ? `to be downloaded (${manifest?.source?.tarball}, pinned sha512)` : "missing"} in ${t.nodeLlamaCppDir}`,
    `data folder: ${data.dir} (${data.source})`,
    ...steps.map((s) => `step: ${s.label}: ${[s.command, ...s.args].join(" ")}`),
    "",
  ].join("\n");
}

/** Downloads llama.cpp's source (pinned sha512) for a build that needs it; an exit code when the
 *  build cannot go on (1 failed, 130 cancelled), undefined once `t.sourceFile` names it. */
async function fetchSourceForBuild(
  t: GpuBuildToolchain,
  manifest: GpuPackManifest | undefined,
  dataDir: string,
  signal: AbortSignal,
): Promise<number | undefined> {
  process.stderr.write(`Downloading llama.cpp's source: ${manifest?.source?.tarball}\n`);
  let lastMb = -1;
  const src = await fetchLlamaSource({
    dataDir,
    manifest,
    signal,
    onProgress: (p) => {
      const mb = Math.floor(p.bytes / 10e6);
      if (mb !== lastMb) {
        lastMb = mb;
        process.stderr.write(`-- ${p.phase} ${(p.bytes / 1e6).toFixed(0)} MB\n`);
      }
    },
  }).catch((err: unknown) => {
    if (!(err instanceof MixtralError)) throw err;
    process.stderr.write(`mixtral-local gpu-build: ${err.message}\n${err.hint ? `${err.hint}\n` : ""}`);
    return undefined;
  });
  if (!src) return 1;
  if (src.status === "cancelled") {
    process.stderr.write("Cancelled: nothing was built.\n");
    return 130;
  }
  process.stderr.write(`llama.cpp source: ${src.file} (${src.downloaded ? "downloaded" : "kept from before"}, sha512 checked)\n`);
  t.sourceFile = src.file;
  return undefined;
}
