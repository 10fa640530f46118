// Incremental little-endian reader over a file handle for the GGUF pre-check: never reads more
// than one chunk (or one capped string) at a time, and never past the file's size. Lengths from
// the file stay BigInt until they are proven to fit in what is left of the file.
import type { FileHandle } from "node:fs/promises";
import { InvalidModelFileError } from "../errors";

export const HINT_REDOWNLOAD = "The file is damaged or incomplete: re-download the file.";
export const HINT_NOT_GGUF = "This is not a GGUF model: choose a .gguf file (for example from TheBloke/Mixtral-8x7B-Instruct-v0.1-GGUF).";

export type GgufRefusalReason =
  | "empty"
  | "not-gguf"
  | "unsupported-version"
  | "truncated"
  | "too-many-tensors"
  | "too-many-kv"
  | "string-too-long"
  | "array-too-long"
  | "array-too-deep"
  | "bad-value-type"
  | "bad-metadata"
  | "bad-tensor"
  | "tensor-out-of-bounds"
  | "old-expert-layout";

/** A GGUF refused by the pre-check; `reason` is stable for callers and tests. */
export class GgufPrecheckError extends InvalidModelFileError {
  constructor(
    readonly reason: GgufRefusalReason,
    message: string,
    hint: string = HINT_REDOWNLOAD,
  ) {
    super(message, hint);
  }
}

const CHUNK = 1 << 20;

export class BoundedReader {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  get remaining(): number {
    return this.size - this.pos;
  }

  truncated(what: string, needed: bigint | number): GgufPrecheckError {
    return new GgufPrecheckError(
      "truncated",
      `The GGUF header is cut short: ${what} at byte ${this.pos} needs ${needed} bytes but only ${this.remaining} remain in the ${this.size}-byte file.`,
    );
  }

  /** Checks that `n` more bytes exist; `n` may be any size (BigInt is compared exactly). */
  require(n: bigint | number, what: string): number {
    if (BigInt(n) > BigInt(this.remaining)) throw this.truncated(what, n);
    return Number(n);
  }

  async take(n: number, what: string): Promise<Buffer> {
    this.require(n, what);
    if (this.pos < this.bufStart || this.pos + n > this.bufStart + this.buf.length) {
      const len = Math.min(Math.max(n, CHUNK), this.remaining);
      const b = Buffer.alloc(len);
      const { bytesRead } = await this.fh.read(b, 0, len, this.pos);
      if (bytesRead < n) throw this.truncated(`${what} (the file shrank while being read)`, n);
      this.buf = b.subarray(0, bytesRead);
      this.bufStart = this.pos;
    }
    const off = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(off, off + n);
  }

  skip(n: bigint | number, what: string): void {
    this.pos += this.require(n, what);
  }

  async u8(what: string): Promise<number> {
    return (await this.take(1, what)).readUInt8(0);
  }
  async u32(what: string): Promise<number> {
    return (await this.take(4, what)).readUInt32LE(0);
  }
  async i32(what: string): Promise<number> {
    return (await this.take(4, what)).readInt32LE(0);
  }
  async u64(what: string): Promise<bigint> {
    return (await this.take(8, what)).readBigUInt64LE(0);
  }
  async f32(what: string): Promise<number> {
    return (await this.take(4, what)).readFloatLE(0);
  }

  /** A GGUF string (u64 length + UTF-8), capped at `maxBytes`; `read: false` skips its bytes. */
  async string(what: string, maxBytes: number, read = true): Promise<string | undefined> {
    const at = this.pos;
    const length = await this.u64(`the length of ${what}`);
    if (length > BigInt(maxBytes)) {
      throw new GgufPrecheckError(
        "string-too-long",
        `The GGUF header declares ${what} of ${length} bytes at byte ${at}, over the ${maxBytes}-byte limit${length > BigInt(this.remaining) ? ` and longer than the rest of the file (${this.remaining} bytes)` : ""}.`,
      );
    }
    if (!read) {
      this.skip(length, what);
      return undefined;
    }
    return (await this.take(Number(length), what)).toString("utf8");
  }
}
