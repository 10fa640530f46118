// Downloads left half-done by a window reload, a VS Code restart or a crash, found from what is on
// disk rather than from memory, so the UI can offer to resume them after any restart. Cheap by
// design (it runs when the picker opens): one stat per level for `<file>.partial` and `<file>.lock`,
// and a read of a few bytes of sidecar where a partial exists; never a hash.
//
// The sidecar `<file>.partial.json` holds the file's real size, which only the server knows (the
// catalog's sizes are estimates); the downloader writes it once the first response arrives. A
// partial without one (cut before the first response, or left by an older version) is measured
// against the catalog's estimate, and the text says so with "~".
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getQuantLevel, QUANT_LEVEL_IDS, type QuantLevelId } from "./catalog";
import { inspectLock, type LockOwner } from "./downloadLock";
import { fileNameFor, type ModelSource } from "./modelSource";

export interface PartialInfo {
  url: string;
  totalBytes: number;
}

export interface PartialDownload {
  level: QuantLevelId;
  /** The final path (`partialPath` without `.partial`). */
  target: string;
  partialPath: string;
  /** Bytes kept on disk (0 when another process holds the lock but wrote nothing yet). */
  bytes: number;
  totalBytes: number;
  /** The total is the catalog's estimate: no sidecar said otherwise. */
  totalIsEstimate: boolean;
  /** paused: resumable now (no lock, or a stale one that the resume takes over, e.g. of a dead
   *  pid); elsewhere: a live process holds the lock (another window, the CLI, or this process). */
  state: "paused" | "elsewhere";
  owner?: LockOwner;
}

export const partialInfoPath = (partial: string): string => `${partial}.json`;

/** Records the real size beside the partial; returns it (the downloader keeps what it wrote). */
export async function writePartialInfo(partial: string, info: PartialInfo): Promise<number> {
  await fs.writeFile(partialInfoPath(partial), JSON.stringify(info));
  return info.totalBytes;
}

export async function readPartialInfo(partial: string): Promise<PartialInfo | undefined> {
  try {
    const v = JSON.parse(await fs.readFile(partialInfoPath(partial), "utf8")) as Partial<PartialInfo>;
    if (typeof v.url === "string" && Number.isSafeInteger(v.totalBytes) && (v.totalBytes ?? 0) > 0) return v as PartialInfo;
  } catch {
    // Missing or half-written: the catalog's estimate stands in.
  }
  return undefined;
}

/** Deletes a partial and its sidecar (explicit discard, or the downloader's integrity rules). */
export async function removePartial(partial: string): Promise<void> {
  await fs.rm(partial, { force: true });
  await fs.rm(partialInfoPath(partial), { force: true });
}

/** The level's interrupted or running download in `dir`, if any. A finished file at the target
 *  wins: a partial beside it is not offered (the downloader would not touch it either). */
export async function findPartialDownload(
  dir: string,
  source: ModelSource,
  level: QuantLevelId,
  options: { lockStaleMs?: number } = {},
): Promise<PartialDownload | undefined> {
  const target = path.join(dir, fileNameFor(source, level));
  const partialPath = `${target}.partial`;
  const [bytes, targetSize] = await Promise.all([sizeOf(partialPath), sizeOf(target)]);
  if (targetSize !== undefined) return undefined;
  const lock = await inspectLock(`${target}.lock`, options.lockStaleMs);
  if (bytes === undefined && lock.state !== "live") return undefined;
  const info = bytes !== undefined ? await readPartialInfo(partialPath) : undefined;
  return {
    level,
    target,
    partialPath,
    bytes: bytes ?? 0,
    totalBytes: info?.totalBytes ?? getQuantLevel(level).sizeBytes,
    totalIsEstimate: !info,
    state: lock.state === "live" ? "elsewhere" : "paused",
    owner: lock.state === "none" ? undefined : lock.owner,
  };
}

/** Every level's, in catalog order. */
export async function scanPartialDownloads(
  dir: string,
  source: ModelSource,
  options: { lockStaleMs?: number } = {},
): Promise<Map<QuantLevelId, PartialDownload>> {
  const found = await Promise.all(QUANT_LEVEL_IDS.map((level) => findPartialDownload(dir, source, level, options)));
  return new Map(found.filter((p): p is PartialDownload => !!p).map((p) => [p.level, p]));
}

/** Whole percent, floored so 99.9 % never reads as done; undefined when more bytes are kept than
 *  the (estimated) total. */
export function partialPercent(p: Pick<PartialDownload, "bytes" | "totalBytes">): number | undefined {
  if (p.bytes > p.totalBytes) return undefined;
  return Math.floor((p.bytes / p.totalBytes) * 100);
}

/** "paused at 43 % (11.6 of 26.4 GB)", "paused at ~2 % (0.9 of ~49.6 GB)",
 *  "downloading in another window (pid 4242) · 43 % (11.6 of 26.4 GB)". */
export function describePartial(p: PartialDownload): string {
  const pct = partialPercent(p);
  const approx = p.totalIsEstimate ? "~" : "";
  const amount =
    pct === undefined
      ? `${fmtSize(p.bytes, p.bytes)} kept`
      : `${approx}${pct} % (${fmtSize(p.bytes, p.totalBytes, false)} of ${approx}${fmtSize(p.totalBytes, p.totalBytes)})`;
  if (p.state === "paused") return `paused at ${amount}`;
  const who = p.owner ? ` (pid ${p.owner.pid}${p.owner.host !== os.hostname() ? ` on ${p.owner.host}` : ""})` : "";
  return `downloading in another window or process${who} · ${amount}`;
}

/** Bytes in the unit of `scale`: GB with one decimal, MB below 1 GB (test files are a few MB). */
export function fmtSize(bytes: number, scale: number, unit = true): string {
  const [div, name] = scale >= 1e9 ? [1e9, "GB"] : [1e6, "MB"];
  return `${(bytes / div).toFixed(1)}${unit ? ` ${name}` : ""}`;
}

/** A file's size in bytes; undefined when there is no file there. */
export async function sizeOf(file: string): Promise<number | undefined> {
  try {
    const st = await fs.stat(file);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}
