// Bounded pure-TypeScript GGUF pre-check, run before any native code opens a model file.
// llama.cpp aborts the process on some malformed files, and node-llama-cpp's own reader allocates
// whatever lengths a file declares; here every count, length and offset is checked against caps
// and the file's size (u64 values as BigInt), reading the header a chunk at a time.
import { open, type FileHandle } from "node:fs/promises";
import * as path from "node:path";
import { BoundedReader, GgufPrecheckError, HINT_NOT_GGUF, HINT_REDOWNLOAD } from "./boundedReader";
import {
  GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_SCALAR_SIZE, LLAMA_FILE_TYPE_NAMES,
  ggmlTypeByCode, valueTypeName, type GgufScalarTypeName,
} from "./ggufTypes";

export { GgufPrecheckError, type GgufRefusalReason } from "./boundedReader";

export interface GgufPrecheckOptions {
  /** Default 65,536 (Mixtral has 995 tensors). */
  readonly maxTensorCount?: number;
  /** Default 65,536 metadata keys. */
  readonly maxKvCount?: number;
  /** Longest metadata string value, tensor name or key in bytes. Default 16 MiB. */
  readonly maxStringBytes?: number;
  /** Most elements in one metadata array. Default 4,194,304 (vocabularies are ≤ 256k). */
  readonly maxArrayLength?: number;
  /** Deepest nesting of arrays of arrays. Default 3. */
  readonly maxArrayDepth?: number;
}

export interface GgufSummary {
  readonly filePath: string;
  readonly fileSize: number;
  readonly version: number;
  readonly tensorCount: number;
  readonly kvCount: number;
  readonly alignment: number;
  /** Absolute offset of the tensor data section. */
  readonly dataOffset: number;
  readonly architecture?: string;
  readonly name?: string;
  readonly expertCount?: number;
  readonly expertUsedCount?: number;
  readonly contextLength?: number;
  readonly blockCount?: number;
  readonly embeddingLength?: number;
  /** `general.file_type` as a name ("Q4_K_M"), else the type holding most tensor bytes. */
  readonly fileTypeName?: string;
  readonly chatTemplate?: string;
  readonly vocabSize?: number;
  /** Tensor count per ggml type name. */
  readonly tensorTypes: Readonly<Record<string, number>>;
  readonly tensorDataBytes: number;
}

const MAX_NAME_BYTES = 63; // GGML_MAX_NAME − 1: llama.cpp refuses longer tensor names
const MAX_DIMS = 4;
const INT64_MAX = (1n << 63n) - 1n;
const OLD_EXPERT_TENSOR = /^blk\.(\d+)\.ffn_(gate|up|down)\.(\d+)\.weight$/;

type Kept = number | string | bigint | { arrayLength: number };

/** Validate a GGUF file's structure and summarise it; throws GgufPrecheckError (an InvalidModelFileError). */
export async function precheckGguf(filePath: string, options: GgufPrecheckOptions = {}): Promise<GgufSummary> {
  const caps = {
    tensors: options.maxTensorCount ?? 65_536,
    kvs: options.maxKvCount ?? 65_536,
    stringBytes: options.maxStringBytes ?? 16 << 20,
    arrayLength: options.maxArrayLength ?? 1 << 22,
    arrayDepth: options.maxArrayDepth ?? 3,
  };
  let fh: FileHandle;
  try {
    fh = await open(filePath, "r");
  } catch (err) {
    throw new GgufPrecheckError("empty", `Cannot open the model file ${filePath}: ${(err as Error).message}`,
      "Check the path in mixtral.modelPath, or choose the model again.");
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw new GgufPrecheckError("not-gguf", `${filePath} is not a regular file.`, HINT_NOT_GGUF);
    return await parse(new BoundedReader(fh, stat.size), filePath, caps);
  } finally {
    await fh.close();
  }
}

