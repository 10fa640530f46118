// The CUDA 12 pack as a backend of its own. node-llama-cpp uses @node-llama-cpp/<os>-x64-cuda-ext
// (a CUDA 12 build in bins/<os>-x64-cuda/fallback/) only when the CUDA 13 pack's libggml-cuda
// cannot load at all (no libcudart.so.13); when it loads and then aborts at the first decode (an
// H200 on driver 580), nothing would ever select CUDA 12. This view is the CUDA 13 pack without
// its libggml-cuda, hard-linked (no copy of 190 MB) in the packs folder: node-llama-cpp then finds
// no GPU backend in the main folder and loads the -cuda-ext fallback's, as it does on a machine
// with only the CUDA 12 runtime.
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { cuda12PackName, packNameFor } from "../core/gpu/packLayout";
import type { GpuPacks } from "./gpuPacks";

/** Folder (in the packs' version folder) whose node_modules holds the view. */
export const CUDA12_VIEW = "cuda12-view";

/** Libraries left out of the view: the CUDA 13 backend (Linux .so, Windows .dll). */
const CUDA13_BACKEND = /ggml-cuda/;

/** The view's base folder, made on first use; undefined unless both CUDA packs are downloaded. */
export async function cuda12View(packs: GpuPacks): Promise<string | undefined> {
  const name = packNameFor("cuda");
  const main = packs.packs.find((p) => p.name === name && !p.localBuild);
  const ext = packs.packs.find((p) => p.name === cuda12PackName());
  if (!packs.root || !main || !ext) return undefined;
  const base = path.join(packs.root, CUDA12_VIEW);
  const dir = path.join(base, "node_modules", "@node-llama-cpp", name);
  if (existsSync(path.join(dir, "package.json"))) return base;
  const temp = `${dir}.${process.pid}.tmp`;
  await fs.rm(temp, { recursive: true, force: true });
  await fs.mkdir(temp, { recursive: true });
  await fs.cp(path.join(main.dir, "dist"), path.join(temp, "dist"), { recursive: true });
  for (const folder of await fs.readdir(path.join(main.dir, "bins"))) {
    await fs.mkdir(path.join(temp, "bins", folder), { recursive: true });
    for (const file of await fs.readdir(path.join(main.dir, "bins", folder))) {
      if (CUDA13_BACKEND.test(file)) continue;
      const from = path.join(main.dir, "bins", folder, file);
      const to = path.join(temp, "bins", folder, file);
      if ((await fs.lstat(from)).isDirectory()) await fs.cp(from, to, { recursive: true });
      else await fs.link(from, to).catch(() => fs.copyFile(from, to));
    }
  }
  // package.json last: a view without it is not complete (installedPacks' rule).
  await fs.copyFile(path.join(main.dir, "package.json"), path.join(temp, "package.json"));
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(temp, dir);
  return base;
}
