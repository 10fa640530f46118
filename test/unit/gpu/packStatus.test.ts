// What the doctor, the status bar and the CLI say about GPU packs, from the real manifest of this
// build's platform and a real pack laid out as installed.
import * as assert from "node:assert/strict";
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
      assert.deepEqual(after.installed.map((p) => p.name), ["linux-x64-vulkan"]);
      assert.equal(after.offer, undefined);
      assert.match(renderGpuPackMarkdown(after, "run X"), /\*\*installed\*\*: @node-llama-cpp\/linux-x64-vulkan@/);
    } finally {
      await empty.dispose();
      await withVulkan.dispose();
    }
  });

  it("offers nothing without a detected GPU, on Apple silicon, or without a manifest", async () => {
    const empty = await makePackRoot([]);
    try {
      assert.equal((await gpuPackStatus(empty.dataDir, manifest, gpuVendorOf(undefined))).offer, undefined);
      assert.equal((await gpuPackStatus(empty.dataDir, manifest, gpuVendorOf({ name: "Apple M3", backend: "metal", vramTotalBytes: 1e10, unifiedMemory: true }))).offer, undefined);
      const none = await gpuPackStatus(empty.dataDir, undefined, { vendor: "nvidia" });
      assert.deepEqual(none, { installed: [], available: [] });
      assert.match(renderGpuPackMarkdown(none, "x"), /pins no GPU packs/);
    } finally {
      await empty.dispose();
    }
  });
});