async function parse(r: BoundedReader, filePath: string, caps: {
  tensors: number; kvs: number; stringBytes: number; arrayLength: number; arrayDepth: number;
}): Promise<GgufSummary> {
  const file = path.basename(filePath);
  if (r.size === 0) throw new GgufPrecheckError("empty", `${file} is empty (0 bytes).`, HINT_REDOWNLOAD);
  if (r.size < 4) throw new GgufPrecheckError("truncated", `${file} is only ${r.size} bytes long: too short for a GGUF header.`);
  const magic = await r.u32("the magic");
  if (magic !== GGUF_MAGIC) throw new GgufPrecheckError("not-gguf", `${file} does not start with "GGUF" (${describeMagic(magic)}).`, HINT_NOT_GGUF);
  const version = await r.u32("the version");
  if (version === 0x03000000 || version === 0x02000000) {
    throw new GgufPrecheckError("unsupported-version", `${file} is a big-endian GGUF; this machine needs a little-endian one.`, HINT_NOT_GGUF);
  }
  if (version !== 2 && version !== 3) {
    throw new GgufPrecheckError("unsupported-version",
      `${file} is GGUF version ${version}; only versions 2 and 3 are supported.`,
      version === 1 ? "GGUF v1 is obsolete: re-download the file in a current conversion." : HINT_REDOWNLOAD);
  }
  const tensorCount = await r.u64("the tensor count");
  const kvCount = await r.u64("the metadata key count");
  if (tensorCount > BigInt(caps.tensors)) {
    throw new GgufPrecheckError("too-many-tensors", `${file} declares ${tensorCount} tensors (limit ${caps.tensors}).`);
  }
  if (kvCount > BigInt(caps.kvs)) {
    throw new GgufPrecheckError("too-many-kv", `${file} declares ${kvCount} metadata keys (limit ${caps.kvs}).`);
  }

  // Metadata: keep only the values the summary needs; validate and skip the rest.
  const kept = new Map<string, Kept>();
  const seen = new Set<string>();
  for (let i = 0; i < Number(kvCount); i++) {
    const key = (await r.string(`metadata key #${i}`, Math.min(caps.stringBytes, 65_535)))!;
    if (seen.has(key)) throw new GgufPrecheckError("bad-metadata", `${file} repeats the metadata key "${key}".`);
    seen.add(key);
    const type = await r.u32(`the type of "${key}"`);
    const value = await readValue(r, key, type, caps, 0, wanted(key));
    if (value !== undefined) kept.set(key, value);
  }

  const alignmentValue = kept.get("general.alignment") ?? GGUF_DEFAULT_ALIGNMENT;
  const alignment = Number(alignmentValue);
  if (typeof alignmentValue !== "number" || alignment === 0 || (alignment & (alignment - 1)) !== 0) {
    throw new GgufPrecheckError("bad-metadata", `${file} has general.alignment ${String(alignmentValue)}, not a power of two.`);
  }

  // Tensor infos.
  const tensors: { name: string; type: string; offset: bigint; bytes: bigint }[] = [];
  const names = new Set<string>();
  for (let i = 0; i < Number(tensorCount); i++) {
    const name = (await r.string(`the name of tensor #${i}`, caps.stringBytes))!;
    const bad = (why: string): GgufPrecheckError => new GgufPrecheckError("bad-tensor", `${file}: tensor "${name.slice(0, 80)}" ${why}.`);
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw bad(`has a name longer than ${MAX_NAME_BYTES} bytes`);
    if (names.has(name)) throw bad("appears twice");
    names.add(name);
    const nDims = await r.u32(`the dimension count of "${name}"`);
    if (nDims < 1 || nDims > MAX_DIMS) throw bad(`has ${nDims} dimensions (1 to ${MAX_DIMS} allowed)`);
    const dims: bigint[] = [];
    for (let d = 0; d < nDims; d++) dims.push(await r.u64(`dimension ${d} of "${name}"`));
    const typeCode = await r.u32(`the type of "${name}"`);
    const offset = await r.u64(`the data offset of "${name}"`);
    const type = ggmlTypeByCode(typeCode);
    if (!type) throw bad(`has unknown tensor type ${typeCode}`);
    let elements = 1n;
    for (const d of dims) {
      if (d > INT64_MAX) throw bad(`has a negative dimension (${d})`);
      elements *= d;
      if (elements > INT64_MAX) throw bad(`has dimensions ${dims.join(" × ")} whose product overflows 64 bits`);
    }
    if (dims[0] % BigInt(type.info.blockSize) !== 0n) {
      throw bad(`has rows of ${dims[0]} values, not a multiple of ${type.name}'s block of ${type.info.blockSize}`);
    }
    if (offset % BigInt(alignment) !== 0n) throw bad(`has data offset ${offset}, not aligned to ${alignment}`);
    tensors.push({ name, type: type.name, offset, bytes: (elements / BigInt(type.info.blockSize)) * BigInt(type.info.typeSize) });
  }

  const dataOffset = Math.ceil(r.pos / alignment) * alignment;
  const dataSize = BigInt(r.size) - BigInt(dataOffset);
  if (tensors.length > 0 && dataSize < 0n) throw r.truncated("the padding before the tensor data", dataOffset - r.pos);
  const tensorTypes: Record<string, number> = {};
  const typeBytes = new Map<string, bigint>();
  let tensorDataBytes = 0n;
  for (const t of tensors) {
    const end = t.offset + t.bytes;
    if (end > dataSize) {
      const past = t.offset >= dataSize;
      throw new GgufPrecheckError("tensor-out-of-bounds",
        `${file}: tensor "${t.name}" ${past ? `starts at data offset ${t.offset}, past the end of the file` : `needs bytes up to data offset ${end}, but the file ends at ${dataSize}`} (the file is ${r.size} bytes; tensor data starts at byte ${dataOffset}).`,
        past ? HINT_REDOWNLOAD : "The download is incomplete: re-download the file.");
    }
    tensorTypes[t.type] = (tensorTypes[t.type] ?? 0) + 1;
    typeBytes.set(t.type, (typeBytes.get(t.type) ?? 0n) + t.bytes);
    tensorDataBytes += t.bytes;
  }

  const arch = typeof kept.get("general.architecture") === "string" ? (kept.get("general.architecture") as string) : undefined;
  checkExpertLayout(file, names);
  const num = (key: string): number | undefined => {
    const v = kept.get(arch ? `${arch}.${key}` : key);
    return typeof v === "number" ? v : typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  };
  const fileType = kept.get("general.file_type");
  const dominant = [...typeBytes].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))[0]?.[0];
  const tokens = kept.get("tokenizer.ggml.tokens");
  return {
    filePath, fileSize: r.size, version, tensorCount: tensors.length, kvCount: Number(kvCount), alignment, dataOffset,
    architecture: arch,
    name: typeof kept.get("general.name") === "string" ? (kept.get("general.name") as string) : undefined,
    expertCount: num("expert_count"),
    expertUsedCount: num("expert_used_count"),
    contextLength: num("context_length"),
    blockCount: num("block_count"),
    embeddingLength: num("embedding_length"),
    fileTypeName: (typeof fileType === "number" ? LLAMA_FILE_TYPE_NAMES[fileType] : undefined) ?? dominant,
    chatTemplate: typeof kept.get("tokenizer.chat_template") === "string" ? (kept.get("tokenizer.chat_template") as string) : undefined,
    vocabSize: typeof tokens === "object" ? tokens.arrayLength : undefined,
    tensorTypes,
    tensorDataBytes: Number(tensorDataBytes),
  };
}

