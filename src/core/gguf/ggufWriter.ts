// A small GGUF v3 writer: typed metadata (every value type, nested arrays), tensors as F32, F16,
// Q8_0, Q4_K (encoded here) or pre-encoded bytes, and tensors without data left as sparse holes
// (zero weights), so a full-size Mixtral-shaped file costs a few MB of disk.
import { open } from "node:fs/promises";
import { encodeTensor } from "./ggmlQuantize";
import {
  GGML_TYPES, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufValueType, ggmlTensorBytes,
  type GgmlTypeName, type GgufScalarTypeName,
} from "./ggufTypes";

export type GgufScalar = number | bigint | boolean | string;
export type GgufValue =
  | { readonly type: GgufScalarTypeName; readonly value: GgufScalar }
  | { readonly type: "array"; readonly itemType: GgufScalarTypeName; readonly value: readonly GgufScalar[] }
  | { readonly type: "array"; readonly itemType: "array"; readonly value: readonly GgufValue[] };

/** Constructors for typed metadata values: `gv.u32(8)`, `gv.array("string", tokens)`. */
export const gv = {
  u8: (value: number): GgufValue => ({ type: "u8", value }),
  i8: (value: number): GgufValue => ({ type: "i8", value }),
  u16: (value: number): GgufValue => ({ type: "u16", value }),
  i16: (value: number): GgufValue => ({ type: "i16", value }),
  u32: (value: number): GgufValue => ({ type: "u32", value }),
  i32: (value: number): GgufValue => ({ type: "i32", value }),
  u64: (value: number | bigint): GgufValue => ({ type: "u64", value }),
  i64: (value: number | bigint): GgufValue => ({ type: "i64", value }),
  f32: (value: number): GgufValue => ({ type: "f32", value }),
  f64: (value: number): GgufValue => ({ type: "f64", value }),
  bool: (value: boolean): GgufValue => ({ type: "bool", value }),
  str: (value: string): GgufValue => ({ type: "string", value }),
  array: (itemType: GgufScalarTypeName, value: readonly GgufScalar[]): GgufValue => ({ type: "array", itemType, value }),
  arrays: (value: readonly GgufValue[]): GgufValue => ({ type: "array", itemType: "array", value }),
};

/** Little-endian byte builder; exported so tests can hand-craft broken files. */
export class GgufByteBuilder {
  private chunks: Buffer[] = [];
  private size = 0;

  get length(): number { return this.size; }
  bytes(b: Uint8Array): this { this.chunks.push(Buffer.from(b)); this.size += b.length; return this; }
  private fixed(n: number, fill: (b: Buffer) => void): this { const b = Buffer.alloc(n); fill(b); return this.bytes(b); }
  u8(v: number): this { return this.fixed(1, (b) => b.writeUInt8(v)); }
  i8(v: number): this { return this.fixed(1, (b) => b.writeInt8(v)); }
  u16(v: number): this { return this.fixed(2, (b) => b.writeUInt16LE(v)); }
  i16(v: number): this { return this.fixed(2, (b) => b.writeInt16LE(v)); }
  u32(v: number): this { return this.fixed(4, (b) => b.writeUInt32LE(v)); }
  i32(v: number): this { return this.fixed(4, (b) => b.writeInt32LE(v)); }
  u64(v: number | bigint): this { return this.fixed(8, (b) => b.writeBigUInt64LE(BigInt(v))); }
  i64(v: number | bigint): this { return this.fixed(8, (b) => b.writeBigInt64LE(BigInt(v))); }
  f32(v: number): this { return this.fixed(4, (b) => b.writeFloatLE(v)); }
  f64(v: number): this { return this.fixed(8, (b) => b.writeDoubleLE(v)); }
  str(s: string): this { const b = Buffer.from(s, "utf8"); return this.u64(b.length).bytes(b); }
  pad(alignment: number): this { const r = this.size % alignment; return r ? this.bytes(Buffer.alloc(alignment - r)) : this; }
  toBuffer(): Buffer { return Buffer.concat(this.chunks, this.size); }

  scalar(type: GgufScalarTypeName, v: GgufScalar): this {
    switch (type) {
      case "string": return this.str(String(v));
      case "bool": return this.u8(v ? 1 : 0);
      case "u64": return this.u64(v as number | bigint);
      case "i64": return this.i64(v as number | bigint);
      default: return this[type](Number(v));
    }
  }

  value(v: GgufValue): this {
    if (v.type !== "array") return this.scalar(v.type, v.value);
    this.u32(GgufValueType[v.itemType]).u64(v.value.length);
    if (v.itemType === "array") for (const item of v.value as readonly GgufValue[]) this.arrayBody(item);
    else for (const item of v.value as readonly GgufScalar[]) this.scalar(v.itemType, item);
    return this;
  }

