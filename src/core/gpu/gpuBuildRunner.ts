// Runs the GPU build plan (gpuBuild.ts) with progress, a log and cancel, then installs the result
// where the engine finds it: a pack-shaped folder in global storage (packLayout's
// gpuLocalBuildDir), not node-llama-cpp's own llama/localBuilds. Why: that folder is inside the
// extension, which VS Code replaces on every update; and node-llama-cpp finds a local build there
// only when the same NODE_LLAMA_CPP_CMAKE_OPTION_* variables are set at run time as at build time.
// As a pack, the engine's resolve hook loads it like any other, and the decode test checks it.
// Nothing is left half-done: the build's own folders are removed on failure or cancel (and the
// llama.cpp source it unpacked into node-llama-cpp's folder, unless a failure makes a retry
// likely), and the pack is renamed into place only when complete.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import * as fs from "node:fs/promises";
import { createRequire } from "node:module";
import * as path from "node:path";
import { GpuBuildError } from "../errors";
import type { GpuBuildStep, GpuBuildToolchain } from "./gpuBuild";
import { placeSourceBundle } from "./llamaSource";
import { BuildFolders, installLocalBuild } from "./localBuildInstall";
import { gpuLocalBuildDir, gpuPacksRoot, packNameFor } from "./packLayout";

export interface GpuBuildOptions {
  toolchain: GpuBuildToolchain;
  steps: GpuBuildStep[];
  /** The extension's global storage. */
  dataDir: string;
  signal?: AbortSignal;
  /** Fraction of the whole build (0..1) when known, and what is happening. */
  onProgress?: (fraction: number | undefined, message: string) => void;
  /** Every line the build prints (also written to the log file). */
  onLine?: (line: string) => void;
}

export interface GpuBuildResult {
  status: "built" | "cancelled";
  /** The installed pack folder. */
  dir?: string;
  logFile: string;
}

/** "[ 12%]" (make) or "[123/421]" (ninja) at the start of a build line. */
export function buildLineFraction(line: string): number | undefined {
  const ninja = /^\[(\d+)\/(\d+)\]/.exec(line);
  if (ninja) return Number(ninja[1]) / Math.max(1, Number(ninja[2]));
  const make = /^\[\s*(\d+)%\]/.exec(line);
  return make ? Number(make[1]) / 100 : undefined;
}

async function readVersion(nodeLlamaCppDir: string): Promise<string> {
  return (JSON.parse(await fs.readFile(path.join(nodeLlamaCppDir, "package.json"), "utf8")) as { version: string }).version;
}

/** Stops a step and everything it started (cmake, ninja, nvcc): its own process group on POSIX. */
function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null) return;
  if (process.platform === "win32") {
    spawn("taskkill", ["/pid", String(pid), "/T", "/F"], { windowsHide: true });
    return;
  }
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    /* already gone */
  }
  // cmake and ninja pass SIGTERM on to the compilers; whatever is left goes after 5 s.
  setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }, 5000).unref();
}

function runStep(
  step: GpuBuildStep,
  o: GpuBuildOptions,
  log: (line: string) => void,
  base: number,
  share: number,
): Promise<"done" | "cancelled"> {
  return new Promise((resolve, reject) => {
    log(
      `$ ${[step.command, ...step.args].join(" ")}   (in ${step.cwd}; CMAKE_CUDA_ARCHITECTURES=${step.env.NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES ?? "-"}, CUDACXX=${step.env.CUDACXX ?? "-"})`,
    );
    const child = spawn(step.command, step.args, {
      cwd: step.cwd,
      env: step.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
      windowsHide: true,
    });
    let cancelled = false;
    const onAbort = () => {
      cancelled = true;
      killTree(child);
    };
    o.signal?.addEventListener("abort", onAbort, { once: true });
    let pending = "";
    const onData = (chunk: Buffer) => {
      const lines = (pending + chunk.toString("utf8")).split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const raw of lines) {
        // Without the terminal colour codes the tools print.
        const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trimEnd();
        if (!line) continue;
        log(line);
        const f = buildLineFraction(line);
        if (f !== undefined) o.onProgress?.(base + share * f, line.slice(0, 120));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => reject(new GpuBuildError(`${step.label} could not start: ${error.message}`)));
    child.once("close", (code, signal) => {
      o.signal?.removeEventListener("abort", onAbort);
      if (pending) log(pending);
      if (cancelled) resolve("cancelled");
      else if (code === 0) resolve("done");
      else reject(new GpuBuildError(`${step.label} failed (${signal ?? `exit code ${code}`}).`));
    });
    if (o.signal?.aborted) onAbort();
  });
}

