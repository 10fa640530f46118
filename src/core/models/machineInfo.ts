// What this machine has, found without native code (the extension host and the CLI must not load
// node-llama-cpp): RAM and CPU from node:os and /proc/cpuinfo, an NVIDIA GPU from `nvidia-smi`,
// an AMD GPU on Linux from the amdgpu driver's files in sysfs, Apple silicon's unified memory from
// the platform. The engine process reports what
// node-llama-cpp itself detected once a model is loaded (ModelInfo: backend, GPU, VRAM); the
// doctor shows that next to this and prefers it.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hasAvx2, readCpuinfo } from "../cpuinfo";
import type { GpuInfo, MachineInfo } from "./fit";

export interface DetectedMachine extends MachineInfo {
  platform: string;
  arch: string;
  cpuModel: string;
  logicalCores: number;
  /** Flags that matter to llama.cpp's CPU kernels, e.g. avx2, avx512f, f16c, fma. */
  cpuFeatures: string[];
  freeRamBytes: number;
  /** How the GPU was found: "nvidia-smi", "amdgpu (sysfs)", "apple-silicon" or "none" (and why). */
  gpuSource: string;
}

const INTERESTING_FLAGS = [
  "avx",
  "avx2",
  "avx512f",
  "avx512bw",
  "avx512vnni",
  "avx_vnni",
  "fma",
  "f16c",
  "sse4_2",
  "amx_int8",
  "neon",
  "asimd",
  "dotprod",
  "i8mm",
  "sve",
];

/** The first NVIDIA card as nvidia-smi reports it: the one reader for the fit check, the GPU
 *  build (compute capability) and the engine's decode-test cache (driver, compute capability). */
export interface NvidiaCard {
  name: string;
  vramTotalBytes: number;
  driverVersion?: string;
  /** e.g. "9.0"; drivers older than R510 cannot report it. */
  computeCapability?: string;
}

function runNvidiaSmi(fields: string, timeoutMs: number): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile(
      "nvidia-smi",
      [`--query-gpu=${fields}`, "--format=csv,noheader,nounits"],
      { timeout: timeoutMs, windowsHide: true },
      (err, stdout) => {
        const first = err
          ? undefined
          : stdout
              .split("\n")
              .map((l) => l.trim())
              .find(Boolean);
        resolve(first?.split(",").map((v) => v.trim()));
      },
    );
  });
}

/** The first NVIDIA card, or undefined when there is none or no driver tool. A driver too old to
 *  report compute_cap is asked again for the name and memory alone. */
export async function queryNvidiaCard(timeoutMs = 3000): Promise<NvidiaCard | undefined> {
  const full = await runNvidiaSmi("name,memory.total,driver_version,compute_cap", timeoutMs);
  const row = full ?? (await runNvidiaSmi("name,memory.total", timeoutMs));
  if (!row || row.length < 2 || !/^\d+$/.test(row[1])) return undefined;
  return {
    name: row[0],
    vramTotalBytes: Number(row[1]) * 1024 * 1024,
    driverVersion: row[2] || undefined,
    computeCapability: row[3] || undefined,
  };
}

/** NVIDIA GPUs through nvidia-smi (3 s limit) as the fit check sees them; undefined when there is none. */
export async function queryNvidiaSmi(timeoutMs = 3000): Promise<GpuInfo | undefined> {
  const card = await queryNvidiaCard(timeoutMs);
  return card && { name: card.name, backend: "cuda", vramTotalBytes: card.vramTotalBytes };
}

/** Where Linux lists display devices (one `cardN` folder per GPU, its PCI device under `device/`). */
export const LINUX_DRM_DIR = "/sys/class/drm";

/** Below this much dedicated memory an AMD "VRAM" is an APU's carve-out of system RAM, not a card. */
const MIN_AMD_VRAM_BYTES = 4 * 1024 ** 3;

function readSysfs(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The AMD card with the most dedicated memory that the amdgpu driver lists under `drmDir`
 *  (vendor 0x1002, `mem_info_vram_total` ≥ 4 GiB), as a Vulkan GPU; undefined when there is none.
 *  No tool to run and nothing to load: files the driver keeps. Intel GPUs are not picked (their
 *  drivers do not report dedicated memory here, and an integrated one rarely beats the CPU). */
export function findAmdGpu(drmDir = LINUX_DRM_DIR): GpuInfo | undefined {
  let cards: string[];
  try {
    cards = readdirSync(drmDir).filter((n) => /^card\d+$/.test(n));
  } catch {
    return undefined;
  }
  let best: GpuInfo | undefined;
  for (const card of cards) {
    const dev = path.join(drmDir, card, "device");
    if (readSysfs(path.join(dev, "vendor"))?.toLowerCase() !== "0x1002") continue;
    const vram = Number(readSysfs(path.join(dev, "mem_info_vram_total")));
    if (!Number.isFinite(vram) || vram < MIN_AMD_VRAM_BYTES || (best && best.vramTotalBytes >= vram)) continue;
    const id = readSysfs(path.join(dev, "device"))?.replace(/^0x/i, "").toLowerCase();
    best = {
      name: readSysfs(path.join(dev, "product_name")) ?? `AMD Radeon GPU (PCI 1002:${id ?? "?"})`,
      backend: "vulkan",
      vramTotalBytes: vram,
    };
  }
  return best;
}

export async function detectMachine(options: { probeGpu?: boolean } = {}): Promise<DetectedMachine> {
  const flags = readCpuinfo()?.flags ?? new Set<string>(process.arch === "arm64" ? ["neon"] : []);
  const features = INTERESTING_FLAGS.filter((f) => flags.has(f));
  const cpus = os.cpus();
  let gpu: GpuInfo | undefined;
  let gpuSource =
    process.platform === "linux"
      ? "none (no nvidia-smi, no AMD card with 4 GB or more; other GPUs are detected by the engine when it loads)"
      : "none (no nvidia-smi; Vulkan and AMD GPUs are detected by the engine when it loads)";
  if (process.platform === "darwin" && process.arch === "arm64") {
    // Metal may use about 3/4 of unified memory by default (recommendedMaxWorkingSetSize).
    gpu = { name: cpus[0]?.model ?? "Apple silicon", backend: "metal", vramTotalBytes: os.totalmem() * 0.75, unifiedMemory: true };
    gpuSource = "apple-silicon";
  } else if (options.probeGpu !== false) {
    gpu = await queryNvidiaSmi();
    if (gpu) gpuSource = "nvidia-smi";
    else if (process.platform === "linux") {
      gpu = findAmdGpu();
      if (gpu) gpuSource = "amdgpu (sysfs)";
    }
  }
  return {
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus[0]?.model?.trim() ?? "unknown",
    logicalCores: cpus.length,
    cpuFeatures: features,
    cpuHasAvx2: hasAvx2(flags),
    cpuHasAvx512: features.includes("avx512f"),
    totalRamBytes: os.totalmem(),
    freeRamBytes: os.freemem(),
    gpu,
    gpuSource,
  };
}

/** A rough RAM bandwidth: one thread copying a 256 MiB buffer (read + write bytes per second).
 *  A lower bound: decode uses every core, which typically reaches 1.5–3× this. */
export function measureCopyBandwidth(bytes = 256 * 1024 * 1024, rounds = 3): number {
  const a = Buffer.alloc(bytes, 1);
  const b = Buffer.alloc(bytes);
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    a.copy(b);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return (2 * bytes) / best;
}
