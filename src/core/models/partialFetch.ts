// Fetches one file into its `<target>.partial` (downloader.ts verifies and renames it): resumed
// with Range, a 416 on a complete partial taken as done, a Range the server ignored detected
// (the partial starts over rather than being corrupted), the size agreed with what was expected,
// free disk space checked, stalls detected, retries with backoff that honour Retry-After.
import { createWriteStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DownloadFailedError } from "../errors";
import { parseRetryAfter } from "../retryAfter";
import { sleep } from "../sleep";
import { defaultFreeSpace, type DownloadOptions } from "./downloadOptions";
import { fmtGB } from "./fit";
import { httpGet, TransientHttpError, type GetResponse } from "./httpGet";
import { removePartial, sizeOf, writePartialInfo } from "./partialDownloads";

export type FetchOutcome =
  { status: "fetched"; linkedSize?: number; linkedSha256?: string } | { status: "cancelled"; downloadedBytes: number; totalBytes?: number };

export function fetchToPartial(o: DownloadOptions, partial: string, dir: string, name: string): Promise<FetchOutcome> {
  return new PartialFetch(o, partial, dir, name).run();
}

class PartialFetch {
  /** Bytes in the partial file. */
  private offset = 0;
  private total?: number;
  private linkedSha256?: string;
  private linkedSize?: number;
  /** Bytes the current attempt wrote. */
  private received = 0;
  private failures = 0;
  private restartedAfter416 = false;
  private recordedTotal?: number;

  constructor(
    private readonly o: DownloadOptions,
    private readonly partial: string,
    private readonly dir: string,
    private readonly name: string,
  ) {}

  async run(): Promise<FetchOutcome> {
    const { o } = this;
    this.offset = (await sizeOf(this.partial)) ?? 0;
    if (o.expectedSize !== undefined && this.offset > o.expectedSize) await this.restart();
    if (o.expectedSize !== undefined) await this.checkDisk(o.expectedSize - this.offset);
    while (this.total === undefined || this.offset < this.total) {
      if (o.signal?.aborted) return this.cancelled();
      this.received = 0;
      try {
        await this.attempt();
      } catch (err) {
        const stopped = await this.afterFailure(err);
        if (stopped) return stopped;
      }
    }
    return { status: "fetched", linkedSize: this.linkedSize, linkedSha256: this.linkedSha256 };
  }

  /** One request from `offset` on; throws to retry (TransientHttpError) or to give up (DownloadFailedError). */
  private async attempt(): Promise<void> {
    const { o } = this;
    const r = await httpGet({
      url: o.url,
      headers: this.offset > 0 ? { range: `bytes=${this.offset}-` } : {},
      token: o.token,
      connectTimeoutMs: o.connectTimeoutMs,
      signal: o.signal,
    });
    this.linkedSha256 = r.linkedSha256 ?? this.linkedSha256;
    this.linkedSize = r.linkedSize ?? this.linkedSize;
    const status = r.res.statusCode ?? 0;
    if (status !== 200 && status !== 206) return this.notServed(r, status);
    await this.settleStart(r.res, status);
    await this.agreeOnSize(r.res);
    const total = this.total;
    this.received = await receiveBody(r.res, this.partial, this.offset > 0, o, (n) =>
      o.onProgress?.({ phase: "downloading", bytes: this.offset + n, totalBytes: total }),
    );
    this.offset += this.received;
    if (this.total === undefined) this.total = this.offset;
    if (this.offset < this.total) throw new TransientHttpError(`the connection closed at ${this.offset} of ${this.total} bytes`);
  }

