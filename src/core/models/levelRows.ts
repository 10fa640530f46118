// The rows of the model picker, as words: one per quantization level with its file size, the memory
// it needs on this machine with the GPU-layer split, whether it fits and its quality cost. Pure, so
// the picker's content is tested in plain Node and the VS Code side only adds icons.
import { describeQualityCost, QUANT_LEVELS, type QuantLevelId } from "./catalog";
import { estimateLevel, fmtGB, type FitOptions, type MachineInfo, type MemoryEstimate } from "./fit";

export interface LevelRow {
  level: QuantLevelId;
  estimate: MemoryEstimate;
  installed: boolean;
  /** "26.5 GB · 4.87 bits/weight · recommended balance[ · downloaded]" */
  description: string;
  /** "Fits · needs RAM … + VRAM … (20/33 layers on GPU) · +1.47% perplexity … · ≤ 9 tok/s", or
   *  "Does not fit · needs … · <quality> · <why, with the numbers>" */
  detail: string;
}

/** Every level, largest first (the picker's order). `installed` says which files are on disk. */
export function describeLevelRows(machine: MachineInfo, fit: FitOptions, installed: (level: QuantLevelId) => boolean): LevelRow[] {
  return [...QUANT_LEVELS].reverse().map((level) => {
    const e = estimateLevel(level, machine, fit);
    const isInstalled = installed(level.id);
    // The split is always spelled out, also on CPU-only machines, so "0 layers on the GPU" is visible.
    const mem = e.vramBytes
      ? `RAM ${fmtGB(e.ramBytes)} + VRAM ${fmtGB(e.vramBytes)} (${e.gpuLayers}/${e.totalLayers} layers on GPU)`
      : `RAM ${fmtGB(e.ramBytes)} (CPU only: 0/${e.totalLayers} layers on GPU)`;
    const speed = e.decodeCeilingTokPerSec ? ` · ≤ ${e.decodeCeilingTokPerSec.toFixed(0)} tok/s` : "";
    return {
      level: level.id,
      estimate: e,
      installed: isInstalled,
      description: `${fmtGB(level.sizeBytes)} · ${level.bitsPerWeight} bits/weight · ${level.note}${isInstalled ? " · downloaded" : ""}`,
      // The picker cuts the line at its width: verdict, memory and quality first, the reason last.
      detail: `${e.fits ? "Fits" : "Does not fit"} · needs ${mem} · ${describeQualityCost(level)}${speed}${e.fits ? "" : ` · ${e.reason}`}`,
    };
  });
}
