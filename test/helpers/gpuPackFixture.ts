// A GPU pack for tests on a machine without a GPU: node-llama-cpp's CPU package tarball of the same
// version (@node-llama-cpp/linux-x64, 10.6 MB, downloaded once into .cache/gpu-packs/ and checked
// against the registry's integrity by scripts/lib/gpuPacks.mjs) in a pack's role, described by a
// manifest entry whose size and sha512 are that file's real ones, so installs are real.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as tar from "tar";
import type { GpuPackBackend, GpuPackEntry, GpuPackManifest } from "../../src/core/gpu/packManifest";
import { repoRoot } from "./tinyModel";

type GpuPacksLib = typeof import("../../scripts/lib/gpuPacks.mjs", { with: { "resolution-mode": "import" } });

export async function gpuPacksLib(): Promise<GpuPacksLib> {
  return (await import(pathToFileURL(path.join(repoRoot(), "scripts/lib/gpuPacks.mjs")).href)) as GpuPacksLib;
}

/** The cached CPU package tarball (the pack stand-in) and node-llama-cpp's version. */
export async function cpuPackTarball(): Promise<{ file: string; version: string }> {
  const lib = await gpuPacksLib();
  const version = lib.nodeLlamaCppVersion();
  return { file: await lib.cachedPackTarball("linux-x64", version), version };
}

/** A manifest entry for `file` exactly as the package script writes one (registry URL, real hash). */
export async function packEntryFor(file: string, name: string, version: string, backend: GpuPackBackend = "cuda"): Promise<GpuPackEntry> {
  const bytes = readFileSync(file);
  let unpackedSize = 0;
  await tar.t({ file, onReadEntry: (e) => { unpackedSize += e.size ?? 0; } });
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