  /** Any status but 200/206: refused, missing, a range past the end (416), or worth a retry. */
  private async notServed(r: GetResponse, status: number): Promise<void> {
    const { o, name } = this;
    const contentRange = String(r.res.headers["content-range"] ?? "");
    r.res.resume();
    if (status === 401 || status === 403) {
      throw new DownloadFailedError(
        `The server refused ${name} (HTTP ${status}): this model needs you to accept its licence on the hub, or a valid access token.`,
        "Open the model's page, accept the licence, then set a token with Mixtral: Select or Download Model… and try again.",
        "downloadAuth",
      );
    }
    if (status === 404)
      throw new DownloadFailedError(
        `${name} was not found at ${r.finalUrl} (HTTP 404).`,
        o.hints?.source ?? "Check mixtral.modelSource (repository, revision, file name pattern) or pick another quantization level.",
      );
    if (status === 416) {
      const whole = Number(/\*\/(\d+)/.exec(contentRange)?.[1]);
      // The partial already holds the whole file.
      if (this.offset > 0 && whole === this.offset) {
        this.total = this.offset;
        return;
      }
      if (this.offset > 0 && !this.restartedAfter416) {
        this.restartedAfter416 = true;
        await this.restart();
        return;
      }
      throw new DownloadFailedError(
        `The server refused the byte range for ${name} (HTTP 416, ${contentRange || "no Content-Range"}); the partial file was deleted.`,
        "Try the download again; if it repeats, the file on the server changed or the mirror is broken.",
      );
    }
    if (status === 408 || status === 429 || status >= 500)
      throw new TransientHttpError(`HTTP ${status} from ${new URL(r.finalUrl).host}`, parseRetryAfter(r.res.headers["retry-after"]));
    throw new DownloadFailedError(`Unexpected HTTP ${status} downloading ${name} from ${r.finalUrl}.`);
  }

