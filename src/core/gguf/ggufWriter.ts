// A small GGUF v3 writer: typed metadata (every value type, nested arrays), tensors as F32, F16,
// Q8_0, Q4_K (encoded here) or pre-encoded bytes, and tensors without data left as sparse holes
// (zero weights), so a full-size Mixtral-shaped file costs a few MB of disk.
import { open } from "node:fs/promises";
import { encodeTensor } from "./ggmlQuantize";
import { GgufByteBuilder, gv, type GgufValue } from "./ggufBytes";
import { GGML_TYPES, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, ggmlTensorBytes, type GgmlTypeName } from "./ggufTypes";

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
    .u32(GGUF_MAGIC)
    .u32(options.version ?? 3)
    .u64(options.tensors.length)
    .u64(Object.keys(metadata).length);
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
