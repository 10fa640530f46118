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
import { createWriteStream, existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as tar from "tar";
import { GpuBuildError } from "../errors";
import type { GpuBuildStep, GpuBuildToolchain } from "./gpuBuild";
import { gpuLocalBuildDir, gpuPacksRoot, LOCAL_BUILD_INFO_FILE } from "./packLayout";

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

/** Puts the llama.cpp git bundle from --source where node-llama-cpp looks for it; returns whether
 *  it placed one (removed again after the build). A tarball must be node-llama-cpp's own, of the
 *  same version: another version's llama.cpp does not match this node-llama-cpp's addon. */
async function placeSourceBundle(sourceFile: string, llamaDir: string, version: string, log: (line: string) => void): Promise<boolean> {
  const target = path.join(llamaDir, "gitRelease.bundle");
  if (existsSync(target)) return false;
  const temp = `${target}.${process.pid}.tmp`;
  if (sourceFile.endsWith(".bundle")) {
    await fs.copyFile(sourceFile, temp);
  } else {
    let pkg: { name?: string; version?: string } = {};
    const chunks: Buffer[] = [];
    await tar.t({ file: sourceFile, filter: (p) => p === "package/package.json", onReadEntry: (e) => { e.on("data", (c: Buffer) => chunks.push(c)); } })
      .catch((error: unknown) => { throw new GpuBuildError(`${sourceFile} is not a readable npm tarball: ${(error as Error).message}`); });
    try { pkg = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof pkg; } catch { /* checked below */ }
    if (pkg.name !== "node-llama-cpp" || pkg.version !== version) {
      throw new GpuBuildError(`${sourceFile} holds ${pkg.name ?? "no package"}${pkg.version ? `@${pkg.version}` : ""}, not node-llama-cpp@${version}.`, `Make it with \`npm pack node-llama-cpp@${version}\`.`);
    }
    const dir = `${temp}.d`;
    await fs.mkdir(dir, { recursive: true });
    try {
      await tar.x({ file: sourceFile, cwd: dir, strip: 2, filter: (p) => p === "package/llama/gitRelease.bundle" });
      if (!existsSync(path.join(dir, "gitRelease.bundle"))) throw new GpuBuildError(`${sourceFile} has no llama/gitRelease.bundle.`);
      await fs.rename(path.join(dir, "gitRelease.bundle"), temp);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  await fs.rename(temp, target);
  log(`llama.cpp source: the git bundle from ${sourceFile}`);
  return true;
}

async function readVersion(nodeLlamaCppDir: string): Promise<string> {
  return (JSON.parse(await fs.readFile(path.join(nodeLlamaCppDir, "package.json"), "utf8")) as { version: string }).version;
}

function platformPackName(): string {
  const os = process.platform === "win32" ? "win" : process.platform === "darwin" ? "mac" : process.platform;
  return `${os}-${process.arch}-cuda`;
}

/** Stops a step and everything it started (cmake, ninja, nvcc): its own process group on POSIX. */
function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null) return;
  if (process.platform === "win32") {
    spawn("taskkill", ["/pid", String(pid), "/T", "/F"], { windowsHide: true });
    return;
  }
  try { process.kill(-pid, "SIGTERM"); } catch { /* already gone */ }
  // cmake and ninja pass SIGTERM on to the compilers; whatever is left goes after 5 s.
  setTimeout(() => { try { process.kill(-pid, "SIGKILL"); } catch { /* gone */ } }, 5000).unref();
}

function runStep(step: GpuBuildStep, o: GpuBuildOptions, log: (line: string) => void, base: number, share: number): Promise<"done" | "cancelled"> {
  return new Promise((resolve, reject) => {
    log(`$ ${[step.command, ...step.args].join(" ")}   (in ${step.cwd}; CMAKE_CUDA_ARCHITECTURES=${step.env.NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES ?? "-"}, CUDACXX=${step.env.CUDACXX ?? "-"})`);
    const child = spawn(step.command, step.args, { cwd: step.cwd, env: step.env, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32", windowsHide: true });
    let cancelled = false;
    const onAbort = () => { cancelled = true; killTree(child); };
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

/** The package node-llama-cpp imports as @node-llama-cpp/<name>: its getBinsDir() names our bins. */
function packageFiles(name: string, version: string): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name: `@node-llama-cpp/${name}`, version, type: "module", description: "GPU support built on this machine by Mixtral Local", exports: { ".": "./dist/index.js" } }, null, 2),
    "dist/index.js": [
      'import path from "node:path";',
      'import { fileURLToPath } from "node:url";',
      "const binsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), \"..\", \"bins\");",
      `export function getBinsDir() { return { binsDir, packageVersion: ${JSON.stringify(version)} }; }`,
      "",
    ].join("\n"),
  };
}

/** node-llama-cpp's build runs `npm run cmake-js-llama` (`cd llama && cmake-js`), which finds
 *  cmake-js through node_modules/.bin. An installed extension has no .bin (vsce packs no links, and
 *  unzipping may drop the executable bit), so the build failed there with "cmake-js: not found"
 *  (seen on the GPU machine from the VSIX). A folder with a `cmake-js` that runs the package's own
 *  script with this Node, first on the build's PATH, serves both. Returns that folder, or undefined
 *  where cmake-js is not installed (the build then says so itself). */
export async function writeCmakeJsShim(dir: string, t: Pick<GpuBuildToolchain, "node" | "nodeLlamaCppDir">, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  let pkgFile: string;
  try {
    pkgFile = createRequire(path.join(t.nodeLlamaCppDir, "package.json")).resolve("cmake-js/package.json");
  } catch {
    return undefined;
  }
  const pkg = JSON.parse(await fs.readFile(pkgFile, "utf8")) as { bin?: string | Record<string, string> };
  const rel = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.["cmake-js"] ?? "bin/cmake-js";
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
  const name = platformPackName();
  const target = gpuLocalBuildDir(root, name);
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  const logFile = path.join(root, "local-build", "build.log");
  const logStream = createWriteStream(logFile, { flags: "w" });
  const log = (line: string) => { logStream.write(`${line}\n`); o.onLine?.(line); };

  const llamaDir = path.join(t.nodeLlamaCppDir, "llama");
  const localBuilds = path.join(llamaDir, "localBuilds");
  const localBuildsExisted = existsSync(localBuilds);
  const before = new Set(await fs.readdir(localBuilds).catch(() => [] as string[]));
  const sourceExisted = existsSync(path.join(llamaDir, "llama.cpp"));
  const temp = path.join(parent, `.build-${process.pid}-${Date.now()}`);
  let placedBundle = false;
  const cleanup = async (keepSource: boolean) => {
    if (placedBundle && !keepSource) await fs.rm(path.join(llamaDir, "gitRelease.bundle"), { force: true });
    for (const entry of await fs.readdir(localBuilds).catch(() => [] as string[])) {
      if (!before.has(entry)) await fs.rm(path.join(localBuilds, entry), { recursive: true, force: true });
    }
    if (!localBuildsExisted) await fs.rmdir(localBuilds).catch(() => undefined); // only if empty
    if (!keepSource && !sourceExisted) await fs.rm(path.join(llamaDir, "llama.cpp"), { recursive: true, force: true });
    await fs.rm(temp, { recursive: true, force: true });
  };

  try {
    if (t.sourceFile && !t.sourceCloned) placedBundle = await placeSourceBundle(t.sourceFile, llamaDir, version, log);
    log(`Building GPU support for ${t.gpuName ?? "this machine"}: CUDA ${t.cudaVersion ?? "?"}, sm_${t.cudaArchitectures}, node-llama-cpp ${version}; log ${logFile}`);
    const shims = await writeCmakeJsShim(path.join(root, "local-build", "bin"), t);
    const steps = o.steps.map((step) => ({ ...step, env: { ...step.env, PATH: [shims, step.env.PATH].filter(Boolean).join(path.delimiter) } }));
    for (const [i, step] of steps.entries()) {
      const share = o.steps.length === 1 ? 1 : i === 0 ? 0.05 : 0.95;
      const base = o.steps.length === 1 || i === 0 ? 0 : 0.05;
      o.onProgress?.(base, step.label);
      if ((await runStep(step, o, log, base, share)) === "cancelled") {
        await cleanup(false);
        log("Cancelled: nothing was installed, and the build's folders were removed.");
        return { status: "cancelled", logFile };
      }
    }

    // node-llama-cpp records the folder it built into (llama/lastBuild.json).
    const { folderName } = JSON.parse(await fs.readFile(path.join(llamaDir, "lastBuild.json"), "utf8")) as { folderName?: string };
    const built = folderName ? path.join(localBuilds, folderName, "Release") : "";
    if (!folderName || !existsSync(path.join(built, "llama-addon.node")) || !existsSync(path.join(built, "_nlcBuildMetadata.json"))) {
      throw new GpuBuildError(`The build finished but left no llama-addon.node${folderName ? ` in ${built}` : ""}.`);
    }
    o.onProgress?.(1, "installing the build");
    for (const [file, content] of Object.entries(packageFiles(name, version))) {
      await fs.mkdir(path.dirname(path.join(temp, file)), { recursive: true });
      await fs.writeFile(path.join(temp, file), content);
    }
    // dereference: a library symlink (libggml.so → libggml.so.0) would otherwise point back into
    // the build folder, which is removed below.
    await fs.cp(built, path.join(temp, "bins", name), { recursive: true, dereference: true });
    await fs.writeFile(path.join(temp, LOCAL_BUILD_INFO_FILE), JSON.stringify({
      builtAt: new Date().toISOString(), cudaArchitectures: t.cudaArchitectures, cudaVersion: t.cudaVersion, gpuName: t.gpuName, nodeLlamaCppVersion: version, buildFolder: folderName,
    }, null, 2));
    // Replace an older build only once the new one is complete.
    const old = `${temp}.old`;
    if (existsSync(target)) await fs.rename(target, old);
    await fs.rename(temp, target);
    await fs.rm(old, { recursive: true, force: true });
    // The copy in node-llama-cpp's folder is no longer needed (and is lost on the next update).
    await fs.rm(path.join(localBuilds, folderName), { recursive: true, force: true });
    await cleanup(false);
    log(`Installed: ${target}. The engine tests it (a short decode) before using it; restart the engine to use it now.`);
    return { status: "built", dir: target, logFile };
  } catch (error) {
    // The unpacked source is kept after a failure: the next try (after installing what was
    // missing) starts from it.
    await cleanup(true).catch(() => undefined);
    log(`Failed: ${(error as Error).message}`);
    const hint = `The whole log is in ${logFile}.`;
    throw error instanceof GpuBuildError ? new GpuBuildError(error.message, [error.hint, hint].filter(Boolean).join(" ")) : new GpuBuildError(`The GPU build failed: ${(error as Error).message}`, hint);
  } finally {
    await new Promise<void>((resolve) => logStream.end(resolve));
  }
}
