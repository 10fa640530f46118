// "Build GPU support for this machine": node-llama-cpp's own source build (its CLI, `source
// download` from the llama.cpp git bundle it ships, then `source build --gpu cuda`), for the
// card's architecture, with no network. This module finds the toolchain and writes the plan;
// gpuBuildRunner.ts runs it. Where it helps: data-centre cards on R580 drivers, where the prebuilt
// CUDA package aborts (its sm_90 code is PTX from CUDA 13.1) and a build with the machine's own
// CUDA toolkit works (docs/FACTS.md: 264–325 s on 16 cores).
import { execFile } from "node:child_process";
import { existsSync, readdirSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { queryNvidiaCard } from "../models/machineInfo";

export interface GpuBuildToolchain {
  /** The Node that runs the build (node-llama-cpp's CLI, and npm's cmake-js beside it). */
  node?: string;
  npm?: string;
  /** Node's headers (cmake-js would download them otherwise): the folder holding include/node. */
  nodeDir?: string;
  nvcc?: string;
  cudaVersion?: string;
  cmake?: string;
  compiler?: string;
  git?: string;
  /** CUDA architectures to build for, e.g. "90" (from --arch, or the card's compute capability). */
  cudaArchitectures?: string;
  gpuName?: string;
  /** node-llama-cpp's package folder, and whether its llama.cpp source is there. */
  nodeLlamaCppDir: string;
  sourceCloned: boolean;
  sourceBundle: boolean;
  /** --source: a `npm pack node-llama-cpp@<version>` tarball (or its llama/gitRelease.bundle) for
   *  an installation without the bundle (the VSIX leaves its 35 MB out). */
  sourceFile?: string;
  /** No source here, but the manifest pins node-llama-cpp's tarball: fetch it (fetchLlamaSource)
   *  and set sourceFile before the build. */
  sourceOnDemand?: boolean;
}

export interface GpuBuildCheck {
  toolchain: GpuBuildToolchain;
  /** What is missing, each with what to install; empty when the build can start. */
  missing: string[];
}

export interface DetectOptions {
  nodeLlamaCppDir: string;
  /** A Node binary to use; default `node` on the PATH (the extension host is Electron, not Node). */
  node?: string;
  /** e.g. "90" or "86;89"; default the first card's compute capability from nvidia-smi. */
  cudaArchitectures?: string;
  /** See GpuBuildToolchain.sourceFile. */
  sourceFile?: string;
  /** The manifest pins node-llama-cpp's tarball, so a missing source can be downloaded. */
  sourceDownloadable?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** `name` on the PATH (with Windows' extensions), or undefined. */
export function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(platform === "win32" ? ";" : ":").filter(Boolean);
  const exts = platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").map((e) => e.toLowerCase()) : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

/** cublas_v2.h in the toolkit nvcc belongs to (or the usual places), or undefined. */
function findCublasHeader(nvcc: string, env: NodeJS.ProcessEnv): string | undefined {
  let real = nvcc;
  try {
    real = realpathSync(nvcc);
  } catch {
    /* keep the path as given */
  }
  const roots = [path.resolve(path.dirname(real), ".."), env.CUDA_PATH, env.CUDA_HOME, "/usr/local/cuda", "/usr"].filter(
    (r): r is string => !!r,
  );
  for (const root of roots) {
    const includes = [path.join(root, "include")];
    try {
      for (const target of readdirSync(path.join(root, "targets"))) includes.push(path.join(root, "targets", target, "include"));
    } catch {
      /* no targets/ folder */
    }
    const found = includes.map((i) => path.join(i, "cublas_v2.h")).find((f) => existsSync(f));
    if (found) return found;
  }
  return undefined;
}

function output(file: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, windowsHide: true }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

/** A CUDA architecture list as CMake takes it: "90", "86;89" (from "9.0", "sm_90", "90,89"). */
export function normalizeCudaArchitectures(value: string): string | undefined {
  const parts = value
    .split(/[;,\s]+/)
    .filter(Boolean)
    .map((p) => p.replace(/^sm_/, "").replace(".", ""));
  return parts.length > 0 && parts.every((p) => /^\d{2,3}[af]?$/.test(p)) ? parts.join(";") : undefined;
}

/** The CUDA toolkit: nvcc (CUDACXX, the PATH, CUDA_PATH, /usr/local/cuda), its version, and
 *  cuBLAS beside it; what is missing goes to `missing`. */
async function detectCudaToolkit(
  t: GpuBuildToolchain,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  missing: string[],
): Promise<void> {
  const win = platform === "win32";
  const nvccCandidates = [
    env.CUDACXX,
    findOnPath("nvcc", env, platform),
    env.CUDA_PATH && path.join(env.CUDA_PATH, "bin", win ? "nvcc.exe" : "nvcc"),
    win ? undefined : "/usr/local/cuda/bin/nvcc",
  ];
  t.nvcc = nvccCandidates.find((c): c is string => !!c && existsSync(c));
  if (!t.nvcc)
    missing.push("the CUDA toolkit's compiler nvcc (install the CUDA Toolkit from NVIDIA; on Linux it lands in /usr/local/cuda/bin)");
  else {
    t.cudaVersion = /release ([\d.]+)/.exec((await output(t.nvcc, ["--version"])) ?? "")?.[1];
    // ggml's CUDA backend links cuBLAS: a toolkit with nvcc but without it fails at CMake's
    // configure step ("Target ggml-cuda links to: CUDA::cublas but the target was not found").
    if (!findCublasHeader(t.nvcc, env))
      missing.push(
        "cuBLAS from the CUDA toolkit (no cublas_v2.h beside nvcc): install the full CUDA Toolkit, or its cuBLAS development package (e.g. libcublas-dev-13-0)",
      );
  }
}

export async function detectGpuBuildToolchain(o: DetectOptions): Promise<GpuBuildCheck> {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const win = platform === "win32";
  const missing: string[] = [];
  const llama = path.join(o.nodeLlamaCppDir, "llama");
  const t: GpuBuildToolchain = {
    nodeLlamaCppDir: o.nodeLlamaCppDir,
    sourceCloned: existsSync(path.join(llama, "llama.cpp", ".git")) && existsSync(path.join(llama, "llama.cpp.info.json")),
    sourceBundle: existsSync(path.join(llama, "gitRelease.bundle")),
  };
  if (!existsSync(path.join(o.nodeLlamaCppDir, "dist", "cli", "cli.js")))
    missing.push(`node-llama-cpp's command line (${path.join(o.nodeLlamaCppDir, "dist", "cli", "cli.js")}): reinstall the extension`);
  if (o.sourceFile !== undefined) {
    if (existsSync(o.sourceFile)) t.sourceFile = path.resolve(o.sourceFile);
    else missing.push(`the source file ${o.sourceFile} (it does not exist)`);
  } else if (!t.sourceCloned && !t.sourceBundle && o.sourceDownloadable) {
    t.sourceOnDemand = true;
  } else if (!t.sourceCloned && !t.sourceBundle) {
    missing.push(
      "llama.cpp's source (node-llama-cpp's llama/gitRelease.bundle is not in this installation): pass --source with the tarball of `npm pack node-llama-cpp@<this version>`, made on a machine with the npm registry",
    );
  }

  t.node = o.node ?? findOnPath("node", env, platform);
  if (!t.node) missing.push("Node.js 20 or newer on the PATH (the build runs node-llama-cpp's command line and npm with it)");
  else {
    t.npm = findOnPath("npm", { ...env, PATH: `${path.dirname(t.node)}${win ? ";" : ":"}${env.PATH ?? ""}` }, platform);
    if (!t.npm) missing.push("npm next to Node.js (node-llama-cpp's build runs `npm run cmake-js-llama`)");
    // cmake-js downloads Node's headers unless npm_config_nodedir names a folder with include/node.
    const candidate = env.npm_config_nodedir ?? path.resolve(path.dirname(t.node), "..");
    if (existsSync(path.join(candidate, "include", "node", "node_api.h"))) t.nodeDir = candidate;
    else
      missing.push(
        `Node.js's headers (no include/node/node_api.h in ${candidate}): install Node.js with its headers (the official tarball has them; Debian: libnode-dev), or set npm_config_nodedir`,
      );
  }

  await detectCudaToolkit(t, env, platform, missing);

  t.cmake = findOnPath("cmake", env, platform);
  if (!t.cmake) missing.push("cmake on the PATH (Debian/Ubuntu: apt install cmake)");
  t.compiler = win
    ? (findOnPath("cl", env, platform) ??
      (existsSync(path.join(env["ProgramFiles(x86)"] ?? "C:\\Program Files (x86)", "Microsoft Visual Studio"))
        ? "Visual Studio"
        : undefined))
    : (findOnPath("g++", env, platform) ?? findOnPath("c++", env, platform) ?? findOnPath("clang++", env, platform));
  if (!t.compiler)
    missing.push(
      win ? "Visual Studio Build Tools with the C++ workload" : "a C++ compiler (g++ or clang++; Debian/Ubuntu: build-essential)",
    );
  if (!t.sourceCloned) {
    t.git = findOnPath("git", env, platform);
    if (!t.git) missing.push("git (node-llama-cpp unpacks its llama.cpp source from a git bundle)");
  }

  const card = await queryNvidiaCard(10_000);
  const cap = card?.computeCapability;
  t.gpuName = card?.name;
  if (o.cudaArchitectures !== undefined) {
    t.cudaArchitectures = normalizeCudaArchitectures(o.cudaArchitectures);
    if (!t.cudaArchitectures)
      missing.push(
        `a valid --arch (got "${o.cudaArchitectures}"; e.g. 90 for H100/H200, 89 for RTX 40, 86 for RTX 30, 80 for A100, 75 for T4)`,
      );
  } else if (cap) {
    t.cudaArchitectures = normalizeCudaArchitectures(cap);
  } else {
    missing.push(
      "a CUDA architecture to build for: nvidia-smi finds no NVIDIA GPU here; pass --arch (e.g. 90 for H100/H200, 89 for RTX 40, 86 for RTX 30, 80 for A100, 75 for T4)",
    );
  }
  return { toolchain: t, missing };
}

export interface GpuBuildStep {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** The environment node-llama-cpp's build reads: the architectures as a custom CMake option
 *  (NODE_LLAMA_CPP_CMAKE_OPTION_*), the CUDA compiler, Node's headers, and this Node first on the
 *  PATH so the `npm` it runs is the one beside it. */
export function gpuBuildEnv(
  t: GpuBuildToolchain,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith("NODE_LLAMA_CPP_CMAKE_OPTION_")) out[k] = v;
  if (t.node)
    out.PATH = [path.dirname(t.node), t.nvcc ? path.dirname(t.nvcc) : undefined, env.PATH ?? env.Path]
      .filter(Boolean)
      .join(platform === "win32" ? ";" : ":");
  if (t.nvcc) out.CUDACXX = t.nvcc;
  if (t.nodeDir) out.npm_config_nodedir = t.nodeDir;
  if (t.cudaArchitectures) out.NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES = t.cudaArchitectures;
  // node-llama-cpp's CLI would otherwise ask questions or print colour codes into the log.
  out.CI = "true";
  out.FORCE_COLOR = "0";
  out.ELECTRON_RUN_AS_NODE = "1";
  return out;
}

/** The commands, in order: unpack the bundled llama.cpp source (once), then build it for CUDA. */
export function gpuBuildSteps(
  t: GpuBuildToolchain,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): GpuBuildStep[] {
  const node = t.node ?? "node";
  const cli = path.join(t.nodeLlamaCppDir, "dist", "cli", "cli.js");
  const buildEnv = gpuBuildEnv(t, env, platform);
  const steps: GpuBuildStep[] = [];
  if (!t.sourceCloned) {
    steps.push({
      label: "unpacking llama.cpp's source from node-llama-cpp's git bundle",
      command: node,
      args: [cli, "source", "download", "--skipBuild", "--noUsageExample"],
      env: buildEnv,
      cwd: t.nodeLlamaCppDir,
    });
  }
  steps.push({
    label: `building llama.cpp with CUDA ${t.cudaVersion ?? ""} for sm_${t.cudaArchitectures ?? "?"}`.replace("  ", " "),
    command: node,
    args: [cli, "source", "build", "--gpu", "cuda", "--noUsageExample"],
    env: buildEnv,
    cwd: t.nodeLlamaCppDir,
  });
  return steps;
}
