// Downloads one model file: `<target>.partial` beside the target, resumed with Range, free disk
// space checked first, connect and stall timeouts, retries with backoff that honour Retry-After,
// size and sha256 verified, then an atomic rename. A lock file keeps two windows off one file.
//
// Why not node-llama-cpp's createModelDownloader (which the issue suggested): it must not load in
// the extension host (ARCHITECTURE: native code only in the engine child, and lint forbids it in
// src/core and src/vscode), and, measured in FACTS.md, it checks no hash, names its partial
// `<name>.ipull`, resolves normally on abort, and hangs ~12 minutes in its own retries offline.
// What we need on top (stall detection on a 1-byte/s drip, Range-ignored detection, 416 handling,
// no token on a cross-host redirect, a cross-window lock) would mean wrapping every part of it;
// plain node:http does all of it in ~250 lines we can test against a real local server.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, promises as fs } from "node:fs";
import * as path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DownloadFailedError } from "../errors";
import { DownloadLock, isLockOwner } from "./downloadLock";
import { fmtGB } from "./fit";
import { removePartial, writePartialInfo } from "./partialDownloads";
import { sleep } from "../sleep";
import { parseRetryAfter } from "../retryAfter";
import { httpGet, TransientHttpError } from "./httpGet";

export interface DownloadProgress {
  phase: "downloading" | "verifying";
  /** Bytes on disk (downloading) or hashed so far (verifying). */
  bytes: number;
  totalBytes?: number;
}

export interface DownloadOptions {
  url: string;
  targetPath: string;
  /** Expected size in bytes; default: the hub's X-Linked-Size, else the server's length. */
  expectedSize?: number;
  /** Expected sha256 (hex); default: the hub's X-Linked-Etag. Without either, only size is checked. */
  expectedSha256?: string;
  /** Expected subresource integrity "sha512-<base64>" (npm's dist.integrity), checked with the sha256
   *  in one pass before the rename; default none. */
  expectedIntegrity?: string;
  /** Next steps in messages, where the defaults (which name the model settings) do not fit:
   *  `disk` (no space), `source` (404, wrong size, network), `write` (folder not writable). */
  hints?: { disk?: string; source?: string; write?: string };
  /** Bearer token, sent only to the origin of `url` (never after a redirect to another host). */
  token?: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Wait for response headers; default 15 000 ms. */
  connectTimeoutMs?: number;
  /** A stall is fewer than `stallMinBytes` (default 64 KiB) within `stallTimeoutMs` (default 30 000). */
  stallTimeoutMs?: number;
  stallMinBytes?: number;
  /** Attempts after a transient failure (reset whenever bytes arrive); default 6. */
  maxRetries?: number;
  /** Backoff: base × 2^n with jitter, capped; defaults 1 000 and 60 000 ms. A longer Retry-After fails. */
  retryBaseDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Free bytes in a folder; default fs.statfs. Injected by tests to fake a full disk. */
  freeSpace?: (dir: string) => Promise<number>;
  /** A lock whose owner stopped heartbeating this long ago is taken over; default 60 000 ms. */
  lockStaleMs?: number;
}

export type DownloadResult =
  | { status: "completed"; path: string; sizeBytes: number; sha256: string; verifiedSha256: boolean; verifiedIntegrity?: boolean; alreadyPresent: boolean }
  | { status: "cancelled"; downloadedBytes: number; totalBytes?: number };

export async function defaultFreeSpace(dir: string): Promise<number> {
  const s = await fs.statfs(dir);
  return s.bavail * s.bsize;
}

export async function downloadFile(o: DownloadOptions): Promise<DownloadResult> {
  const target = path.resolve(o.targetPath);
  const dir = path.dirname(target);
  const name = path.basename(target);
  const partial = `${target}.partial`;
  await fs.mkdir(dir, { recursive: true });
  const lock = await DownloadLock.acquire(`${target}.lock`, { staleMs: o.lockStaleMs });
  if (isLockOwner(lock)) {
    throw new DownloadFailedError(`${name} is already being downloaded by another window or process (pid ${lock.pid} on ${lock.host}).`, "Wait for that download to finish; this window will use the file when it is complete.");
  }
  try {
    const existing = await sizeOf(target);
    if (existing !== undefined && (o.expectedSize === undefined || existing === o.expectedSize)) {
      return { status: "completed", path: target, sizeBytes: existing, sha256: "", verifiedSha256: false, alreadyPresent: true };
    }
    return await fetchToPartial(o, target, partial, dir, name);
  } finally {
    await lock.release();
  }
}

