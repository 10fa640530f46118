// Real node-llama-cpp binary packages laid out as installed GPU packs (src/core/gpu/packLayout.ts),
// for the engine tests: the tarball from the npm registry (`npm pack`, cached under .cache/),
// unpacked into a temporary version folder. The CPU package stands in for a GPU pack where a test
// needs binaries that load on this machine.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { gpuPackDir, gpuPacksRoot } from "../../src/core/gpu/packLayout";
import { repoRoot } from "./tinyModel";

const run = promisify(execFile);
export const NODE_LLAMA_CPP_VERSION = "3.21.1";

/** `.cache/gpu-packs/node-llama-cpp-<name>-<version>.tgz`, fetched with `npm pack` once. */
export async function packTarball(name: string): Promise<string> {
  const dir = path.join(repoRoot(), ".cache", "gpu-packs");
  const file = path.join(dir, `node-llama-cpp-${name}-${NODE_LLAMA_CPP_VERSION}.tgz`);
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true });
    await run("npm", ["pack", `@node-llama-cpp/${name}@${NODE_LLAMA_CPP_VERSION}`, "--pack-destination", dir], { timeout: 300_000 });
  }
  return file;
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
