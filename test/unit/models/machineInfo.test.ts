// The AMD GPU the host finds on Linux without native code: the amdgpu driver's files under
// /sys/class/drm. This machine has no AMD card, so the folder is laid out as the kernel lays it
// out (cardN/device/{vendor,device,mem_info_vram_total,product_name}, connector folders beside).
import * as assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { findAmdGpu } from "../../../src/core/models/machineInfo";
import { gpuVendorOf } from "../../../src/core/gpu/packStatus";

const GiB = 2 ** 30;

async function card(drm: string, name: string, files: Record<string, string>): Promise<void> {
  const dev = path.join(drm, name, "device");
  await mkdir(dev, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dev, file), `${text}\n`);
}

describe("machineInfo: AMD GPUs from amdgpu's sysfs files", () => {
  let drm: string;
  beforeEach(async () => {
    drm = await mkdtemp(path.join(os.tmpdir(), "mixtral-drm-"));
  });
  afterEach(() => rm(drm, { recursive: true, force: true }));

  it("picks the AMD card with the most VRAM, as a Vulkan GPU, past an Intel iGPU, an APU's carve-out and connector folders", async () => {
    await card(drm, "card0", { vendor: "0x8086", device: "0xa7a0", class: "0x030000" });
    await card(drm, "card1", { vendor: "0x1002", device: "0x15bf", mem_info_vram_total: String(512 * 2 ** 20) });
    await card(drm, "card2", { vendor: "0x1002", device: "0x744C", mem_info_vram_total: String(24 * GiB) });
    await card(drm, "card3", {
      vendor: "0x1002",
      device: "0x73bf",
      mem_info_vram_total: String(16 * GiB),
      product_name: "AMD Radeon RX 6800 XT",
    });
    await mkdir(path.join(drm, "card2-DP-1"));
    await writeFile(path.join(drm, "version"), "drm 1.1.0 20060810\n");
    const gpu = findAmdGpu(drm);
    assert.deepEqual(gpu, { name: "AMD Radeon GPU (PCI 1002:744c)", backend: "vulkan", vramTotalBytes: 24 * GiB });
    assert.deepEqual(gpuVendorOf(gpu), { vendor: "other" });
  });

  it("names a card by its product_name when the board has one", async () => {
    await card(drm, "card1", {
      vendor: "0x1002",
      device: "0x73bf",
      mem_info_vram_total: String(16 * GiB),
      product_name: "AMD Radeon RX 6800 XT",
    });
    assert.equal(findAmdGpu(drm)?.name, "AMD Radeon RX 6800 XT");
  });

  it("finds nothing with only an Intel GPU, only an APU, unreadable VRAM, or no drm folder", async () => {
    await card(drm, "card0", { vendor: "0x8086", device: "0xa7a0" });
    await card(drm, "card1", { vendor: "0x1002", device: "0x1681", mem_info_vram_total: String(2 * GiB) });
    await card(drm, "card2", { vendor: "0x1002", device: "0x744c", mem_info_vram_total: "" });
    assert.equal(findAmdGpu(drm), undefined);
    assert.equal(findAmdGpu(path.join(drm, "missing")), undefined);
  });
});
