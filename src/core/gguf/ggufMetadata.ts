// The GGUF metadata section, read bounded: every key and value is validated against the caps and
// the file's size, and only the values the pre-check's summary needs are kept (arrays by length).
import { BoundedReader, GgufPrecheckError } from "./boundedReader";
import { GGUF_SCALAR_SIZE, valueTypeName, type GgufScalarTypeName } from "./ggufTypes";

export type Kept = number | string | bigint | { arrayLength: number };

export interface MetadataCaps {
  stringBytes: number;
  arrayLength: number;
  arrayDepth: number;
}

/** Reads `kvCount` metadata entries; returns the kept values by key. */
export async function readMetadata(r: BoundedReader, file: string, kvCount: number, caps: MetadataCaps): Promise<Map<string, Kept>> {
  const kept = new Map<string, Kept>();
  const seen = new Set<string>();
  for (let i = 0; i < kvCount; i++) {
    const key = (await r.string(`metadata key #${i}`, Math.min(caps.stringBytes, 65_535)))!;
    if (seen.has(key)) throw new GgufPrecheckError("bad-metadata", `${file} repeats the metadata key "${key}".`);
    seen.add(key);
    const type = await r.u32(`the type of "${key}"`);
    const value = await readValue(r, key, type, caps, 0, wanted(key));
    if (value !== undefined) kept.set(key, value);
  }
  return kept;
}

const SUMMARY_KEY =
  /^(general\.(architecture|name|file_type|alignment)|tokenizer\.chat_template|tokenizer\.ggml\.tokens|[a-z0-9_]+\.(expert_count|expert_used_count|context_length|block_count|embedding_length))$/;
const wanted = (key: string): boolean => SUMMARY_KEY.test(key);

/** Reads (or skips) one metadata value of type code `type`; arrays keep only their length. */
async function readValue(
  r: BoundedReader,
  key: string,
  type: number,
  caps: MetadataCaps,
  depth: number,
  keep: boolean,
): Promise<Kept | undefined> {
  const name = valueTypeName(type);
  if (name === undefined) {
    throw new GgufPrecheckError("bad-value-type", `The GGUF metadata "${key}" has unknown value type ${type} (at byte ${r.pos - 4}).`);
  }
  if (name === "string") return r.string(`the value of "${key}"`, caps.stringBytes, keep);
  if (name !== "array") return readScalar(r, key, name, keep);

  if (depth >= caps.arrayDepth) {
    throw new GgufPrecheckError("array-too-deep", `The GGUF metadata "${key}" nests arrays more than ${caps.arrayDepth} deep.`);
  }
  const itemType = await r.u32(`the element type of "${key}"`);
  const itemName = valueTypeName(itemType);
  if (itemName === undefined)
    throw new GgufPrecheckError("bad-value-type", `The GGUF metadata array "${key}" has unknown element type ${itemType}.`);
  const length = await r.u64(`the length of "${key}"`);
  if (length > BigInt(caps.arrayLength)) {
    throw new GgufPrecheckError(
      "array-too-long",
      `The GGUF metadata array "${key}" declares ${length} elements (limit ${caps.arrayLength}).`,
    );
  }
  const n = Number(length);
  if (itemName !== "string" && itemName !== "array") {
    // Fixed-size elements: one overflow-safe size check, then skip without reading.
    r.skip(length * BigInt(GGUF_SCALAR_SIZE[itemName]), `the ${n} elements of "${key}"`);
  } else {
    // Each element needs at least its 8-byte length: refuse impossible counts before looping.
    r.require(length * 8n, `the ${n} elements of "${key}"`);
    for (let i = 0; i < n; i++) await readValue(r, `${key}[${i}]`, itemType, caps, depth + 1, false);
  }
  return keep ? { arrayLength: n } : undefined;
}

async function readScalar(
  r: BoundedReader,
  key: string,
  type: Exclude<GgufScalarTypeName, "string">,
  keep: boolean,
): Promise<Kept | undefined> {
  const size = GGUF_SCALAR_SIZE[type];
  if (!keep) {
    r.skip(size, `the value of "${key}"`);
    return undefined;
  }
  const b = await r.take(size, `the value of "${key}"`);
  switch (type) {
    case "u8":
    case "bool":
      return b.readUInt8(0);
    case "i8":
      return b.readInt8(0);
    case "u16":
      return b.readUInt16LE(0);
    case "i16":
      return b.readInt16LE(0);
    case "u32":
      return b.readUInt32LE(0);
    case "i32":
      return b.readInt32LE(0);
    case "f32":
      return b.readFloatLE(0);
    case "f64":
      return b.readDoubleLE(0);
    case "u64":
      return b.readBigUInt64LE(0);
    case "i64":
      return b.readBigInt64LE(0);
  }
}
