// The engine's side of GPU packs (src/core/gpu/packLayout.ts): which packs the host made
// available (MIXTRAL_GPU_PACKS), the module resolve hook that makes node-llama-cpp load them, and
// which binary folder this process really loaded, for the log.
import { readdirSync, readFileSync } from "node:fs";
import { register } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { cuda12PackName, GPU_PACKS_ENV, gpuLocalBuildDir, gpuPackDir, LOCAL_BUILD_INFO_FILE, packNameFor } from "../core/gpu/packLayout";
import type { PackHookData } from "./gpuPackHook";

export interface InstalledPack {
  /** e.g. "linux-x64-cuda" (the package is @node-llama-cpp/<name>). */
  name: string;
  version: string;
  dir: string;
  /** Set for a build made on this machine ("Build GPU Support for This Machine"): what and when. */
  localBuild?: string;
}

export interface GpuPacks {
  /** The version folder, when the host passed one. */
  root?: string;
  packs: InstalledPack[];
}

function readPacks(dirOf: (name: string) => string, localBuild: boolean): InstalledPack[] {
  let names: string[];
  try {
    names = readdirSync(path.dirname(dirOf("x")));
  } catch {
    return [];
  }
  const packs: InstalledPack[] = [];
  for (const name of names.filter((n) => !n.startsWith(".")).sort()) {
    const dir = dirOf(name);
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name !== `@node-llama-cpp/${name}` || typeof pkg.version !== "string") continue;
      const pack: InstalledPack = { name, version: pkg.version, dir };
      if (localBuild) {
        const info = JSON.parse(readFileSync(path.join(dir, LOCAL_BUILD_INFO_FILE), "utf8")) as {
          builtAt?: unknown;
          cudaArchitectures?: unknown;
        };
        pack.localBuild = `built ${String(info.builtAt)} for sm_${String(info.cudaArchitectures)}`;
      }
      packs.push(pack);
    } catch {
      // not a pack (no or unreadable package.json or build record)
    }
  }
  return packs;
}

/** Complete packs in a version folder: each has a readable package.json (the installer renames a
 *  pack into place only when it is complete, so a folder without one is not a pack). A local
 *  build of the same name takes the downloaded pack's place. */
export function installedPacks(root: string): InstalledPack[] {
  const local = readPacks((name) => gpuLocalBuildDir(root, name), true);
  const downloaded = readPacks((name) => gpuPackDir(root, name), false).filter((p) => !local.some((l) => l.name === p.name));
  return [...local, ...downloaded].sort((a, b) => a.name.localeCompare(b.name));
}

let current: GpuPacks = { packs: [] };
let hookUrl: string | undefined;

/** Set in a decode-test process: pack name → base folder to resolve it from instead (the CUDA 12 view). */
export const PACK_OVERRIDES_ENV = "MIXTRAL_GPU_PACK_OVERRIDES";

function registerHook(overrides: Record<string, string>): void {
  if (!hookUrl) return;
  // The folder holding node_modules/@node-llama-cpp/<name>: three levels above the package.
  const data: PackHookData = {
    packs: { ...Object.fromEntries(current.packs.map((p) => [p.name, path.resolve(p.dir, "..", "..", "..")])), ...overrides },
  };
  // Registering the same hook again replaces its data (one module instance on the loader thread),
  // synchronously: later imports resolve with the new map.
  register(hookUrl, { data });
}

/** Installs the resolve hook for the packs named by MIXTRAL_GPU_PACKS. Must run before the first
 *  import("node-llama-cpp"): node-llama-cpp imports its binary packages lazily, but a module that
 *  resolved once stays resolved. `hookDir` holds gpuPackHook.mjs (dist/, next to engine.js). */
export function installGpuPackHook(env: NodeJS.ProcessEnv = process.env, hookDir: string = __dirname): GpuPacks {
  const root = env[GPU_PACKS_ENV];
  if (!root) return current;
  current = { root, packs: installedPacks(root) };
  if (current.packs.length > 0) {
    hookUrl = pathToFileURL(path.join(hookDir, "gpuPackHook.mjs")).href;
    let overrides: Record<string, string> = {};
    try {
      overrides = JSON.parse(env[PACK_OVERRIDES_ENV] ?? "{}") as Record<string, string>;
    } catch {
      /* none */
    }
    registerHook(overrides);
  }
  return current;
}

/** From now on, resolve the CUDA pack's name from `base` (the CUDA 12 view). */
export function routeCudaPackTo(base: string): void {
  registerHook({ [packNameFor("cuda")]: base });
}

export function gpuPacks(): GpuPacks {
  return current;
}

/** The folder of the llama-addon.node this process has loaded: on Linux read from the process's
 *  own memory map (what is really loaded, whatever resolved it); elsewhere undefined. */
export function loadedBinaryFolder(): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const line = readFileSync("/proc/self/maps", "utf8")
      .split("\n")
      .find((l) => l.endsWith("/llama-addon.node"));
    return line ? path.dirname(line.slice(line.indexOf("/"))) : undefined;
  } catch {
    return undefined;
  }
}

/** Words for the log: where the binaries of `gpu` come from. */
export function describeBinarySource(gpu: "cuda" | "vulkan" | "metal" | false, buildType: string): string {
  const loaded = loadedBinaryFolder();
  const pack = current.packs.find((p) => p.name === packNameFor(gpu));
  const fromPack = pack && (!loaded || loaded.startsWith(pack.dir + path.sep));
  const viaView = gpu === "cuda" && current.root && loaded?.startsWith(path.join(current.root, "cuda12-view") + path.sep);
  const origin =
    buildType === "localBuild"
      ? "node-llama-cpp's own local source build"
      : viaView
        ? `GPU pack @node-llama-cpp/${cuda12PackName()} (the CUDA 12 build, loaded through the CUDA pack without its CUDA 13 library)`
        : fromPack && pack.localBuild
          ? `the GPU support built for this machine (${pack.localBuild})`
          : fromPack
            ? `GPU pack @node-llama-cpp/${pack.name}@${pack.version}`
            : "the extension's own prebuilt binaries";
  return `${origin}${loaded ? `, binary folder ${loaded}` : pack ? `, pack folder ${pack.dir}` : ""}`;
}
