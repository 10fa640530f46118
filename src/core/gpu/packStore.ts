// The GPU packs and local builds on disk (layout of packLayout.ts): which are installed and
// complete, and removing them (one pack, every pack, or the versions an update left behind).
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { GpuPackError } from "../errors";
import { gpuLocalBuildDir, gpuPackDir, gpuPacksRoot } from "./packLayout";

export interface InstalledGpuPack {
  name: string;
  version: string;
  dir: string;
}

/** The packs installed for one node-llama-cpp version (only complete ones: the right package.json). */
export function listInstalledGpuPacks(dataDir: string, nodeLlamaCppVersion: string): Promise<InstalledGpuPack[]> {
  return listPackages((name) => gpuPackDir(gpuPacksRoot(dataDir, nodeLlamaCppVersion), name), nodeLlamaCppVersion);
}

/** GPU support built on this machine ("Build GPU Support for This Machine"), packaged like packs. */
export function listLocalGpuBuilds(dataDir: string, nodeLlamaCppVersion: string): Promise<InstalledGpuPack[]> {
  return listPackages((name) => gpuLocalBuildDir(gpuPacksRoot(dataDir, nodeLlamaCppVersion), name), nodeLlamaCppVersion);
}

async function listPackages(dirOf: (name: string) => string, version: string): Promise<InstalledGpuPack[]> {
  const names = await fs.readdir(path.dirname(dirOf("x"))).catch(() => [] as string[]);
  const packs: InstalledGpuPack[] = [];
  for (const name of names.filter((n) => !n.startsWith(".")).sort()) {
    const pkg = await readPackageJson(dirOf(name));
    if (pkg?.name === `@node-llama-cpp/${name}` && pkg.version === version) packs.push({ name, version: pkg.version, dir: dirOf(name) });
  }
  return packs;
}

/** Removes one downloaded pack (by name), or every pack and local build of every version. Returns
 *  what was removed (local builds as "local build <name>"). */
export async function removeGpuPacks(dataDir: string, nodeLlamaCppVersion: string, name?: string): Promise<string[]> {
  const target = name ? gpuPackDir(gpuPacksRoot(dataDir, nodeLlamaCppVersion), name) : path.join(dataDir, "gpu-packs");
  const removed = name
    ? [name]
    : [
        ...(await listInstalledGpuPacks(dataDir, nodeLlamaCppVersion)).map((p) => p.name),
        ...(await listLocalGpuBuilds(dataDir, nodeLlamaCppVersion)).map((p) => `local build ${p.name}`),
      ];
  try {
    await fs.rm(target, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    throw new GpuPackError(
      `Cannot remove ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`,
      "The engine may still be using the pack (Windows keeps loaded libraries locked): close VS Code windows that use it, then remove it again.",
    );
  }
  return removed;
}

/** Deletes packs of other node-llama-cpp versions (left by an update: node-llama-cpp loads only
 *  its own version). Returns the versions removed; a folder in use is left for next time. */
export async function removeOtherGpuPackVersions(dataDir: string, nodeLlamaCppVersion: string): Promise<string[]> {
  const base = path.join(dataDir, "gpu-packs");
  const versions = await fs.readdir(base).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const v of versions.filter((x) => x !== nodeLlamaCppVersion)) {
    const ok = await fs.rm(path.join(base, v), { recursive: true, force: true }).then(
      () => true,
      () => false,
    );
    if (ok) removed.push(v);
  }
  return removed;
}

/** A package folder's name and version; undefined when it has no readable package.json. */
export async function readPackageJson(dir: string): Promise<{ name: string; version: string } | undefined> {
  try {
    const pkg = JSON.parse(await fs.readFile(path.join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
    return { name: String(pkg.name), version: String(pkg.version) };
  } catch {
    return undefined;
  }
}
