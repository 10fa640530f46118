// Physical core count for llama.cpp's threads. More threads than physical cores makes generation
// 30-150x slower (measured: 4 threads on 2 cores, 94 -> 0.6 tok/s), so hyper-threads don't count.
import * as fs from "node:fs";
import * as os from "node:os";

export function physicalCores(): number {
  const logical = os.availableParallelism();
  if (process.platform !== "linux") return logical;
  try {
    const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
    const cores = new Set<string>();
    let physicalId = "0";
    for (const line of cpuinfo.split("\n")) {
      const [key, value] = line.split(":").map((s) => s.trim());
      if (key === "physical id") physicalId = value;
      else if (key === "core id") cores.add(`${physicalId}:${value}`);
    }
    return cores.size > 0 ? Math.min(cores.size, logical) : logical;
  } catch {
    return logical;
  }
}

/** The default thread count: the physical cores minus one, kept for VS Code. llama.cpp's threads
 *  spin while they wait for each other, so one core busy elsewhere (the editor, a language server,
 *  a test browser) stalls every step: on a 2-core machine with other work running, 2 threads gave
 *  3.1 tok/s and 1 thread 780 tok/s on the tiny model (measured, node-llama-cpp 3.21.1). */
export function defaultThreads(cores: number): number {
  return Math.max(1, cores - 1);
}

/** CPU features that decide whether llama.cpp repacks quantized weights into a second buffer. */
export function cpuFlags(): Set<string> {
  if (process.platform !== "linux") return new Set();
  try {
    const line = fs.readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("flags"));
    return new Set(line?.split(":")[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}
