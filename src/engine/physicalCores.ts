// Physical core count for llama.cpp's threads. More threads than physical cores makes generation
// 30-150x slower (measured: 4 threads on 2 cores, 94 -> 0.6 tok/s), so hyper-threads don't count.
import * as os from "node:os";
import { readCpuinfo } from "../core/cpuinfo";

export function physicalCores(): number {
  const logical = os.availableParallelism();
  return Math.min(readCpuinfo()?.physicalCores ?? logical, logical);
}

/** The default thread count: the physical cores minus one, kept for VS Code. llama.cpp's threads
 *  spin while they wait for each other, so one core busy elsewhere (the editor, a language server,
 *  a test browser) stalls every step: on a 2-core machine with other work running, 2 threads gave
 *  3.1 tok/s and 1 thread 780 tok/s on the tiny model (measured, node-llama-cpp 3.21.1). */
export function defaultThreads(cores: number): number {
  return Math.max(1, cores - 1);
}
