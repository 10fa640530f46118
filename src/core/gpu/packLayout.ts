// Where installed GPU packs live: the one contract between the installer (extension host, CLI)
// and the engine child's module resolve hook. A pack is an unpacked @node-llama-cpp/<name> npm
// package (node-llama-cpp's own prebuilt binaries for one backend), kept per node-llama-cpp
// version because node-llama-cpp accepts a prebuilt package only when its version equals its own.
//
//   <dataDir>/gpu-packs/<node-llama-cpp version>/node_modules/@node-llama-cpp/<name>/package.json
//
// Only complete, verified packs are at that path (they are unpacked elsewhere and renamed into
// place). The host passes the version folder to the engine child in GPU_PACKS_ENV.
import * as path from "node:path";

/** Environment variable naming the version folder (gpuPacksRoot) for the engine child. */
export const GPU_PACKS_ENV = "MIXTRAL_GPU_PACKS";

/** The GPU decode tests' results (backend + packs + driver + card → verdict), in the version
 *  folder: deleting it (or `mixtral-local gpu-check --retest`) tests every backend again. */
export const PROBE_CACHE_FILE = "probe-results.json";

/** node-llama-cpp's binary package name (@node-llama-cpp/<name>) for a backend on a platform, e.g.
 *  "linux-x64-cuda"; `false`: the CPU one ("linux-x64"). */
export function packNameFor(
  gpu: "cuda" | "vulkan" | "metal" | false,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const os = platform === "win32" ? "win" : platform === "darwin" ? "mac" : platform;
  return `${os}-${arch}${gpu === false ? "" : `-${gpu}`}`;
}

/** The CUDA 12 build's package ("linux-x64-cuda-ext"), installed beside the CUDA 13 one. */
export function cuda12PackName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `${packNameFor("cuda", platform, arch)}-ext`;
}

/** The folder holding every pack for one node-llama-cpp version. `dataDir`: the extension's global storage. */
export function gpuPacksRoot(dataDir: string, nodeLlamaCppVersion: string): string {
  return path.join(dataDir, "gpu-packs", nodeLlamaCppVersion);
}

/** An installed pack's package folder inside a version folder, e.g. name "linux-x64-cuda". */
export function gpuPackDir(root: string, name: string): string {
  return path.join(root, "node_modules", "@node-llama-cpp", name);
}

/** A GPU build made on this machine from node-llama-cpp's bundled llama.cpp source ("Build GPU
 *  Support for This Machine"), packaged like a pack of the same name so the engine loads it the
 *  same way; it takes precedence over a downloaded pack of that name (it was built for this card):
 *
 *    <root>/local-build/node_modules/@node-llama-cpp/<name>/{package.json, dist/index.js, bins/<name>/}
 */
export function gpuLocalBuildDir(root: string, name: string): string {
  return path.join(root, "local-build", "node_modules", "@node-llama-cpp", name);
}

/** Written into a local build's package folder: what it was built for and when. */
export const LOCAL_BUILD_INFO_FILE = "mixtral-build.json";
