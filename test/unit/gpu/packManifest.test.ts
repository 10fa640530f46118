// The pinned manifest the package script writes (dist/gpu-packs.json from this build), parsed and
// validated, and which pack fits which machine.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { GpuPackError } from "../../../src/core/errors";
import {
  describeGpuPack,
  fittingGpuPacks,
  gpuPackForBackend,
  gpuPackUrl,
  loadGpuPackManifest,
  parseGpuPackManifest,
  type GpuPackManifest,
} from "../../../src/core/gpu/packManifest";
import { gpuPacksLib } from "../../helpers/gpuPackFixture";
import { repoRoot } from "../../helpers/tinyModel";

describe("gpu/packManifest", function () {
  this.timeout(120_000);
  let manifest: GpuPackManifest;

  before(async () => {
    // The linux-x64 manifest exactly as `npm run package` writes it (registry + verified downloads,
    // cached in .cache/gpu-packs/), whatever platform runs the test.
    const lib = await gpuPacksLib();
    manifest = parseGpuPackManifest(await lib.gpuPackManifest("linux-x64"));
  });

  it("pins the CUDA, CUDA 12 and Vulkan packages of node-llama-cpp's own version, with size and sha512", () => {
    const version = (
      JSON.parse(readFileSync(path.join(repoRoot(), "node_modules/node-llama-cpp/package.json"), "utf8")) as { version: string }
    ).version;
    assert.equal(manifest.nodeLlamaCppVersion, version);
    assert.deepEqual(
      manifest.packs.map((p) => [p.name, p.backend, p.version]),
      [
        ["linux-x64-cuda", "cuda", version],
        ["linux-x64-cuda-ext", "cuda-ext", version],
        ["linux-x64-vulkan", "vulkan", version],
      ],
    );
    for (const p of manifest.packs) {
      assert.equal(p.tarball, `https://registry.npmjs.org/@node-llama-cpp/${p.name}/-/${p.name}-${version}.tgz`);
      assert.ok(p.size > 20e6 && p.unpackedSize > p.size, `${p.name}: ${p.size} / ${p.unpackedSize}`);
    }
    assert.match(describeGpuPack(manifest.packs[0]), /^CUDA, \d+ MB$/);
  });

  it("the dev build carries the same manifest as dist/gpu-packs.json for this platform", async () => {
    const built = await loadGpuPackManifest(path.join(repoRoot(), "dist"));
    const target = `${process.platform}-${process.arch}`;
    assert.ok(built, "node esbuild.mjs wrote no dist/gpu-packs.json");
    assert.equal(built.target, target);
    if (target === "linux-x64") assert.deepEqual(built, manifest);
  });

  it("refuses a damaged manifest, naming the field", () => {
    const raw = JSON.parse(JSON.stringify({ schema: 1, ...manifest })) as { packs: Record<string, unknown>[] };
    raw.packs[1].integrity = "sha1-abc";
    assert.throws(
      () => parseGpuPackManifest(raw),
      (e: Error) =>
        e instanceof GpuPackError && /packs\[1\]\.integrity/.test(e.message) && /Reinstall/.test((e as GpuPackError).hint ?? ""),
    );
    raw.packs[1].integrity = manifest.packs[1].integrity;
    raw.packs[2].version = "3.0.0";
    assert.throws(() => parseGpuPackManifest(raw), /packs\[2\]\.version 3\.0\.0 is not node-llama-cpp's/);
    assert.throws(() => parseGpuPackManifest({ ...raw, schema: 2 }), /unknown schema/);
  });

  it("offers CUDA, then CUDA 12, then Vulkan to NVIDIA; Vulkan to other GPUs; nothing without a GPU", () => {
    assert.deepEqual(
      fittingGpuPacks(manifest, { vendor: "nvidia" }).map((p) => p.backend),
      ["cuda", "cuda-ext", "vulkan"],
    );
    assert.deepEqual(
      fittingGpuPacks(manifest, { vendor: "other" }).map((p) => p.backend),
      ["vulkan"],
    );
    assert.deepEqual(fittingGpuPacks(manifest, {}), []);
    assert.deepEqual(fittingGpuPacks({ ...manifest, packs: [] }, { vendor: "nvidia" }), []);
    assert.equal(gpuPackForBackend(manifest, "vulkan").name, "linux-x64-vulkan");
    assert.throws(() => gpuPackForBackend(manifest, "rocm"), /no rocm GPU pack.*cuda, cuda-ext, vulkan/);
    assert.throws(
      () => gpuPackForBackend({ ...manifest, target: "darwin-arm64", packs: [] }, "cuda"),
      /publishes no GPU packs for this platform \(darwin-arm64\)/,
    );
  });

  it("a mirror replaces the registry's origin and keeps its path", () => {
    const p = manifest.packs[0];
    assert.equal(gpuPackUrl(p), p.tarball);
    assert.equal(
      gpuPackUrl(p, "https://npm.corp.example/artifactory/api/npm/npm"),
      `https://npm.corp.example/artifactory/api/npm/npm/@node-llama-cpp/linux-x64-cuda/-/linux-x64-cuda-${p.version}.tgz`,
    );
    assert.throws(() => gpuPackUrl(p, "file:///etc/"), /not an http\(s\) URL/);
    assert.throws(() => gpuPackUrl(p, "not a url"), /not a URL/);
  });
});
