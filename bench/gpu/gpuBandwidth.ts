// The memory-bandwidth ceiling of the GPU the benchmark actually ran on: nvidia-smi names the
// card, and its datasheet bandwidth comes from this table (nvidia-smi reports no bus width, so
// the bandwidth cannot be derived from its clocks). An unknown card gets no ceiling rather than
// another card's; `--bandwidth-tbs` overrides both.
import { execFileSync } from "node:child_process";

/** Datasheet memory bandwidth, bytes/s, by a substring of nvidia-smi's name. Most specific first. */
const BANDWIDTH: [RegExp, number][] = [
  [/H200/i, 4.8e12],
  [/H100.*(SXM|HBM3)/i, 3.35e12],
  [/H100.*NVL/i, 3.9e12],
  [/H100.*PCIe/i, 2.0e12],
  [/H100/i, 3.35e12],
  [/A100.*80GB/i, 2.039e12],
  [/A100/i, 1.555e12],
  [/L40S|L40/i, 0.864e12],
  [/RTX 4090/i, 1.008e12],
  [/RTX 3090/i, 0.936e12],
];

export interface GpuCeiling {
  name: string;
  bytesPerSecond: number | undefined;
}

/** nvidia-smi's name of GPU 0 ("" when there is none) and its datasheet bandwidth. */
export function measuredGpu(overrideTbs?: number): GpuCeiling {
  let name = "";
  try {
    name = execFileSync("nvidia-smi", ["--query-gpu=name", "--format=csv,noheader"], { encoding: "utf8" }).split("\n")[0].trim();
  } catch {
    // no NVIDIA GPU or driver: no ceiling unless given
  }
  if (overrideTbs && overrideTbs > 0) return { name: name || "given", bytesPerSecond: overrideTbs * 1e12 };
  return { name, bytesPerSecond: BANDWIDTH.find(([re]) => re.test(name))?.[1] };
}
