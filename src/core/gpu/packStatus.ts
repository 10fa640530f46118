// What the doctor, the status bar and the CLI say about GPU packs: which are installed for this
// node-llama-cpp version, which this build can install, and the one to offer (the best pack for
// the detected GPU, when no pack for it is installed yet).
import type { GpuInfo } from "../models/fit";
import { listInstalledGpuPacks, listLocalGpuBuilds, type InstalledGpuPack } from "./packStore";
import { gpuPacksRoot } from "./packLayout";
import { describeGpuPack, fittingGpuPacks, type GpuPackEntry, type GpuPackManifest, type GpuVendorInfo } from "./packManifest";

export interface GpuPackStatus {
  /** The version folder the engine is given (undefined without a manifest). */
  root?: string;
  nodeLlamaCppVersion?: string;
  installed: InstalledGpuPack[];
  /** GPU support built on this machine (it takes precedence over a downloaded pack of its name). */
  localBuilds: InstalledGpuPack[];
  /** Every pack this build pins, best first for this machine's GPU. */
  available: GpuPackEntry[];
  /** The pack to offer: the best fitting one, when none that fits is installed or built here. */
  offer?: GpuPackEntry;
}

/** nvidia-smi found a card → "nvidia"; an AMD card (a Vulkan GPU) → "other"; Apple silicon needs
 *  no pack (Metal is in the VSIX). */
export function gpuVendorOf(gpu: GpuInfo | undefined): GpuVendorInfo {
  return { vendor: gpu?.backend === "cuda" ? "nvidia" : gpu?.backend === "vulkan" ? "other" : undefined };
}

export async function gpuPackStatus(dataDir: string, manifest: GpuPackManifest | undefined, gpu: GpuVendorInfo): Promise<GpuPackStatus> {
  if (!manifest) return { installed: [], localBuilds: [], available: [] };
  const installed = await listInstalledGpuPacks(dataDir, manifest.nodeLlamaCppVersion);
  const localBuilds = await listLocalGpuBuilds(dataDir, manifest.nodeLlamaCppVersion);
  const fitting = fittingGpuPacks(manifest, gpu);
  const available = [...fitting, ...manifest.packs.filter((p) => !fitting.includes(p))];
  const present = new Set([...installed, ...localBuilds].map((p) => p.name));
  const offer = fitting.some((p) => present.has(p.name)) ? undefined : fitting[0];
  return {
    root: gpuPacksRoot(dataDir, manifest.nodeLlamaCppVersion),
    nodeLlamaCppVersion: manifest.nodeLlamaCppVersion,
    installed,
    localBuilds,
    available,
    offer,
  };
}

/** The doctor's "GPU packs" section; `installHow` names the way to install here (command or CLI). */
export function renderGpuPackMarkdown(s: GpuPackStatus, installHow: string): string {
  const lines = ["", "## GPU packs", ""];
  if (!s.nodeLlamaCppVersion) return [...lines, "- This build pins no GPU packs (no dist/gpu-packs.json).", ""].join("\n");
  lines.push(`- Folder: ${s.root}`);
  if (!s.available.length)
    lines.push("- node-llama-cpp publishes no GPU packs for this platform: the CPU (or Metal) build in the extension is the one.");
  for (const p of s.available) {
    const installed = s.installed.some((i) => i.name === p.name);
    lines.push(`- ${installed ? "**installed**" : "available"}: @node-llama-cpp/${p.name}@${p.version} (${describeGpuPack(p)})`);
  }
  for (const b of s.localBuilds) lines.push(`- **local build** (made on this machine, used before a pack of its name): ${b.dir}`);
  if (s.offer)
    lines.push(
      `- This machine has ${s.offer.backend === "vulkan" ? "an AMD GPU" : "an NVIDIA GPU"} and no GPU pack: ${installHow} (${describeGpuPack(s.offer)}).`,
    );
  return [...lines, ""].join("\n");
}