/** node-llama-cpp's build runs `npm run cmake-js-llama` (`cd llama && cmake-js`), which finds
 *  cmake-js through node_modules/.bin. An installed extension has no .bin (vsce packs no links, and
 *  unzipping may drop the executable bit), so the build failed there with "cmake-js: not found"
 *  (seen on the GPU machine from the VSIX). A folder with a `cmake-js` that runs the package's own
 *  script with this Node, first on the build's PATH, serves both. Returns that folder, or undefined
 *  where cmake-js is not installed (the build then says so itself). */
export async function writeCmakeJsShim(
  dir: string,
  t: Pick<GpuBuildToolchain, "node" | "nodeLlamaCppDir">,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  let pkgFile: string;
  try {
    pkgFile = createRequire(path.join(t.nodeLlamaCppDir, "package.json")).resolve("cmake-js/package.json");
  } catch {
    return undefined;
  }
  const pkg = JSON.parse(await fs.readFile(pkgFile, "utf8")) as { bin?: string | Record<string, string> };
  const rel = typeof pkg.bin === "string" ? pkg.bin : (pkg.bin?.["cmake-js"] ?? "bin/cmake-js");
  const script = path.join(path.dirname(pkgFile), rel);
  const node = t.node ?? "node";
  await fs.mkdir(dir, { recursive: true });
  if (platform === "win32") {
    await fs.writeFile(path.join(dir, "cmake-js.cmd"), `@"${node}" "${script}" %*\r\n`);
  } else {
    const q = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;
    await fs.writeFile(path.join(dir, "cmake-js"), `#!/bin/sh\nexec ${q(node)} ${q(script)} "$@"\n`, { mode: 0o755 });
  }
  return dir;
}

export async function runGpuBuild(o: GpuBuildOptions): Promise<GpuBuildResult> {
  const t = o.toolchain;
  const version = await readVersion(t.nodeLlamaCppDir);
  const root = gpuPacksRoot(o.dataDir, version);
  const name = packNameFor("cuda");
  const target = gpuLocalBuildDir(root, name);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const logFile = path.join(root, "local-build", "build.log");
  const logStream = createWriteStream(logFile, { flags: "w" });
  const log = (line: string) => {
    logStream.write(`${line}\n`);
    o.onLine?.(line);
  };
  const folders = await BuildFolders.before(t.nodeLlamaCppDir, path.dirname(target));
  try {
    if (t.sourceFile && !t.sourceCloned) folders.placedBundle = await placeSourceBundle(t.sourceFile, folders.llamaDir, version, log);
    log(
      `Building GPU support for ${t.gpuName ?? "this machine"}: CUDA ${t.cudaVersion ?? "?"}, sm_${t.cudaArchitectures}, node-llama-cpp ${version}; log ${logFile}`,
    );
    if ((await runSteps(o, path.join(root, "local-build", "bin"), log)) === "cancelled") {
      await folders.cleanup(false);
      log("Cancelled: nothing was installed, and the build's folders were removed.");
      return { status: "cancelled", logFile };
    }
    await installLocalBuild(folders, { toolchain: t, name, version, target, onProgress: o.onProgress });
    await folders.cleanup(false);
    log(`Installed: ${target}. The engine tests it (a short decode) before using it; restart the engine to use it now.`);
    return { status: "built", dir: target, logFile };
  } catch (error) {
    // The unpacked source is kept after a failure: the next try (after installing what was
    // missing) starts from it.
    await folders.cleanup(true).catch(() => undefined);
    log(`Failed: ${(error as Error).message}`);
    const hint = `The whole log is in ${logFile}.`;
    throw error instanceof GpuBuildError
      ? new GpuBuildError(error.message, [error.hint, hint].filter(Boolean).join(" "))
      : new GpuBuildError(`The GPU build failed: ${(error as Error).message}`, hint);
  } finally {
    await new Promise<void>((resolve) => logStream.end(resolve));
  }
}

/** The plan's steps in order, with the cmake-js shim first on their PATH; the first a cancel
 *  stops ends the run. */
async function runSteps(o: GpuBuildOptions, shimDir: string, log: (line: string) => void): Promise<"done" | "cancelled"> {
  const shims = await writeCmakeJsShim(shimDir, o.toolchain);
  const steps = o.steps.map((step) => ({
    ...step,
    env: { ...step.env, PATH: [shims, step.env.PATH].filter(Boolean).join(path.delimiter) },
  }));
  for (const [i, step] of steps.entries()) {
    const share = o.steps.length === 1 ? 1 : i === 0 ? 0.05 : 0.95;
    const base = o.steps.length === 1 || i === 0 ? 0 : 0.05;
    o.onProgress?.(base, step.label);
    if ((await runStep(step, o, log, base, share)) === "cancelled") return "cancelled";
  }
  return "done";
}