  /** Where the body starts and the file's total size. 200 to a Range request (the server ignored
   *  it) or a range we did not ask for: the body starts at byte 0, so the partial file starts over
   *  rather than being corrupted. */
  private async settleStart(res: IncomingMessage, status: number): Promise<void> {
    const contentRange = String(res.headers["content-range"] ?? "");
    const length = Number(res.headers["content-length"]);
    let start = 0;
    if (status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange);
      start = m ? Number(m[1]) : -1;
      this.total = m ? Number(m[3]) : undefined;
    } else {
      this.total = Number.isSafeInteger(length) ? length : undefined;
    }
    if (start === this.offset) return;
    if (status === 206) {
      res.destroy();
      const asked = this.offset;
      await this.restart();
      throw new TransientHttpError(`the server sent a range starting at ${start} instead of ${asked}`);
    }
    await this.restart();
  }

  /** The server's size against the expected one, room on the disk, and the size kept beside the
   *  partial (the catalog's is an estimate) so the picker can say "paused at 43 %" after a
   *  restart without asking the server. */
  private async agreeOnSize(res: IncomingMessage): Promise<void> {
    const { o, name } = this;
    this.total ??= o.expectedSize ?? this.linkedSize;
    const want = o.expectedSize ?? this.linkedSize;
    const total = this.total;
    if (want !== undefined && total !== undefined && total !== want) {
      res.destroy();
      await removePartial(this.partial);
      throw new DownloadFailedError(
        `The server's ${name} is ${total} bytes, but ${want} were expected; nothing was kept.`,
        o.hints?.source ?? "The file on the server is not the one the catalog or the hub describes; check mixtral.modelSource.",
      );
    }
    if (total === undefined) return;
    await this.checkDisk(total - this.offset);
    if (total !== this.recordedTotal || this.offset === 0)
      this.recordedTotal = await writePartialInfo(this.partial, { url: o.url, totalBytes: total });
  }

  /** After a failed attempt: cancelled, given up (throws), or waited out before the next try. */
  private async afterFailure(err: unknown): Promise<FetchOutcome | undefined> {
    const { o, name } = this;
    if (o.signal?.aborted) {
      this.offset = (await sizeOf(this.partial)) ?? 0;
      return this.cancelled();
    }
    if (err instanceof DownloadFailedError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOSPC")
      throw new DownloadFailedError(
        `The disk filled up while downloading ${name} into ${this.dir}; the partial file was kept and will resume.`,
        o.hints?.disk ?? "Free some space and start the download again.",
      );
    if (code === "EACCES" || code === "EPERM" || code === "EROFS")
      throw new DownloadFailedError(
        `Cannot write ${this.partial}: ${code}.`,
        o.hints?.write ?? "Set mixtral.modelsDirectory to a folder you can write.",
      );
    this.offset = (await sizeOf(this.partial)) ?? 0;
    // Real progress earns a fresh set of retries; a drip that trickles a few bytes does not.
    if (Math.max(this.received, (err as { received?: number }).received ?? 0) >= (o.stallMinBytes ?? 64 * 1024)) this.failures = 0;
    this.failures++;
    const reason = err instanceof Error ? err.message : String(err);
    // Offline: fail in seconds, not after the whole backoff ladder (node-llama-cpp's took ~12 min).
    if ((code === "ENOTFOUND" || code === "EAI_AGAIN") && this.failures >= 2) {
      throw new DownloadFailedError(
        `Cannot reach ${new URL(o.url).host} (${code}): this machine seems to be offline. ${this.offset} bytes are kept and will resume.`,
        o.hints?.source ?? "Connect to the network, or set mixtral.modelSource to a reachable mirror, then try again.",
      );
    }
    const maxRetries = o.maxRetries ?? 6;
    if (this.failures > maxRetries)
      throw new DownloadFailedError(
        `Downloading ${name} failed after ${maxRetries + 1} attempts: ${reason}. ${this.offset} bytes are kept and will resume.`,
        o.hints?.source ?? "Check the network (or mixtral.modelSource) and try again.",
      );
    const retryAfter = err instanceof TransientHttpError ? err.retryAfterMs : undefined;
    const maxDelay = o.maxRetryDelayMs ?? 60_000;
    if (retryAfter !== undefined && retryAfter > maxDelay)
      throw new DownloadFailedError(
        `The server asked to retry ${name} after ${Math.round(retryAfter / 1000)} s (${reason}).`,
        "Try again later; the partial file is kept.",
      );
    const backoff = Math.min(maxDelay, (o.retryBaseDelayMs ?? 1000) * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
    return (await sleep(retryAfter ?? backoff, o.signal)) ? undefined : this.cancelled();
  }

  private async checkDisk(needed: number): Promise<void> {
    const free = await (this.o.freeSpace ?? defaultFreeSpace)(this.dir);
    if (needed > free)
      throw new DownloadFailedError(
        `Not enough disk space for ${this.name}: needs ${fmtGB(needed)}, ${fmtGB(free)} free in ${this.dir}.`,
        this.o.hints?.disk ?? "Free some space, or set mixtral.modelsDirectory to a disk with room, or pick a smaller quantization.",
      );
  }

  private async restart(): Promise<void> {
    await removePartial(this.partial);
    this.offset = 0;
  }

  private cancelled(): FetchOutcome {
    return { status: "cancelled", downloadedBytes: this.offset, totalBytes: this.total };
  }
}

function receiveBody(
  res: IncomingMessage,
  partial: string,
  append: boolean,
  o: DownloadOptions,
  progress: (n: number) => void,
): Promise<number> {
  let n = 0;
  let windowStart = 0;
  const stallMs = o.stallTimeoutMs ?? 30_000;
  const minBytes = o.stallMinBytes ?? 64 * 1024;
  // A per-chunk idle timer never fires on a 1-byte/s drip; a throughput floor per window does.
  const watchdog = setInterval(() => {
    if (n - windowStart < minBytes)
      res.destroy(
        new TransientHttpError(
          `the download stalled (less than ${minBytes} bytes in ${stallMs >= 1000 ? `${Math.round(stallMs / 1000)} s` : `${stallMs} ms`})`,
        ),
      );
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
    .then(
      () => n,
      (err: unknown) => {
        // Bytes that reached the file before the failure are kept for the resume.
        (err as { received?: number }).received = n;
        throw err;
      },
    )
    .finally(() => {
      clearInterval(watchdog);
      o.signal?.removeEventListener("abort", onAbort);
    });
}
