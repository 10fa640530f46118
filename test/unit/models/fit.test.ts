import * as assert from "node:assert/strict";
import { InvalidOptionsError } from "../../../src/core/errors";
import { describeQualityCost, getQuantLevel, QUANT_LEVELS } from "../../../src/core/models/catalog";
import {
  bytesPerToken,
  chooseAutoQuantization,
  estimateLevel,
  GB,
  kvBytesPerTokenPerLayer,
  MIXTRAL_8X7B_SHAPE,
  type MachineInfo,
} from "../../../src/core/models/fit";
import { DEFAULT_MODEL_SOURCE, parseModelSource, resolveFileUrl } from "../../../src/core/models/modelSource";

const GiB = 1024 ** 3;
const cpu = (ramGB: number): MachineInfo => ({ totalRamBytes: ramGB * GiB, cpuHasAvx2: true, ramBandwidthBytesPerSec: 50e9 });
const gpu = (ramGB: number, name: string, vramGB: number): MachineInfo => ({
  ...cpu(ramGB),
  gpu: { name, backend: "cuda", vramTotalBytes: vramGB * GiB },
});

describe("models/catalog and fit", () => {
  it("derives Mixtral's shape numbers from its GGUF header values", () => {
    const layers = MIXTRAL_8X7B_SHAPE.blockCount;
    assert.equal(kvBytesPerTokenPerLayer(MIXTRAL_8X7B_SHAPE) * layers, 128 * 1024);
  });

  it("lists every level with size, bits and a quality cost, sizes rising with bits", () => {
    for (const id of ["Q2_K", "Q3_K_M", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "IQ3_M", "IQ4_XS"] as const) {
      const l = getQuantLevel(id);
      assert.ok(l.sizeBytes > 15e9 && l.sizeBytes < 51e9, `${id} ${l.sizeBytes}`);
      assert.ok(describeQualityCost(l).length > 0);
    }
    const sorted = [...QUANT_LEVELS].sort((a, b) => a.bitsPerWeight - b.bitsPerWeight);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].sizeBytes > sorted[i - 1].sizeBytes);
    assert.equal((getQuantLevel("Q4_K_M").sizeBytes / GB).toFixed(1), "28.4");
  });

  it("reads ~7.8 GB per token for Q4_K_M (2 of 8 experts)", () => {
    const b = bytesPerToken(MIXTRAL_8X7B_SHAPE, getQuantLevel("Q4_K_M").sizeBytes);
    assert.ok(b > 7.5e9 && b < 8.2e9, String(b));
    assert.ok(bytesPerToken(MIXTRAL_8X7B_SHAPE, 1e9, 8) > 0.99e9);
  });

  it("auto picks the best level with 10 % headroom on CPU-only machines", () => {
    assert.equal(chooseAutoQuantization(cpu(64)).level?.id, "Q8_0");
    assert.equal(chooseAutoQuantization(cpu(48)).level?.id, "Q6_K");
    const small = chooseAutoQuantization(cpu(24));
    assert.equal(small.level, undefined);
    assert.match(small.reason, /no level of 3 bits per weight or more fits/);
  });

  it("never goes below ~3 bits automatically even when Q2_K would fit", () => {
    const m = cpu(23);
    assert.equal(estimateLevel(getQuantLevel("Q2_K"), m, { contextSize: 2048 }).fits, true);
    assert.equal(chooseAutoQuantization(m, { contextSize: 2048 }).level, undefined);
  });

  it("puts everything on an 80 GB GPU and splits layers on a 24 GB one", () => {
    const h100 = chooseAutoQuantization(gpu(125, "NVIDIA H100 80GB HBM3", 80));
    assert.equal(h100.level?.id, "Q8_0");
    assert.equal(h100.estimate?.gpuLayers, 33);
    const e = estimateLevel(getQuantLevel("Q4_K_M"), gpu(125, "NVIDIA H100 80GB HBM3", 80));
    // 3.35 TB/s ÷ ~7.8 GB per token ≈ 430 tok/s (docs/FACTS.md: a 424 tok/s ceiling).
    assert.ok(e.decodeCeilingTokPerSec! > 380 && e.decodeCeilingTokPerSec! < 470, String(e.decodeCeilingTokPerSec));

    const split = estimateLevel(getQuantLevel("Q4_K_M"), gpu(64, "NVIDIA GeForce RTX 4090", 24));
    assert.ok(split.gpuLayers > 10 && split.gpuLayers < 33, String(split.gpuLayers));
    assert.ok(split.vramBytes <= 24 * GiB * 0.9);
    assert.ok(split.fits);
    const allCpu = estimateLevel(getQuantLevel("Q4_K_M"), gpu(64, "NVIDIA GeForce RTX 4090", 24), { gpuLayers: 0 });
    assert.ok(split.decodeCeilingTokPerSec! > allCpu.decodeCeilingTokPerSec!);
    assert.ok(allCpu.repackBytes > split.repackBytes);
  });

  it("says why when an explicit gpuLayers does not fit", () => {
    const e = estimateLevel(getQuantLevel("Q4_K_M"), gpu(64, "RTX 4090", 24), { gpuLayers: "max" });
    assert.equal(e.fits, false);
    assert.match(e.reason, /needs [\d.]+ GB of VRAM for 33 layers/);
  });
});

describe("models/modelSource", () => {
  // The default's revision is `main` (no commit hash could be checked offline); the downloader's
  // check of the hub's sha256 (X-Linked-Etag) is what pins the bytes: downloader.test.ts.
  it("resolves the default hub source to mradermacher's merged-expert files at revision main", () => {
    const s = parseModelSource("");
    assert.deepEqual(s.kind === "hub" && [s.repo, s.revision], ["mradermacher/Mixtral-8x7B-Instruct-v0.1-GGUF", "main"]);
    assert.ok(DEFAULT_MODEL_SOURCE.startsWith("hf:mradermacher/"));
    assert.equal(
      resolveFileUrl(s, "Q4_K_M"),
      "https://huggingface.co/mradermacher/Mixtral-8x7B-Instruct-v0.1-GGUF/resolve/main/Mixtral-8x7B-Instruct-v0.1.Q4_K_M.gguf",
    );
  });

  it("accepts a revision, a file pattern and mirrors", () => {
    const s = parseModelSource("hf:someone/Mixtral-GGUF@0123abcd:mixtral-{QUANT}.gguf");
    assert.equal(resolveFileUrl(s, "Q2_K"), "https://huggingface.co/someone/Mixtral-GGUF/resolve/0123abcd/mixtral-Q2_K.gguf");
    assert.equal(
      resolveFileUrl(parseModelSource("https://mirror.example/models"), "Q8_0"),
      "https://mirror.example/models/Mixtral-8x7B-Instruct-v0.1.Q8_0.gguf",
    );
    assert.equal(resolveFileUrl(parseModelSource("http://10.0.0.2/m/x-{QUANT}.gguf"), "IQ3_M"), "http://10.0.0.2/m/x-IQ3_M.gguf");
  });

  it("refuses malformed sources with the expected form", () => {
    for (const bad of ["hf:noslash", "hf:a/b@x:nopattern.gguf", "ftp://x/y", "not a url", "hf:a/b@..:{QUANT}"]) {
      assert.throws(() => parseModelSource(bad), InvalidOptionsError, bad);
    }
  });
});
