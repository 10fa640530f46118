// Downloads one model file: `<target>.partial` beside the target (fetched by partialFetch.ts:
// resumed with Range, free disk space checked first, connect and stall timeouts, retries with
// backoff that honour Retry-After), size and sha256 verified, then an atomic rename. A lock file
// keeps two windows off one file.
//
// Why not node-llama-cpp's createModelDownloader (which the issue suggested): it must not load in
// the extension host (docs/ARCHITECTURE.md: native code only in the engine child, and lint forbids
// it in src/core and src/vscode), and, measured in docs/FACTS.md, it checks no hash, names its
// partial `<name>.ipull`, resolves normally on abort, and hangs ~12 minutes in its own retries
// offline. What we need on top (stall detection on a 1-byte/s drip, Range-ignored detection, 416
// handling, no token on a cross-host redirect, a cross-window lock) would mean wrapping every part
// of it; plain node:http does all of it in ~350 lines we can test against a real local server.
import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import * as path from "node:path";
import { DownloadFailedError } from "../errors";
import { DownloadLock, isLockOwner } from "./downloadLock";
import type { DownloadOptions, DownloadResult } from "./downloadOptions";
import { fetchToPartial } from "./partialFetch";
import { removePartial, sizeOf } from "./partialDownloads";

export { defaultFreeSpace, type DownloadOptions, type DownloadProgress, type DownloadResult } from "./downloadOptions";

export async function downloadFile(o: DownloadOptions): Promise<DownloadResult> {
  const target = path.resolve(o.targetPath);
  const dir = path.dirname(target);
  const name = path.basename(target);
  const partial = `${target}.partial`;
  await fs.mkdir(dir, { recursive: true });
  const lock = await DownloadLock.acquire(`${target}.lock`, { staleMs: o.lockStaleMs });
  if (isLockOwner(lock)) {
    throw new DownloadFailedError(
      `${name} is already being downloaded by another window or process (pid ${lock.pid} on ${lock.host}).`,
      "Wait for that download to finish; this window will use the file when it is complete.",
    );
  }
  try {
    const existing = await sizeOf(target);
    if (existing !== undefined && (o.expectedSize === undefined || existing === o.expectedSize)) {
      return { status: "completed", path: target, sizeBytes: existing, sha256: "", verifiedSha256: false, alreadyPresent: true };
    }
    const fetched = await fetchToPartial(o, partial, dir, name);
    if (fetched.status === "cancelled") return fetched;
    return await verifyAndRename(o, target, partial, name, fetched.linkedSize, fetched.linkedSha256);
  } finally {
    await lock.release();
  }
}

async function verifyAndRename(
  o: DownloadOptions,
  target: string,
  partial: string,
  name: string,
  linkedSize?: number,
  linkedSha256?: string,
): Promise<DownloadResult> {
  const size = (await sizeOf(partial)) ?? 0;
  const wantSize = o.expectedSize ?? linkedSize;
  if (wantSize !== undefined && size !== wantSize) {
    await removePartial(partial);
    throw new DownloadFailedError(
      `${name} is ${size} bytes but should be ${wantSize}; the download was deleted.`,
      "Start the download again.",
    );
  }
  const hashes = await hashFile(partial, size, o, !!o.expectedIntegrity);
  if (hashes === undefined) return { status: "cancelled", downloadedBytes: size, totalBytes: size };
  const { sha256 } = hashes;
  const wantSha = (o.expectedSha256 ?? linkedSha256)?.toLowerCase();
  if (wantSha && sha256 !== wantSha) {
    await removePartial(partial);
    throw new DownloadFailedError(
      `${name} failed its sha256 check (got ${sha256.slice(0, 12)}…, expected ${wantSha.slice(0, 12)}…); the download was deleted.`,
      "Start the download again; if it repeats, the mirror serves a different file.",
    );
  }
  if (o.expectedIntegrity && hashes.integrity !== o.expectedIntegrity) {
    await removePartial(partial);
    throw new DownloadFailedError(
      `${name} failed its sha512 check (got ${hashes.integrity?.slice(0, 19)}…, expected ${o.expectedIntegrity.slice(0, 19)}…); the download was deleted.`,
      "Start the download again; if it repeats, the server or mirror serves a different file.",
    );
  }
  const fh = await fs.open(partial, "r+");
  await fh.sync().finally(() => fh.close());
  await fs.rename(partial, target);
  await removePartial(partial);
  return {
    status: "completed",
    path: target,
    sizeBytes: size,
    sha256,
    verifiedSha256: !!wantSha,
    verifiedIntegrity: !!o.expectedIntegrity,
    alreadyPresent: false,
  };
}

/** sha256 (hex) and, when asked, the sha512 integrity string, in one read; undefined when aborted. */
async function hashFile(
  file: string,
  size: number,
  o: DownloadOptions,
  withSha512: boolean,
): Promise<{ sha256: string; integrity?: string } | undefined> {
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