async function fetchToPartial(o: DownloadOptions, target: string, partial: string, dir: string, name: string): Promise<DownloadResult> {
  const freeSpace = o.freeSpace ?? defaultFreeSpace;
  const checkDisk = async (needed: number) => {
    const free = await freeSpace(dir);
    if (needed > free) throw new DownloadFailedError(`Not enough disk space for ${name}: needs ${fmtGB(needed)}, ${fmtGB(free)} free in ${dir}.`, o.hints?.disk ?? "Free some space, or set mixtral.modelsDirectory to a disk with room, or pick a smaller quantization.");
  };
  let offset = (await sizeOf(partial)) ?? 0;
  if (o.expectedSize !== undefined && offset > o.expectedSize) offset = await restart(partial);
  if (o.expectedSize !== undefined) await checkDisk(o.expectedSize - offset);

  let total: number | undefined;
  let linkedSha256: string | undefined;
  let linkedSize: number | undefined;
  let failures = 0;
  let restartedAfter416 = false;
  let recordedTotal: number | undefined;
  const maxRetries = o.maxRetries ?? 6;
  while (total === undefined || offset < total) {
    if (o.signal?.aborted) return { status: "cancelled", downloadedBytes: offset, totalBytes: total };
    let received = 0;
    try {
      const r = await httpGet({ url: o.url, headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, token: o.token, connectTimeoutMs: o.connectTimeoutMs, signal: o.signal });
      linkedSha256 = r.linkedSha256 ?? linkedSha256;
      linkedSize = r.linkedSize ?? linkedSize;
      const { res } = r;
      const status = res.statusCode ?? 0;
      const contentRange = String(res.headers["content-range"] ?? "");
      if (status !== 200 && status !== 206) res.resume();
      if (status === 401 || status === 403) {
        throw new DownloadFailedError(`The server refused ${name} (HTTP ${status}): this model needs you to accept its licence on the hub, or a valid access token.`, "Open the model's page, accept the licence, then set a token with Mixtral: Select or Download Model… and try again.", "downloadAuth");
      }
      if (status === 404) throw new DownloadFailedError(`${name} was not found at ${r.finalUrl} (HTTP 404).`, o.hints?.source ?? "Check mixtral.modelSource (repository, revision, file name pattern) or pick another quantization level.");
      if (status === 416) {
        const whole = Number(/\*\/(\d+)/.exec(contentRange)?.[1]);
        if (offset > 0 && whole === offset) { total = offset; break; }
        if (offset > 0 && !restartedAfter416) { restartedAfter416 = true; offset = await restart(partial); continue; }
        throw new DownloadFailedError(`The server refused the byte range for ${name} (HTTP 416, ${contentRange || "no Content-Range"}); the partial file was deleted.`, "Try the download again; if it repeats, the file on the server changed or the mirror is broken.");
      }
      if (status === 408 || status === 429 || status >= 500) throw new TransientHttpError(`HTTP ${status} from ${new URL(r.finalUrl).host}`, parseRetryAfter(res.headers["retry-after"]));
      if (status !== 200 && status !== 206) throw new DownloadFailedError(`Unexpected HTTP ${status} downloading ${name} from ${r.finalUrl}.`);

      const length = Number(res.headers["content-length"]);
      let start = 0;
      if (status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange);
        start = m ? Number(m[1]) : -1;
        total = m ? Number(m[3]) : undefined;
      } else {
        total = Number.isSafeInteger(length) ? length : undefined;
      }
      if (start !== offset) {
        // 200 to a Range request (the server ignored it) or a range we did not ask for: the body
        // starts at byte 0, so the partial file starts over rather than being corrupted.
        if (status === 206) {
          res.destroy();
          const asked = offset;
          offset = await restart(partial);
          throw new TransientHttpError(`the server sent a range starting at ${start} instead of ${asked}`);
        }
        offset = await restart(partial);
      }
      total ??= o.expectedSize ?? linkedSize;
      const want = o.expectedSize ?? linkedSize;
      if (want !== undefined && total !== undefined && total !== want) {
        res.destroy();
        await removePartial(partial);
        throw new DownloadFailedError(`The server's ${name} is ${total} bytes, but ${want} were expected; nothing was kept.`, o.hints?.source ?? "The file on the server is not the one the catalog or the hub describes; check mixtral.modelSource.");
      }
      if (total !== undefined) await checkDisk(total - offset);
      // The size is only known here (the catalog's is an estimate): kept beside the partial so
      // the picker can say "paused at 43 %" after a restart without asking the server.
      if (total !== undefined && (total !== recordedTotal || offset === 0)) recordedTotal = await writePartialInfo(partial, { url: o.url, totalBytes: total });
      received = await receiveBody(res, partial, offset > 0, o, (n) => o.onProgress?.({ phase: "downloading", bytes: offset + n, totalBytes: total }));
      offset += received;
      if (total === undefined) total = offset;
      if (offset < total) throw new TransientHttpError(`the connection closed at ${offset} of ${total} bytes`);
    } catch (err) {
      if (o.signal?.aborted) {
        offset = (await sizeOf(partial)) ?? 0;
        return { status: "cancelled", downloadedBytes: offset, totalBytes: total };
      }
      if (err instanceof DownloadFailedError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOSPC") throw new DownloadFailedError(`The disk filled up while downloading ${name} into ${dir}; the partial file was kept and will resume.`, o.hints?.disk ?? "Free some space and start the download again.");
      if (code === "EACCES" || code === "EPERM" || code === "EROFS") throw new DownloadFailedError(`Cannot write ${partial}: ${code}.`, o.hints?.write ?? "Set mixtral.modelsDirectory to a folder you can write.");
      offset = (await sizeOf(partial)) ?? 0;
      // Real progress earns a fresh set of retries; a drip that trickles a few bytes does not.
      if (Math.max(received, (err as { received?: number }).received ?? 0) >= (o.stallMinBytes ?? 64 * 1024)) failures = 0;
      failures++;
      const reason = err instanceof Error ? err.message : String(err);
      // Offline: fail in seconds, not after the whole backoff ladder (node-llama-cpp's took ~12 min).
      if ((code === "ENOTFOUND" || code === "EAI_AGAIN") && failures >= 2) {
        throw new DownloadFailedError(`Cannot reach ${new URL(o.url).host} (${code}): this machine seems to be offline. ${offset} bytes are kept and will resume.`, o.hints?.source ?? "Connect to the network, or set mixtral.modelSource to a reachable mirror, then try again.");
      }
      if (failures > maxRetries) throw new DownloadFailedError(`Downloading ${name} failed after ${maxRetries + 1} attempts: ${reason}. ${offset} bytes are kept and will resume.`, o.hints?.source ?? "Check the network (or mixtral.modelSource) and try again.");
      const retryAfter = err instanceof TransientHttpError ? err.retryAfterMs : undefined;
      const maxDelay = o.maxRetryDelayMs ?? 60_000;
      if (retryAfter !== undefined && retryAfter > maxDelay) throw new DownloadFailedError(`The server asked to retry ${name} after ${Math.round(retryAfter / 1000)} s (${reason}).`, "Try again later; the partial file is kept.");
      const backoff = Math.min(maxDelay, (o.retryBaseDelayMs ?? 1000) * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
      if (!(await sleep(retryAfter ?? backoff, o.signal))) return { status: "cancelled", downloadedBytes: offset, totalBytes: total };
    }
  }
  return verifyAndRename(o, target, partial, name, linkedSize, linkedSha256);
}

async function verifyAndRename(o: DownloadOptions, target: string, partial: string, name: string, linkedSize?: number, linkedSha256?: string): Promise<DownloadResult> {
  const size = (await sizeOf(partial)) ?? 0;
  const wantSize = o.expectedSize ?? linkedSize;
  if (wantSize !== undefined && size !== wantSize) {
    await removePartial(partial);
    throw new DownloadFailedError(`${name} is ${size} bytes but should be ${wantSize}; the download was deleted.`, "Start the download again.");
  }
  const hashes = await hashFile(partial, size, o, !!o.expectedIntegrity);
  if (hashes === undefined) return { status: "cancelled", downloadedBytes: size, totalBytes: size };
  const { sha256 } = hashes;
  const wantSha = (o.expectedSha256 ?? linkedSha256)?.toLowerCase();
  if (wantSha && sha256 !== wantSha) {
    await removePartial(partial);
    throw new DownloadFailedError(`${name} failed its sha256 check (got ${sha256.slice(0, 12)}…, expected ${wantSha.slice(0, 12)}…); the download was deleted.`, "Start the download again; if it repeats, the mirror serves a different file.");
  }
  if (o.expectedIntegrity && hashes.integrity !== o.expectedIntegrity) {
    await removePartial(partial);
    throw new DownloadFailedError(`${name} failed its sha512 check (got ${hashes.integrity?.slice(0, 19)}…, expected ${o.expectedIntegrity.slice(0, 19)}…); the download was deleted.`, "Start the download again; if it repeats, the server or mirror serves a different file.");
  }
  const fh = await fs.open(partial, "r+");
  await fh.sync().finally(() => fh.close());
  await fs.rename(partial, target);
  await removePartial(partial);
  return { status: "completed", path: target, sizeBytes: size, sha256, verifiedSha256: !!wantSha, verifiedIntegrity: !!o.expectedIntegrity, alreadyPresent: false };
}

function receiveBody(res: import("node:http").IncomingMessage, partial: string, append: boolean, o: DownloadOptions, progress: (n: number) => void): Promise<number> {
  let n = 0;
  let windowStart = 0;
  const stallMs = o.stallTimeoutMs ?? 30_000;
  const minBytes = o.stallMinBytes ?? 64 * 1024;
  // A per-chunk idle timer never fires on a 1-byte/s drip; a throughput floor per window does.
  const watchdog = setInterval(() => {
    if (n - windowStart < minBytes) res.destroy(new TransientHttpError(`the download stalled (less than ${minBytes} bytes in ${stallMs >= 1000 ? `${Math.round(stallMs / 1000)} s` : `${stallMs} ms`})`));
    windowStart = n;
  }, stallMs);
  const onAbort = () => res.destroy(new Error("aborted"));
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      progress(n);
      cb(null, chunk);
    },
  });
  return pipeline(res, counter, createWriteStream(partial, { flags: append ? "a" : "w" }))
    .then(() => n, (err: unknown) => {
      // Bytes that reached the file before the failure are kept for the resume.
      (err as { received?: number }).received = n;
      throw err;
    })
    .finally(() => {
      clearInterval(watchdog);
      o.signal?.removeEventListener("abort", onAbort);
    });
}

/** sha256 (hex) and, when asked, the sha512 integrity string, in one read; undefined when aborted. */
async function hashFile(file: string, size: number, o: DownloadOptions, withSha512: boolean): Promise<{ sha256: string; integrity?: string } | undefined> {
  const sha256 = createHash("sha256");
  const sha512 = withSha512 ? createHash("sha512") : undefined;
  let done = 0;
  const stream = createReadStream(file, { highWaterMark: 4 * 1024 * 1024 });
  try {
    for await (const chunk of stream) {
      if (o.signal?.aborted) return undefined;
      sha256.update(chunk as Buffer);
      sha512?.update(chunk as Buffer);
      done += (chunk as Buffer).length;
      o.onProgress?.({ phase: "verifying", bytes: done, totalBytes: size });
    }
  } finally {
    stream.destroy();
  }
  return { sha256: sha256.digest("hex"), integrity: sha512 && `sha512-${sha512.digest("base64")}` };
}

async function restart(partial: string): Promise<number> {
  await removePartial(partial);
  return 0;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return undefined;
  }
}
