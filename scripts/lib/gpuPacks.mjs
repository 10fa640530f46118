// The pinned GPU pack manifest (dist/gpu-packs.json): node-llama-cpp's GPU binary packages for one
// VSIX target, at exactly the node-llama-cpp version the extension ships, with each tarball's
// registry URL, size and sha512 integrity. Written at package time (and by the dev build) after
// downloading every tarball once into .cache/gpu-packs/<version>/ and checking it against the
// registry's integrity: the VSIX is the trust anchor, the extension trusts nothing else at run time.
// The manifest is cached beside the tarballs, so repeated builds need neither the network nor a
// second 350 MB download. src/core/gpu/packManifest.ts parses what this writes (schema 1).
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tar from "tar";
import { REPO_ROOT } from "./codeServer.mjs";
import { capture } from "./proc.mjs";

/** vsce target → its GPU packs ([package name under @node-llama-cpp, backend]). Others have none:
 *  macOS ships Metal in its CPU package; node-llama-cpp publishes no GPU build for ARM Linux/Windows. */
export const TARGET_GPU_PACKS = {
  "linux-x64": [
    ["linux-x64-cuda", "cuda"],
    ["linux-x64-cuda-ext", "cuda-ext"],
    ["linux-x64-vulkan", "vulkan"],
  ],
  "win32-x64": [
    ["win-x64-cuda", "cuda"],
    ["win-x64-cuda-ext", "cuda-ext"],
    ["win-x64-vulkan", "vulkan"],
  ],
};

export const MANIFEST_FILE = "gpu-packs.json";

export function nodeLlamaCppVersion() {
  return JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", "node-llama-cpp", "package.json"), "utf8")).version;
}

export function gpuPackCacheDir(version = nodeLlamaCppVersion()) {
  return join(REPO_ROOT, ".cache", "gpu-packs", version);
}

/** The cached tarball of one package, e.g. .cache/gpu-packs/3.21.1/linux-x64-cuda-3.21.1.tgz. */
export function cachedTarball(name, version = nodeLlamaCppVersion()) {
  return join(gpuPackCacheDir(version), `${name}-${version}.tgz`);
}

/** The manifest for `target`, from the cache or built (registry + downloads) and cached. */
export async function gpuPackManifest(target, { log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const version = nodeLlamaCppVersion();
  const cacheFile = join(gpuPackCacheDir(version), `manifest-${target}.json`);
  const wanted = (TARGET_GPU_PACKS[target] ?? []).map(([name]) => name).join(",");
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8"));
    if (cached.packs.map((p) => p.name).join(",") === wanted && cached.source) return cached;
  }
  const packs = [];
  for (const [name, backend] of TARGET_GPU_PACKS[target] ?? []) {
    const dist = await registryDist(`@node-llama-cpp/${name}@${version}`);
    const file = await downloadVerified(name, version, dist, log);
    // The registry's canonical URL, whatever registry or proxy npm is configured with here: users
    // download from registry.npmjs.org (or their own mirror through mixtral.gpu.packMirror).
    const tarball = `https://registry.npmjs.org/@node-llama-cpp/${name}/-/${name}-${version}.tgz`;
    packs.push({
      name,
      version,
      backend,
      tarball,
      size: statSync(file).size,
      unpackedSize: await unpackedSize(file),
      integrity: dist.integrity,
    });
  }
  const manifest = { schema: 1, nodeLlamaCppVersion: version, target, packs, source: llamaSourceEntry(version) };
  mkdirSync(gpuPackCacheDir(version), { recursive: true });
  writeFileSync(cacheFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** node-llama-cpp's own tarball, pinned by the integrity package-lock.json holds: it carries the
 *  llama.cpp source (llama/gitRelease.bundle, 35 MB) that the VSIX leaves out, which "Build GPU
 *  Support for This Machine" downloads on demand. No download here: npm checked that hash when it
 *  installed the very package the VSIX is built from. */
function llamaSourceEntry(version) {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8"));
  const entry = lock.packages?.["node_modules/node-llama-cpp"];
  if (entry?.version !== version || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(entry?.integrity ?? "")) {
    throw new Error(`package-lock.json has no sha512 integrity for node-llama-cpp@${version}; run npm install`);
  }
  return {
    name: "node-llama-cpp",
    version,
    tarball: `https://registry.npmjs.org/node-llama-cpp/-/node-llama-cpp-${version}.tgz`,
    integrity: entry.integrity,
  };
}

/** Writes dist/gpu-packs.json for `target` (an empty pack list for targets without GPU packs). */
export async function writeGpuPackManifest(target, outDir = join(REPO_ROOT, "dist"), options) {
  const manifest = await gpuPackManifest(target, options);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Downloads any @node-llama-cpp package tarball into the cache, verified (the tests use the CPU one). */
export async function cachedPackTarball(name, version = nodeLlamaCppVersion(), log = () => {}) {
  const file = cachedTarball(name, version);
  if (existsSync(file)) return file;
  return downloadVerified(name, version, await registryDist(`@node-llama-cpp/${name}@${version}`), log);
}

async function registryDist(spec) {
  const r = await capture("npm", ["view", spec, "dist", "--json"], { cwd: REPO_ROOT });
  if (r.code !== 0)
    throw Object.assign(new Error(`npm view ${spec} failed (packaging the GPU pack manifest needs the npm registry):\n${r.stderr}`), {
      name: "HarnessError",
    });
  const dist = JSON.parse(r.stdout);
  if (typeof dist?.tarball !== "string" || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(dist?.integrity ?? ""))
    throw new Error(`${spec}: the registry gave no tarball URL or sha512 integrity`);
  return dist;
}

async function downloadVerified(name, version, dist, log) {
  const file = cachedTarball(name, version);
  if (!existsSync(file)) {
    const dir = gpuPackCacheDir(version);
    mkdirSync(dir, { recursive: true });
    // npm pack: the registry, proxy and credentials npm is configured with (CI's, a mirror's).
    log(`Fetching @node-llama-cpp/${name}@${version} with npm pack (once, into ${dir})...`);
    const packed = await capture("npm", ["pack", `@node-llama-cpp/${name}@${version}`, "--pack-destination", dir, "--silent"], {
      cwd: dir,
    });
    if (packed.code !== 0)
      throw Object.assign(new Error(`npm pack @node-llama-cpp/${name}@${version} failed (it needs the npm registry):\n${packed.stderr}`), {
        name: "HarnessError",
      });
    renameSync(join(dir, packed.stdout.trim().split("\n").pop()), file);
  }
  const got = `sha512-${await sha512Base64(file)}`;
  if (got !== dist.integrity) {
    rmSync(file, { force: true });
    throw new Error(
      `${name}-${version}.tgz does not match the registry's integrity (${got.slice(0, 20)}… ≠ ${dist.integrity.slice(0, 20)}…); deleted, run again`,
    );
  }
  return file;
}

function sha512Base64(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha512");
    createReadStream(file)
      .on("data", (c) => hash.update(c))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("base64")));
  });
}

async function unpackedSize(file) {
  let total = 0;
  await tar.t({
    file,
    onReadEntry: (e) => {
      total += e.size ?? 0;
    },
  });
  return total;
}
