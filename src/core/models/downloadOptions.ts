// What one download is asked to do and what it returns (downloader.ts runs it, partialFetch.ts
// fetches its bytes).
import { promises as fs } from "node:fs";

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
  | {
      status: "completed";
      path: string;
      sizeBytes: number;
      sha256: string;
      verifiedSha256: boolean;
      verifiedIntegrity?: boolean;
      alreadyPresent: boolean;
    }
  | { status: "cancelled"; downloadedBytes: number; totalBytes?: number };

export async function defaultFreeSpace(dir: string): Promise<number> {
  const s = await fs.statfs(dir);
  return s.bavail * s.bsize;
}