const SUMMARY_KEY = /^(general\.(architecture|name|file_type|alignment)|tokenizer\.chat_template|tokenizer\.ggml\.tokens|[a-z0-9_]+\.(expert_count|expert_used_count|context_length|block_count|embedding_length))$/;
const wanted = (key: string): boolean => SUMMARY_KEY.test(key);

/** Reads (or skips) one metadata value of type code `type`; arrays keep only their length. */
async function readValue(
  r: BoundedReader, key: string, type: number,
  caps: { stringBytes: number; arrayLength: number; arrayDepth: number }, depth: number, keep: boolean,
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
  if (itemName === undefined) throw new GgufPrecheckError("bad-value-type", `The GGUF metadata array "${key}" has unknown element type ${itemType}.`);
  const length = await r.u64(`the length of "${key}"`);
  if (length > BigInt(caps.arrayLength)) {
    throw new GgufPrecheckError("array-too-long", `The GGUF metadata array "${key}" declares ${length} elements (limit ${caps.arrayLength}).`);
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

async function readScalar(r: BoundedReader, key: string, type: Exclude<GgufScalarTypeName, "string">, keep: boolean): Promise<Kept | undefined> {
  const size = GGUF_SCALAR_SIZE[type];
  if (!keep) { r.skip(size, `the value of "${key}"`); return undefined; }
  const b = await r.take(size, `the value of "${key}"`);
  switch (type) {
    case "u8": case "bool": return b.readUInt8(0);
    case "i8": return b.readInt8(0);
    case "u16": return b.readUInt16LE(0);
    case "i16": return b.readInt16LE(0);
    case "u32": return b.readUInt32LE(0);
    case "i32": return b.readInt32LE(0);
    case "f32": return b.readFloatLE(0);
    case "f64": return b.readDoubleLE(0);
    case "u64": return b.readBigUInt64LE(0);
    case "i64": return b.readBigInt64LE(0);
  }
}

/** Dec-2023 Mixtral GGUFs store one tensor per expert; current llama.cpp refuses them. */
function checkExpertLayout(file: string, names: ReadonlySet<string>): void {
  for (const name of names) {
    const m = OLD_EXPERT_TENSOR.exec(name);
    if (m && !names.has(`blk.${m[1]}.ffn_${m[2]}_exps.weight`)) {
      throw new GgufPrecheckError("old-expert-layout",
        `${file} stores each Mixtral expert as a separate tensor (${name}), the layout of the first GGUFs from December 2023; the llama.cpp in this extension needs merged expert tensors (blk.${m[1]}.ffn_${m[2]}_exps.weight) and refuses the file ("missing tensor").`,
        "Download a current conversion of the model (re-converted after March 2024), or convert it again with llama.cpp's convert_hf_to_gguf.py.");
    }
  }
}

function describeMagic(magic: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(magic);
  const text = bytes.toString("latin1");
  if (text === "lmgg" || text === "fmgg" || text === "tjgg") return "an old GGML/GGJT model from before GGUF";
  if (text.startsWith("PK")) return "a ZIP archive, e.g. a PyTorch checkpoint";
  if (text.startsWith("{") || text.startsWith("<")) return "a text or HTML file, perhaps an error page saved by a download";
  if (bytes[3] === 0 && bytes.readUInt32LE(0) > 0) return "possibly a safetensors file";
  return `found bytes ${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`;
}
