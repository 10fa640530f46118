import * as assert from "node:assert/strict";
import { describeQualityCost, getQuantLevel, QUANT_LEVEL_IDS } from "../../../src/core/models/catalog";
import { estimateLevel, fmtGB, type MachineInfo } from "../../../src/core/models/fit";
import { describeLevelRows } from "../../../src/core/models/levelRows";

const GiB = 1024 ** 3;
const cpu: MachineInfo = { totalRamBytes: 24 * GiB, cpuHasAvx2: true, ramBandwidthBytesPerSec: 20e9 };
const rtx: MachineInfo = { totalRamBytes: 64 * GiB, cpuHasAvx2: true, ramBandwidthBytesPerSec: 50e9, gpu: { name: "NVIDIA GeForce RTX 4090", backend: "cuda", vramTotalBytes: 24 * GiB } };

describe("models/levelRows (the picker's rows)", () => {
  it("lists every level, largest first, with size, memory, fit and quality cost", () => {
    const rows = describeLevelRows(cpu, { contextSize: 8192 }, () => false);
    assert.deepEqual(rows.map((r) => r.level), [...QUANT_LEVEL_IDS].reverse());
    for (const r of rows) {
      const level = getQuantLevel(r.level);
      const e = estimateLevel(level, cpu, { contextSize: 8192 });
      assert.ok(r.description.startsWith(`${fmtGB(level.sizeBytes)} · ${level.bitsPerWeight} bits/weight`), r.description);
      assert.ok(r.detail.includes(`needs RAM ${fmtGB(e.ramBytes)} (CPU only: 0/33 layers on GPU)`), r.detail);
      assert.ok(r.detail.includes(describeQualityCost(level)), r.detail);
      assert.equal(r.detail.startsWith("Fits"), e.fits);
      if (!e.fits) assert.ok(r.detail.endsWith(` · ${e.reason}`), r.detail);
    }
    // 24 GB of RAM: Q2_K fits with a small context, Q8_0 never does.
    const q8 = rows.find((r) => r.level === "Q8_0")!.detail;
    assert.match(q8, /^Does not fit · needs RAM [\d.]+ GB /);
    assert.ok(q8.includes(`of RAM, ${fmtGB(cpu.totalRamBytes)} installed`), q8);
  });

  it("spells out the VRAM/RAM split on a GPU machine and marks downloaded files", () => {
    const rows = describeLevelRows(rtx, { contextSize: 8192 }, (id) => id === "Q4_K_M");
    const q4 = rows.find((r) => r.level === "Q4_K_M")!;
    const e = estimateLevel(getQuantLevel("Q4_K_M"), rtx, { contextSize: 8192 });
    assert.ok(e.gpuLayers > 0 && e.gpuLayers < 33);
    assert.ok(q4.detail.includes(`RAM ${fmtGB(e.ramBytes)} + VRAM ${fmtGB(e.vramBytes)} (${e.gpuLayers}/33 layers on GPU)`), q4.detail);
    assert.match(q4.detail, /^Fits · .* · ≤ \d+ tok\/s$/);
    assert.ok(q4.installed && q4.description.endsWith(" · downloaded"));
    assert.ok(rows.filter((r) => r.level !== "Q4_K_M").every((r) => !r.installed && !r.description.includes("downloaded")));
  });
});
