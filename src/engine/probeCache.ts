// Decode-test results, kept per backend + installed packs + NVIDIA driver (+ local build), so a
// backend is tested once, and one that aborted is never loaded again on the same driver. Kept in
// the GPU packs' version folder (it goes with them when an update removes old packs); without one
// (no MIXTRAL_GPU_PACKS), only for the life of this engine process.
import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { GpuBackend, GpuMachine } from "../core/gpu/gpuFailure";
import type { ProbeRecord } from "../core/gpu/gpuUsability";
import { PROBE_CACHE_FILE } from "../core/gpu/packLayout";
import { queryNvidiaCard } from "../core/models/machineInfo";
import type { InstalledPack } from "./gpuPacks";

export class ProbeCache {
  private records?: Record<string, ProbeRecord>;

  /** `root`: the packs' version folder, or undefined for a cache in memory only. */
  constructor(private readonly root: string | undefined) {}

  get(key: string): ProbeRecord | undefined {
    return this.load()[key];
  }

  async set(key: string, record: ProbeRecord): Promise<void> {
    const records = this.load();
    records[key] = record;
    if (!this.root) return;
    // Temporary name + rename: a reader never sees half a file.
    const file = path.join(this.root, PROBE_CACHE_FILE);
    await mkdir(this.root, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(records, null, 2));
    await rename(temp, file);
  }

  private load(): Record<string, ProbeRecord> {
    if (this.records) return this.records;
    this.records = {};
    if (this.root) {
      try {
        const parsed = JSON.parse(readFileSync(path.join(this.root, PROBE_CACHE_FILE), "utf8")) as unknown;
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) this.records = parsed as Record<string, ProbeRecord>;
      } catch {
        // none yet, or unreadable: test again
      }
    }
    return this.records;
  }
}

/** What a result depends on: the backend, the packs that can serve it (a local build with its
 *  build time), the driver and the card. */
export function probeKey(gpu: GpuBackend | "cuda12", packs: InstalledPack[], machine: GpuMachine): string {
  const packIds = packs.map((p) => `${p.name}@${p.version}${p.localBuild ? ` (local, ${p.localBuild})` : ""}`).join(",") || "no packs";
  return `${gpu} | ${packIds} | driver ${machine.driverVersion ?? "unknown"} | ${machine.computeCapability ? `sm_${machine.computeCapability.replace(".", "")}` : "card unknown"}`;
}

let machine: Promise<GpuMachine> | undefined;

/** The NVIDIA driver version and the first card's compute capability (nvidia-smi, 5 s limit);
 *  empty where there is no NVIDIA driver. Asked once per process. */
export function gpuMachine(): Promise<GpuMachine> {
  machine ??= queryNvidiaCard(5000).then((card) => ({ driverVersion: card?.driverVersion, computeCapability: card?.computeCapability }));
  return machine;
}
