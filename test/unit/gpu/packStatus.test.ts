// What the doctor, the status bar and the CLI say about GPU packs, from the real manifest of this
// build's platform and a real pack laid out as installed.
import * as assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { removeGpuPacks } from "../../../src/core/gpu/packStore";
import { gpuLocalBuildDir } from "../../../src/core/gpu/packLayout";
import { gpuPackStatus, gpuVendorOf, renderGpuPackMarkdown } from "../../../src/core/gpu/packStatus";
import { parseGpuPackManifest, type GpuPackManifest } from "../../../src/core/gpu/packManifest";
import { gpuPacksLib, makePackRoot } from "../../helpers/gpuPackFixture";

describe("gpu/packStatus", function () {
  this.timeout(120_000);
  let manifest: GpuPackManifest;
  before(async () => {
    manifest = parseGpuPackManifest(await (await gpuPacksLib()).gpuPackManifest("linux-x64"));
  });

  it("offers the CUDA pack on an NVIDIA machine without packs, and nothing once a fitting pack is installed", async () => {
    const nvidia = gpuVendorOf({ name: "NVIDIA H200", backend: "cuda", vramTotalBytes: 141e9 });
    const empty = await makePackRoot([]);
    const withVulkan = await makePackRoot(["linux-x64-vulkan"]);
    try {
      const before = await gpuPackStatus(empty.dataDir, manifest, nvidia);
      assert.equal(before.offer?.name, "linux-x64-cuda");
      assert.equal(before.root, empty.root);
      assert.match(renderGpuPackMarkdown(before, "run X"), /NVIDIA GPU and no GPU pack: run X \(CUDA, 143 MB\)/);
      const after = await gpuPackStatus(withVulkan.dataDir, manifest, nvidia);
      assert.deepEqual(
        after.installed.map((p) => p.name),
        ["linux-x64-vulkan"],
      );
      assert.equal(after.offer, undefined);
      assert.match(renderGpuPackMarkdown(after, "run X"), /\*\*installed\*\*: @node-llama-cpp\/linux-x64-vulkan@/);
    } finally {
      await empty.dispose();
      await withVulkan.dispose();
    }
  });

  it("offers the Vulkan pack on a machine with an AMD card (a Vulkan GPU) and no pack", async () => {
    const amd = gpuVendorOf({ name: "AMD Radeon GPU (PCI 1002:744c)", backend: "vulkan", vramTotalBytes: 24 * 2 ** 30 });
    const empty = await makePackRoot([]);
    try {
      const s = await gpuPackStatus(empty.dataDir, manifest, amd);
      assert.equal(s.offer?.name, "linux-x64-vulkan");
      assert.equal(s.available[0].name, "linux-x64-vulkan");
      assert.match(renderGpuPackMarkdown(s, "run X"), /an AMD GPU and no GPU pack: run X \(Vulkan, 27 MB\)/);
    } finally {
      await empty.dispose();
    }
  });

  it("offers nothing without a detected GPU, on Apple silicon, or without a manifest", async () => {
    const empty = await makePackRoot([]);
    try {
      assert.equal((await gpuPackStatus(empty.dataDir, manifest, gpuVendorOf(undefined))).offer, undefined);
      assert.equal(
        (
          await gpuPackStatus(
            empty.dataDir,
            manifest,
            gpuVendorOf({ name: "Apple M3", backend: "metal", vramTotalBytes: 1e10, unifiedMemory: true }),
          )
        ).offer,
        undefined,
      );
      const none = await gpuPackStatus(empty.dataDir, undefined, { vendor: "nvidia" });
      assert.deepEqual(none, { installed: [], localBuilds: [], available: [] });
      assert.match(renderGpuPackMarkdown(none, "x"), /pins no GPU packs/);
    } finally {
      await empty.dispose();
    }
  });

  it("offers no CUDA pack when GPU support was built on this machine, and lists the build", async () => {
    const packs = await makePackRoot([]);
    try {
      // What "Build GPU Support for This Machine" leaves: a package of the CUDA pack's name.
      const dir = gpuLocalBuildDir(packs.root, "linux-x64-cuda");
      await mkdir(dir, { recursive: true });
      await writeFile(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "@node-llama-cpp/linux-x64-cuda", version: manifest.nodeLlamaCppVersion }),
      );
      const s = await gpuPackStatus(packs.dataDir, manifest, { vendor: "nvidia" });
      assert.deepEqual(
        s.localBuilds.map((b) => b.dir),
        [dir],
      );
      assert.equal(s.offer, undefined);
      assert.match(renderGpuPackMarkdown(s, "x"), /\*\*local build\*\*/);
      assert.deepEqual(await removeGpuPacks(packs.dataDir, manifest.nodeLlamaCppVersion), ["local build linux-x64-cuda"]);
    } finally {
      await packs.dispose();
    }
  });
});
