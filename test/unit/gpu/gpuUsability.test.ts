// The fit check, `auto` quantization and the GPU-layer split plan for the backend that will load:
// an NVIDIA card with only the VSIX's CPU binaries (or GPU binaries that failed their decode test)
// means RAM only. The evidence is read from a real packs folder laid out as the installer and the
// engine leave it.
import * as assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { gpuForFit, planningMachine, readGpuEvidence } from "../../../src/core/gpu/gpuUsability";
import { gpuLocalBuildDir, gpuPackDir, PROBE_CACHE_FILE } from "../../../src/core/gpu/packLayout";
import { chooseAutoQuantization, type GpuInfo } from "../../../src/core/models/fit";

const H100: GpuInfo = { name: "NVIDIA H100 80GB HBM3", backend: "cuda", vramTotalBytes: 80 * 2 ** 30 };
const GiB = 2 ** 30;

describe("gpuUsability", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "mixtral-usable-gpu-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("plans a 32 GB machine with an 80 GB card and only CPU binaries for RAM: auto picks what RAM holds", () => {
    const card = { totalRamBytes: 32 * GiB, cpuHasAvx2: true, gpu: H100, gpuSource: "nvidia-smi" };
    const withCard = chooseAutoQuantization(card, { contextSize: 8192 });
    const planned = planningMachine(card, { ...readGpuEvidence(root, path.join(root, "no-extension-packages")), backendSetting: "auto" });
    assert.equal(planned.gpu, undefined);
    assert.match(
      planned.gpuSource,
      /^NVIDIA H100 80GB HBM3 found \(nvidia-smi\), but no GPU binaries for this card are installed .*: planning for RAM only$/,
    );
    const ramOnly = chooseAutoQuantization(planned, { contextSize: 8192 });
    assert.equal(ramOnly.estimate?.gpuLayers ?? 0, 0);
    assert.equal(ramOnly.estimate?.vramBytes ?? 0, 0);
    assert.notEqual(ramOnly.level?.id, withCard.level?.id, `with the card: ${withCard.level?.id}; RAM only: ${ramOnly.level?.id}`);
  });

  it("keeps the card when a CUDA pack or a local build is installed and has not failed its decode test", async () => {
    await mkdir(gpuPackDir(root, "linux-x64-cuda"), { recursive: true });
    assert.deepEqual(readGpuEvidence(root, undefined), { binaries: ["cuda"], probes: {} });
    assert.equal(gpuForFit(H100, { ...readGpuEvidence(root, undefined), backendSetting: "auto" }).gpu, H100);
    await rm(gpuPackDir(root, "linux-x64-cuda"), { recursive: true });
    await mkdir(gpuLocalBuildDir(root, "linux-x64-cuda"), { recursive: true });
    assert.equal(gpuForFit(H100, { ...readGpuEvidence(root, undefined), backendSetting: "auto" }).gpu, H100);
  });

  it("drops the card when the only GPU binaries failed their latest decode test, or the engine runs on the CPU, or the setting says cpu", async () => {
    await mkdir(gpuPackDir(root, "linux-x64-cuda"), { recursive: true });
    await writeFile(
      path.join(root, PROBE_CACHE_FILE),
      JSON.stringify({
        "cuda | linux-x64-cuda@3.21.1 | driver 575 | sm_90": { ok: true, at: "2026-12-01T10:00:00.000Z" },
        "cuda | linux-x64-cuda@3.21.1 | driver 580.159.04 | sm_90": { ok: false, at: "2026-12-04T10:00:00.000Z" },
      }),
    );
    const evidence = readGpuEvidence(root, undefined);
    assert.deepEqual(evidence.probes, { cuda: false });
    assert.deepEqual(gpuForFit(H100, { ...evidence, backendSetting: "auto" }), {
      why: "the GPU binaries here failed their decode test (cuda)",
    });
    assert.deepEqual(gpuForFit(H100, { binaries: ["cuda"], probes: {}, backendSetting: "auto", loadedBackend: "cpu" }), {
      why: "the engine runs on the CPU (see its notices for why)",
    });
    assert.deepEqual(gpuForFit(H100, { binaries: ["cuda"], probes: {}, backendSetting: "cpu" }), { why: "mixtral.backend is cpu" });
    assert.equal(gpuForFit(H100, { binaries: [], probes: {}, backendSetting: "auto", loadedBackend: "cuda" }).gpu, H100);
  });

  it("plans with an AMD card (found as a Vulkan GPU) only when Vulkan binaries are installed: CUDA ones cannot drive it", async () => {
    const amd: GpuInfo = { name: "AMD Radeon GPU (PCI 1002:744c)", backend: "vulkan", vramTotalBytes: 24 * GiB };
    await mkdir(gpuPackDir(root, "linux-x64-cuda"), { recursive: true });
    const cudaOnly = gpuForFit(amd, { ...readGpuEvidence(root, undefined), backendSetting: "auto" });
    assert.equal(cudaOnly.gpu, undefined);
    assert.match(cudaOnly.why ?? "", /^no GPU binaries for this card are installed .*enable GPU acceleration \(the Vulkan pack\)$/);
    await mkdir(gpuPackDir(root, "linux-x64-vulkan"), { recursive: true });
    assert.equal(gpuForFit(amd, { ...readGpuEvidence(root, undefined), backendSetting: "auto" }).gpu, amd);
    // The NVIDIA card is served by either.
    await rm(gpuPackDir(root, "linux-x64-cuda"), { recursive: true });
    assert.equal(gpuForFit(H100, { ...readGpuEvidence(root, undefined), backendSetting: "auto" }).gpu, H100);
  });
});
