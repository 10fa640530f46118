// Real node-llama-cpp binary packages as GPU packs, for tests on a machine without a GPU: the
// tarball from the npm registry (downloaded once into .cache/gpu-packs/<version>/ and checked
// against the registry's integrity by scripts/lib/gpuPacks.mjs, the code that pins the real packs).
// The CPU package (@node-llama-cpp/linux-x64, 10.6 MB) stands in for a GPU pack where a test needs
// binaries that load here: laid out as installed (engine tests), or described by a manifest entry
// whose size and sha512 are the file's real ones, so installs are real (installer tests).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import * as tar from "tar";
import { gpuPackDir, gpuPacksRoot } from "../../src/core/gpu/packLayout";
import type { GpuPackBackend, GpuPackEntry, GpuPackManifest } from "../../src/core/gpu/packManifest";
import { repoRoot } from "./tinyModel";

const run = promisify(execFile);
export const NODE_LLAMA_CPP_VERSION = "3.21.1";

type GpuPacksLib = typeof import("../../scripts/lib/gpuPacks.mjs", { with: { "resolution-mode": "import" } });

export async function gpuPacksLib(): Promise<GpuPacksLib> {
  return (await import(pathToFileURL(path.join(repoRoot(), "scripts/lib/gpuPacks.mjs")).href)) as GpuPacksLib;
}

/** The cached, verified tarball of @node-llama-cpp/<name> at node-llama-cpp's version. */
export async function packTarball(name: string): Promise<string> {
  return (await gpuPacksLib()).cachedPackTarball(name, NODE_LLAMA_CPP_VERSION);
}

/** The cached CPU package tarball (the pack stand-in) and node-llama-cpp's version. */
export async function cpuPackTarball(): Promise<{ file: string; version: string }> {
  return { file: await packTarball("linux-x64"), version: NODE_LLAMA_CPP_VERSION };
}

/** A fresh data dir whose version folder holds the named packs; returns the version folder. */
export async function makePackRoot(names: string[]): Promise<{ dataDir: string; root: string; dispose(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "mixtral-gpu-packs-"));
  const root = gpuPacksRoot(dataDir, NODE_LLAMA_CPP_VERSION);
  for (const name of names) {
    const dir = gpuPackDir(root, name);
    await mkdir(dir, { recursive: true });
    await run("tar", ["-xzf", await packTarball(name), "-C", dir, "--strip-components=1"]);
  }
  return { dataDir, root, dispose: () => rm(dataDir, { recursive: true, force: true }) };
}

/** A manifest entry for `file` exactly as the package script writes one (registry URL, real hash). */
export async function packEntryFor(file: string, name: string, version: string, backend: GpuPackBackend = "cuda"): Promise<GpuPackEntry> {
  const bytes = readFileSync(file);
  let unpackedSize = 0;
  await tar.t({
    file,
    onReadEntry: (e) => {
      unpackedSize += e.size ?? 0;
    },
  });
  return {
    name,
    version,
    backend,
    tarball: `https://registry.npmjs.org/@node-llama-cpp/${name}/-/${name}-${version}.tgz`,
    size: bytes.length,
    unpackedSize,
    integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
  };
}

export function manifestOf(version: string, packs: GpuPackEntry[]): GpuPackManifest {
  return { nodeLlamaCppVersion: version, target: "linux-x64", packs };
}
