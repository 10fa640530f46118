// The model picker's rows for two fixed machines, written out: the words a user reads. (The
// memory figures themselves are fit.ts's, tested in fit.test.ts.)
import * as assert from "node:assert/strict";
import type { MachineInfo } from "../../../src/core/models/fit";
import { describeLevelRows } from "../../../src/core/models/levelRows";

const GiB = 1024 ** 3;
const cpu: MachineInfo = { totalRamBytes: 24 * GiB, cpuHasAvx2: true, ramBandwidthBytesPerSec: 20e9 };
const rtx: MachineInfo = {
  totalRamBytes: 64 * GiB,
  cpuHasAvx2: true,
  ramBandwidthBytesPerSec: 50e9,
  gpu: { name: "NVIDIA GeForce RTX 4090", backend: "cuda", vramTotalBytes: 24 * GiB },
};

const row = (rows: ReturnType<typeof describeLevelRows>, level: string) => {
  const r = rows.find((x) => x.level === level)!;
  return { description: r.description, detail: r.detail, installed: r.installed };
};

describe("models/levelRows (the picker's rows)", () => {
  it("lists every level, largest first, with size, memory, fit, quality cost and the reason it does not fit", () => {
    const rows = describeLevelRows(cpu, { contextSize: 8192 }, () => false);
    assert.deepEqual(
      rows.map((r) => r.level),
      ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q4_0", "IQ4_XS", "Q3_K_M", "IQ3_M", "Q2_K"],
    );
    assert.deepEqual(row(rows, "Q8_0"), {
      description: "49.6 GB · 8.5 bits/weight · reference quality; largest",
      detail:
        "Does not fit · needs RAM 51.0 GB (CPU only: 0/33 layers on GPU) · reference (8-bit) · ≤ 1 tok/s · needs 51.0 GB of RAM, 25.8 GB installed (10 % kept free)",
      installed: false,
    });
    assert.deepEqual(row(rows, "Q4_K_M"), {
      description: "28.4 GB · 4.87 bits/weight · recommended balance",
      detail:
        "Does not fit · needs RAM 49.6 GB (CPU only: 0/33 layers on GPU) · +1.47% perplexity vs 8-bit (Mixtral) · ≤ 3 tok/s · needs 49.6 GB of RAM (incl. 19.8 GB repacked by the CPU backend), 25.8 GB installed (10 % kept free)",
      installed: false,
    });
    assert.deepEqual(row(rows, "Q2_K"), {
      description: "17.3 GB · 2.96 bits/weight · smallest; clearly worse answers",
      detail: "Fits · needs RAM 20.4 GB (CPU only: 0/33 layers on GPU) · +23.2% perplexity vs 8-bit (Mixtral) · ≤ 4 tok/s",
      installed: false,
    });
    assert.deepEqual(
      rows.filter((r) => r.estimate.fits).map((r) => r.level),
      ["Q2_K"],
    );
  });

  it("spells out the VRAM/RAM split on a GPU machine and marks downloaded files", () => {
    const rows = describeLevelRows(rtx, { contextSize: 8192 }, (id) => id === "Q4_K_M");
    assert.deepEqual(row(rows, "Q4_K_M"), {
      description: "28.4 GB · 4.87 bits/weight · recommended balance · downloaded",
      detail: "Fits · needs RAM 12.5 GB + VRAM 22.3 GB (24/33 layers on GPU) · +1.47% perplexity vs 8-bit (Mixtral) · ≤ 22 tok/s",
      installed: true,
    });
    assert.deepEqual(row(rows, "Q2_K"), {
      description: "17.3 GB · 2.96 bits/weight · smallest; clearly worse answers",
      detail: "Fits · needs RAM 0.1 GB + VRAM 18.6 GB (33/33 layers on GPU) · +23.2% perplexity vs 8-bit (Mixtral) · ≤ 214 tok/s",
      installed: false,
    });
    assert.deepEqual(
      rows.filter((r) => r.installed).map((r) => r.level),
      ["Q4_K_M"],
    );
  });
});
