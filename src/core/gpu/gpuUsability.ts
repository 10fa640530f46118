// Whether the card nvidia-smi reports can actually be used by the engine, so that the fit check,
// `auto` quantization and the GPU-layer split plan for the backend that will load, not for the
// card: the VSIX holds CPU binaries only (Metal on Apple silicon), and a GPU binary that failed its
// decode test (src/engine/backendProbe.ts) is not used. CPU-only means RAM only.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Backend, BackendFailure } from "../../shared/engineProtocol";
import type { GpuInfo } from "../models/fit";
import type { GpuBackend } from "./gpuFailure";
import { gpuLocalBuildDir, gpuPackDir, PROBE_CACHE_FILE } from "./packLayout";

export interface ProbeRecord {
  ok: boolean;
  /** ISO time of the test. */
  at: string;
  binaries?: string;
  failure?: BackendFailure;
}

export interface GpuEvidence {
  /** mixtral.backend. */
  backendSetting: Backend;
  /** The backend of the model loaded now or last in this session (the engine's own word). */
  loadedBackend?: string;
  /** GPU backends with binaries on disk: packs, a local build, the extension's own packages. */
  binaries: GpuBackend[];
  /** The latest decode-test result per backend (true = decoded). */
  probes: Partial<Record<GpuBackend, boolean>>;
}

const BACKEND_OF_PACK = /-(cuda|vulkan|metal)(?:-ext)?$/;

function gpuBackendsIn(folder: string): GpuBackend[] {
  try {
    return readdirSync(folder)
      .map((n) => BACKEND_OF_PACK.exec(n)?.[1] as GpuBackend | undefined)
      .filter((b): b is GpuBackend => !!b);
  } catch {
    return [];
  }
}

/** What is on disk: GPU binaries in the packs folder (downloaded or built here) and in the
 *  extension's own node_modules/@node-llama-cpp (a development checkout has them all), and the
 *  latest decode-test result per backend. */
export function readGpuEvidence(
  packsRoot: string | undefined,
  extensionPackagesDir: string | undefined,
): Pick<GpuEvidence, "binaries" | "probes"> {
  const found = new Set<GpuBackend>([
    ...(packsRoot ? gpuBackendsIn(path.dirname(gpuPackDir(packsRoot, "x"))) : []),
    ...(packsRoot ? gpuBackendsIn(path.dirname(gpuLocalBuildDir(packsRoot, "x"))) : []),
    ...(extensionPackagesDir ? gpuBackendsIn(extensionPackagesDir) : []),
  ]);
  // The latest result per tested backend ("cuda12" is the CUDA 12 pack: either CUDA build counts).
  const latest = new Map<string, ProbeRecord>();
  if (packsRoot) {
    try {
      const records = JSON.parse(readFileSync(path.join(packsRoot, PROBE_CACHE_FILE), "utf8")) as Record<string, ProbeRecord>;
      for (const [key, record] of Object.entries(records)) {
        const tested = key.split(" ")[0];
        if ((latest.get(tested)?.at ?? "") <= record.at) latest.set(tested, record);
      }
    } catch {
      // no results yet
    }
  }
  const probes: Partial<Record<GpuBackend, boolean>> = {};
  for (const backend of ["cuda", "vulkan", "metal"] as const) {
    const results = [latest.get(backend), backend === "cuda" ? latest.get("cuda12") : undefined].filter((r): r is ProbeRecord => !!r);
    if (results.length > 0) probes[backend] = results.some((r) => r.ok);
  }
  return { binaries: [...found], probes };
}

/** The GPU to plan with (undefined: RAM only) and why, in words for the doctor. */
export function gpuForFit(card: GpuInfo | undefined, e: GpuEvidence): { gpu?: GpuInfo; why?: string } {
  if (!card) return {};
  if (e.backendSetting === "cpu") return { why: "mixtral.backend is cpu" };
  if (e.loadedBackend === "cpu") return { why: "the engine runs on the CPU (see its notices for why)" };
  if (e.loadedBackend && e.loadedBackend !== "remote") return { gpu: card };
  // Apple silicon: the VSIX's own binaries are the Metal build.
  if (card.backend === "metal") return { gpu: card };
  // An NVIDIA card runs CUDA or Vulkan binaries; an AMD card (found as a Vulkan GPU) Vulkan only.
  const fitting = e.binaries.filter((b) => card.backend === "cuda" || b === card.backend);
  const usable = fitting.filter((b) => e.probes[b] !== false);
  if (usable.length > 0) return { gpu: card };
  return fitting.length === 0
    ? {
        why: `no GPU binaries for this card are installed (the extension ships CPU binaries only): enable GPU acceleration${card.backend === "cuda" ? " or build GPU support for this machine" : " (the Vulkan pack)"}`,
      }
    : { why: `the GPU binaries here failed their decode test (${fitting.join(", ")})` };
}

/** `machine` with its GPU dropped when no GPU backend can use it (the reason goes into gpuSource). */
export function planningMachine<T extends { gpu?: GpuInfo; gpuSource: string }>(machine: T, e: GpuEvidence): T {
  const { gpu, why } = gpuForFit(machine.gpu, e);
  return !gpu && machine.gpu
    ? { ...machine, gpu: undefined, gpuSource: `${machine.gpu.name} found (${machine.gpuSource}), but ${why}: planning for RAM only` }
    : machine;
}
