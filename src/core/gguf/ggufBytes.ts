// GGUF's little-endian encoding of metadata values and headers, without tensors or quantization.
// Its own module so the extension's layout upgrade (`upgradeLayout`) can rewrite a header without
// bundling the tiny-model writers (ggufWriter, ggmlQuantize), which only the CLI's `fixture` uses.
import { GgufValueType, type GgufScalarTypeName } from "./ggufTypes";

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

  get length(): number {
    return this.size;
  }
  bytes(b: Uint8Array): this {
    this.chunks.push(Buffer.from(b));
    this.size += b.length;
    return this;
  }
  private fixed(n: number, fill: (b: Buffer) => void): this {
    const b = Buffer.alloc(n);
    fill(b);
    return this.bytes(b);
  }
  u8(v: number): this {
    return this.fixed(1, (b) => b.writeUInt8(v));
  }
  i8(v: number): this {
    return this.fixed(1, (b) => b.writeInt8(v));
  }
  u16(v: number): this {
    return this.fixed(2, (b) => b.writeUInt16LE(v));
  }
  i16(v: number): this {
    return this.fixed(2, (b) => b.writeInt16LE(v));
  }
  u32(v: number): this {
    return this.fixed(4, (b) => b.writeUInt32LE(v));
  }
  i32(v: number): this {
    return this.fixed(4, (b) => b.writeInt32LE(v));
  }
  u64(v: number | bigint): this {
    return this.fixed(8, (b) => b.writeBigUInt64LE(BigInt(v)));
  }
  i64(v: number | bigint): this {
    return this.fixed(8, (b) => b.writeBigInt64LE(BigInt(v)));
  }
  f32(v: number): this {
    return this.fixed(4, (b) => b.writeFloatLE(v));
  }
  f64(v: number): this {
    return this.fixed(8, (b) => b.writeDoubleLE(v));
  }
  str(s: string): this {
    const b = Buffer.from(s, "utf8");
    return this.u64(b.length).bytes(b);
  }
  pad(alignment: number): this {
    const r = this.size % alignment;
    return r ? this.bytes(Buffer.alloc(alignment - r)) : this;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }

  scalar(type: GgufScalarTypeName, v: GgufScalar): this {
    switch (type) {
      case "string":
        return this.str(String(v));
      case "bool":
        return this.u8(v ? 1 : 0);
      case "u64":
        return this.u64(v as number | bigint);
      case "i64":
        return this.i64(v as number | bigint);
      default:
        return this[type](Number(v));
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

  kv(key: string, v: GgufValue): this {
    return this.str(key).u32(GgufValueType[v.type]).value(v);
  }
}
