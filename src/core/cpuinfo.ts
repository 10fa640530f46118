// /proc/cpuinfo, read in one place for the engine (threads, llama.cpp's weight repacking) and the
// doctor/model picker (CPU features). Linux only: elsewhere node:os says less and callers fall back.
import { readFileSync } from "node:fs";

export interface CpuinfoFacts {
  /** x86 "flags" or ARM "Features" of the first processor, e.g. avx2, avx512f, neon. */
  flags: ReadonlySet<string>;
  /** Distinct (physical id, core id) pairs: hyper-threads do not count. Undefined when not listed
   *  (ARM and some VMs list no core ids). */
  physicalCores: number | undefined;
}

export function parseCpuinfo(text: string): CpuinfoFacts {
  let flags: string[] | undefined;
  const cores = new Set<string>();
  let physicalId = "0";
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === "physical id") physicalId = value;
    else if (key === "core id") cores.add(`${physicalId}:${value}`);
    else if ((key === "flags" || key === "Features") && !flags) flags = value.split(/\s+/).filter(Boolean);
  }
  return { flags: new Set(flags), physicalCores: cores.size || undefined };
}

/** This machine's facts; undefined off Linux or when the file cannot be read (a sandbox). A
 *  synchronous read: the kernel makes the text in memory, a few KB per core. */
export function readCpuinfo(): CpuinfoFacts | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return parseCpuinfo(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return undefined;
  }
}

/** Whether llama.cpp's AVX2 kernels (and so its K-quant repacking) run here. x64 without flags to
 *  read (Windows, macOS) counts as AVX2: every x64 CPU that can run Mixtral at all has it. */
export function hasAvx2(flags: ReadonlySet<string>, arch: string = process.arch): boolean {
  return arch === "x64" && (flags.size === 0 || flags.has("avx2"));
}
