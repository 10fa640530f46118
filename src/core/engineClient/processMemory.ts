// How much memory the engine child has used, for telling an out-of-memory kill from another
// SIGKILL: Linux's OOM killer (and macOS's jetsam) end a process with SIGKILL and no message, and
// a dead process cannot be asked afterwards, so its peak is sampled while it lives.
import { readFile } from "node:fs/promises";
import * as os from "node:os";

/** Peak resident memory so far (Linux `VmHWM`, which keeps the peak between samples), or
 *  undefined where there is no /proc. */
export async function peakResidentBytes(pid: number): Promise<number | undefined> {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's peak memory every `intervalMs` until stopped; `peak` holds the highest. */
export class PeakMemorySampler {
  peak: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.sample(), intervalMs);
    this.timer.unref?.();
    void this.sample();
  }

  private async sample(): Promise<void> {
    const v = await peakResidentBytes(this.pid);
    if (v !== undefined) this.peak = Math.max(this.peak ?? 0, v);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Words for a SIGKILL we did not send, when the process had used at least `fraction` of the
 *  machine's memory (default half): the system most likely ran out of memory. */
export function outOfMemoryReason(peakBytes: number | undefined, fraction = 0.5, totalBytes = os.totalmem()): string | undefined {
  if (peakBytes === undefined || peakBytes < fraction * totalBytes) return undefined;
  return (
    `the engine process was killed (SIGKILL) after using ${gb(peakBytes)} of this machine's ${gb(totalBytes)} of memory: ` +
    "the system most likely ran out of memory. Pick a smaller quantization (Mixtral: Select or Download Model…), " +
    "put fewer layers on the GPU (mixtral.gpuLayers) or lower mixtral.contextSize"
  );
}