  // Inside an array of arrays each element is written without its own type code.
  private arrayBody(v: GgufValue): void {
    if (v.type !== "array") throw new TypeError("an array of arrays may hold only arrays");
    this.value(v);
  }

  kv(key: string, v: GgufValue): this { return this.str(key).u32(GgufValueType[v.type]).value(v); }
}

export type TensorData = Float32Array | Uint8Array;

export interface GgufTensorSpec {
  readonly name: string;
  /** ggml order: the first dimension is the contiguous one (row length). */
  readonly dims: readonly number[];
  readonly type: GgmlTypeName;
  /** Float values (encoded to `type`), already-encoded bytes, or a thunk producing either (called
   *  once, when written, to keep peak memory at one tensor). Absent: zeros, left as a sparse hole. */
  readonly data?: TensorData | (() => TensorData);
}

export interface GgufWriteOptions {
  /** Metadata in file order; `general.alignment` is added when `alignment` is not 32. */
  readonly metadata: Readonly<Record<string, GgufValue>>;
  readonly tensors: readonly GgufTensorSpec[];
  /** Default 32 (GGUF's default). */
  readonly alignment?: number;
  /** Default 3. */
  readonly version?: number;
}

export interface GgufLayout {
  readonly header: Buffer;
  /** Absolute file offset of the tensor data section. */
  readonly dataOffset: number;
  /** Per tensor, offset relative to `dataOffset`. */
  readonly tensorOffsets: readonly number[];
  readonly tensorBytes: readonly number[];
  readonly totalSize: number;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Header bytes (magic … tensor infos, padded) and where each tensor's data goes. */
export function layoutGguf(options: GgufWriteOptions): GgufLayout {
  const alignment = options.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  const metadata: Record<string, GgufValue> = { ...options.metadata };
  if (alignment !== GGUF_DEFAULT_ALIGNMENT && !("general.alignment" in metadata)) {
    metadata["general.alignment"] = gv.u32(alignment);
  }
  const w = new GgufByteBuilder()
    .u32(GGUF_MAGIC).u32(options.version ?? 3)
    .u64(options.tensors.length).u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) w.kv(key, value);

  const tensorOffsets: number[] = [];
  const tensorBytes: number[] = [];
  let offset = 0;
  for (const t of options.tensors) {
    const elements = t.dims.reduce((a, b) => a * b, 1);
    if (t.dims.length === 0 || t.dims[0] % GGML_TYPES[t.type].blockSize !== 0) {
      throw new RangeError(`tensor ${t.name}: ${t.type} needs a row length that is a multiple of ${GGML_TYPES[t.type].blockSize}`);
    }
    w.str(t.name).u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPES[t.type].code).u64(offset);
    tensorOffsets.push(offset);
    const bytes = ggmlTensorBytes(t.type, elements);
    tensorBytes.push(bytes);
    offset = alignUp(offset + bytes, alignment);
  }
  w.pad(alignment);
  const header = w.toBuffer();
  const last = tensorOffsets.length - 1;
  const dataEnd = last >= 0 ? tensorOffsets[last] + tensorBytes[last] : 0;
  return { header, dataOffset: header.length, tensorOffsets, tensorBytes, totalSize: header.length + dataEnd };
}

/** Write a GGUF file at `filePath` (overwriting it). Returns its layout. */
export async function writeGguf(filePath: string, options: GgufWriteOptions): Promise<GgufLayout> {
  const layout = layoutGguf(options);
  const fh = await open(filePath, "w");
  try {
    await fh.write(layout.header, 0, layout.header.length, 0);
    for (let i = 0; i < options.tensors.length; i++) {
      const t = options.tensors[i];
      if (t.data === undefined) continue;
      const raw = typeof t.data === "function" ? t.data() : t.data;
      const bytes = raw instanceof Float32Array ? encodeTensor(t.type, raw, t.dims[0]) : raw;
      if (bytes.length !== layout.tensorBytes[i]) {
        throw new RangeError(`tensor ${t.name}: ${bytes.length} bytes of data for a ${t.type} tensor of ${layout.tensorBytes[i]} bytes`);
      }
      await fh.write(bytes, 0, bytes.length, layout.dataOffset + layout.tensorOffsets[i]);
    }
    // Extends the file over any trailing hole: untouched ranges read back as zeros.
    await fh.truncate(layout.totalSize);
  } finally {
    await fh.close();
  }
  return layout;
}
