// "Build GPU support for this machine": the toolchain check, the command line and environment
// node-llama-cpp's build gets, and cancel. This machine has nvcc 13.0, cmake and g++ but no GPU
// and no cuBLAS, so the full build (5 minutes on 16 cores) is proven on the GPU machine; here a
// real build is started and cancelled while CMake runs: nothing of it may be left behind.
import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { GpuBuildError } from "../../../src/core/errors";
import { buildLineFraction, runGpuBuild } from "../../../src/core/gpu/gpuBuildRunner";
import { packTarball } from "../../helpers/gpuPackFixture";
import { detectGpuBuildToolchain, gpuBuildSteps, normalizeCudaArchitectures } from "../../../src/core/gpu/gpuBuild";
import { gpuLocalBuildDir, gpuPacksRoot } from "../../../src/core/gpu/packLayout";
import { pathToFileURL } from "node:url";
import { installedPacks } from "../../../src/engine/gpuPacks";
import { repoRoot } from "../../helpers/tinyModel";

const nodeLlamaCppDir = () => path.join(repoRoot(), "node_modules", "node-llama-cpp");

/** Processes whose working folder is inside `dir` (Linux /proc). */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

describe("GPU build for this machine", function () {
  this.timeout(240_000);
  const temps: string[] = [];
  after(async () => {
    for (const t of temps) await rm(t, { recursive: true, force: true });
  });

  it("reads --arch the way CMake wants it, and build progress from make's and ninja's lines", () => {
    assert.equal(normalizeCudaArchitectures("9.0"), "90");
    assert.equal(normalizeCudaArchitectures("sm_86, 89"), "86;89");
    assert.equal(normalizeCudaArchitectures("120a"), "120a");
    assert.equal(normalizeCudaArchitectures("ninety"), undefined);
    assert.equal(buildLineFraction("[105/421] Building CUDA object ggml/src/ggml-cuda/..."), 105 / 421);
    assert.equal(buildLineFraction("[ 42%] Building CXX object ..."), 0.42);
    assert.equal(buildLineFraction("-- Configuring done"), undefined);
  });

  it("gives node-llama-cpp's source build the architecture, the CUDA compiler and Node's headers, with no network", async () => {
    const { toolchain: t } = await detectGpuBuildToolchain({
      nodeLlamaCppDir: nodeLlamaCppDir(),
      node: process.execPath,
      cudaArchitectures: "90",
    });
    assert.equal(t.cudaArchitectures, "90");
    const steps = gpuBuildSteps(t);
    const build = steps[steps.length - 1];
    assert.equal(build.command, process.execPath);
    assert.deepEqual(build.args, [
      path.join(nodeLlamaCppDir(), "dist", "cli", "cli.js"),
      "source",
      "build",
      "--gpu",
      "cuda",
      "--noUsageExample",
    ]);
    assert.equal(build.env.NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES, "90");
    assert.equal(build.env.CUDACXX, t.nvcc);
    assert.equal(build.env.npm_config_nodedir, t.nodeDir);
    assert.ok(build.env.PATH.startsWith(path.dirname(process.execPath)), "the npm the build runs is the one beside this Node");
    if (!t.sourceCloned) assert.deepEqual(steps[0].args.slice(1), ["source", "download", "--skipBuild", "--noUsageExample"]);
  });

  it("says what is missing, each with what to install", async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), "mixtral-empty-path-"));
    temps.push(empty);
    const { missing } = await detectGpuBuildToolchain({
      nodeLlamaCppDir: nodeLlamaCppDir(),
      node: process.execPath,
      cudaArchitectures: "x",
      env: { PATH: empty },
      platform: "linux",
    });
    assert.ok(missing.includes("cmake on the PATH (Debian/Ubuntu: apt install cmake)"), missing.join("\n"));
    assert.ok(missing.includes("a C++ compiler (g++ or clang++; Debian/Ubuntu: build-essential)"), missing.join("\n"));
    assert.ok(
      missing.some((m) => m.startsWith('a valid --arch (got "x"')),
      missing.join("\n"),
    );
  });

  it("installs a finished build as a pack in global storage that takes the downloaded pack's place", async () => {
    // node-llama-cpp's build output as `source build` leaves it (lastBuild.json → localBuilds/<folder>/
    // Release), in a copy of its package folder; the binaries are the real CPU ones (no CUDA build
    // can finish here), which is all the installing step looks at.
    const work = await mkdtemp(path.join(os.tmpdir(), "mixtral-gpu-build-install-"));
    temps.push(work);
    const nlc = path.join(work, "node-llama-cpp");
    const folder = "linux-x64-cuda-release-b1-abc";
    await mkdir(path.join(nlc, "llama", "localBuilds", folder), { recursive: true });
    await cp(path.join(nodeLlamaCppDir(), "package.json"), path.join(nlc, "package.json"));
    await cp(
      path.join(repoRoot(), "node_modules", "@node-llama-cpp", "linux-x64", "bins", "linux-x64"),
      path.join(nlc, "llama", "localBuilds", folder, "Release"),
      { recursive: true },
    );
    await writeFile(path.join(nlc, "llama", "lastBuild.json"), JSON.stringify({ folderName: folder }));
    // Builds name their libraries through symlinks (libggml.so → libggml.v0.4.0.so).
    await symlink("libggml.v0.4.0.so", path.join(nlc, "llama", "localBuilds", folder, "Release", "libggml-link.so"));
    const dataDir = path.join(work, "data");
    const root = gpuPacksRoot(dataDir, "3.21.1");
    const downloaded = path.join(root, "node_modules", "@node-llama-cpp", "linux-x64-cuda");
    await mkdir(downloaded, { recursive: true });
    await writeFile(path.join(downloaded, "package.json"), JSON.stringify({ name: "@node-llama-cpp/linux-x64-cuda", version: "3.21.1" }));

    const toolchain = { nodeLlamaCppDir: nlc, sourceCloned: true, sourceBundle: false, cudaArchitectures: "90", cudaVersion: "13.0" };
    const result = await runGpuBuild({ toolchain, steps: [], dataDir });
    assert.equal(result.status, "built");
    const dir = gpuLocalBuildDir(root, "linux-x64-cuda");
    assert.equal(result.dir, dir);
    const pkg = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as { name: string; version: string };
    assert.deepEqual([pkg.name, pkg.version], ["@node-llama-cpp/linux-x64-cuda", "3.21.1"]);
    // What node-llama-cpp calls on the package it imports.
    const mod = (await import(pathToFileURL(path.join(dir, "dist", "index.js")).href)) as {
      getBinsDir(): { binsDir: string; packageVersion: string };
    };
    assert.deepEqual(mod.getBinsDir(), { binsDir: path.join(dir, "bins"), packageVersion: "3.21.1" });
    assert.ok(existsSync(path.join(dir, "bins", "linux-x64-cuda", "llama-addon.node")));
    assert.ok(existsSync(path.join(dir, "bins", "linux-x64-cuda", "_nlcBuildMetadata.json")));
    const packs = installedPacks(root);
    assert.equal(packs.length, 1);
    assert.equal(packs[0].dir, dir, "the local build takes the downloaded pack's place");
    assert.match(packs[0].localBuild ?? "", /^built \d{4}-.* for sm_90$/);
    assert.ok(!existsSync(path.join(nlc, "llama", "localBuilds", folder)), "node-llama-cpp's copy is removed");
    assert.ok(
      (await lstat(path.join(dir, "bins", "linux-x64-cuda", "libggml-link.so"))).isFile(),
      "a symlink is copied as the file it names, not a link into the removed build",
    );
  });

  it("refuses a --source tarball that is not this node-llama-cpp, before building anything", async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), "mixtral-gpu-build-source-"));
    temps.push(work);
    const nlc = path.join(work, "node-llama-cpp");
    await mkdir(path.join(nlc, "llama"), { recursive: true });
    await cp(path.join(nodeLlamaCppDir(), "package.json"), path.join(nlc, "package.json"));
    const wrong = await packTarball("linux-x64");
    const toolchain = { nodeLlamaCppDir: nlc, sourceCloned: false, sourceBundle: false, sourceFile: wrong, cudaArchitectures: "90" };
    await assert.rejects(
      runGpuBuild({ toolchain, steps: gpuBuildSteps(toolchain), dataDir: path.join(work, "data") }),
      (e: unknown) =>
        e instanceof GpuBuildError &&
        e.message === `${wrong} holds @node-llama-cpp/linux-x64@3.21.1, not node-llama-cpp@3.21.1.` &&
        /npm pack node-llama-cpp@3\.21\.1/.test(e.hint ?? ""),
    );
    assert.deepEqual(await readdir(path.join(nlc, "llama")), [], "no bundle placed");
  });

  it("cancels a started build: its processes are gone and nothing of it is left", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "mixtral-gpu-build-"));
    temps.push(dataDir);
    const { toolchain } = await detectGpuBuildToolchain({
      nodeLlamaCppDir: nodeLlamaCppDir(),
      node: process.execPath,
      cudaArchitectures: "90",
    });
    const localBuilds = path.join(nodeLlamaCppDir(), "llama", "localBuilds");
    const before = (await readdir(localBuilds).catch(() => [] as string[])).sort();
    const sourceBefore = existsSync(path.join(nodeLlamaCppDir(), "llama", "llama.cpp"));
    const localBuildsBefore = existsSync(localBuilds);
    const ac = new AbortController();
    const lines: string[] = [];
    const result = await runGpuBuild({
      toolchain,
      steps: gpuBuildSteps(toolchain),
      dataDir,
      signal: ac.signal,
      // Cancel once CMake is configuring the llama.cpp build (a few seconds into the build step).
      onLine: (line) => {
        lines.push(line);
        if (line.startsWith("-- The C compiler identification")) ac.abort();
      },
    });
    assert.equal(result.status, "cancelled", lines.slice(-20).join("\n"));
    assert.ok(
      lines.some((l) => l.startsWith("-- The C compiler identification")),
      "the build had started",
    );
    assert.deepEqual(processesIn(path.join(nodeLlamaCppDir(), "llama")), [], "no cmake/compiler left running");
    assert.deepEqual((await readdir(localBuilds).catch(() => [] as string[])).sort(), before, "no build folder left in node-llama-cpp");
    assert.equal(existsSync(localBuilds), localBuildsBefore);
    assert.equal(existsSync(path.join(nodeLlamaCppDir(), "llama", "llama.cpp")), sourceBefore, "the source it unpacked is removed again");
    const root = gpuPacksRoot(dataDir, "3.21.1");
    assert.ok(!existsSync(gpuLocalBuildDir(root, `${process.platform}-${process.arch}-cuda`)), "nothing installed");
    const parent = path.dirname(gpuLocalBuildDir(root, "x"));
    assert.deepEqual(await readdir(parent), [], "no temporary folder left");
    assert.ok(existsSync(result.logFile));
  });
});
