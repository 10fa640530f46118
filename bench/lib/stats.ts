// Small statistics and machine facts shared by the benchmark programs. The machine these run on
// is shared and noisy, so figures are medians of interleaved runs and the load average is printed
// with them.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as os from "node:os";

export const median = (xs: readonly number[]): number => percentile(xs, 50);

/** Nearest-rank percentile; NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Ratio a/b, NaN when b is not positive. */
export const ratio = (a: number, b: number): number => (b > 0 ? a / b : NaN);

/** Fixed decimals, "-" for NaN: the JSON line and the table agree on missing values. */
export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "-");

/** Rounds for the JSON line (null for NaN, which JSON cannot hold). */
export const round = (n: number, digits = 2): number | null => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

export const loadAverage = (): [number, number, number] => os.loadavg().map((x) => Number(x.toFixed(2))) as [number, number, number];

/** Kilobytes from a `VmRSS:`-style line of /proc/<pid>/status (Linux only; NaN elsewhere). */
export function procStatusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN;
  }
}

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  commit: string;
  dirty: boolean;
  date: string;
}

export function machineFacts(repo: string): MachineFacts {
  const git = (...args: string[]): string => {
    try {
      return execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    commit: git("rev-parse", "--short=12", "HEAD"),
    dirty: git("status", "--porcelain", "--untracked-files=no") !== "",
    date: new Date().toISOString(),
  };
}

/** Samples the 1-minute load average while a benchmark runs, for the report. */
export class LoadSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;
  constructor(everyMs = 2000) {
    this.samples.push(os.loadavg()[0]);
    this.timer = setInterval(() => this.samples.push(os.loadavg()[0]), everyMs);
    this.timer.unref();
  }
  stop(): { min: number; median: number; max: number } {
    clearInterval(this.timer);
    this.samples.push(os.loadavg()[0]);
    return { min: Math.min(...this.samples), median: median(this.samples), max: Math.max(...this.samples) };
  }
}
