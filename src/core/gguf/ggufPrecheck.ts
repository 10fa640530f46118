// Bounded pure-TypeScript GGUF pre-check, run before any native code opens a model file.
// llama.cpp aborts the process on some malformed files, and node-llama-cpp's own reader allocates
// whatever lengths a file declares; here every count, length and offset is checked against caps
// and the file's size (u64 values as BigInt), reading the header a chunk at a time.
import { open, type FileHandle } from "node:fs/promises";
import * as path from "node:path";
import { BoundedReader, GgufPrecheckError, HINT_NOT_GGUF, HINT_REDOWNLOAD } from "./boundedReader";
import { readMetadata, type Kept, type MetadataCaps } from "./ggufMetadata";
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, LLAMA_FILE_TYPE_NAMES, ggmlTypeByCode } from "./ggufTypes";

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
    throw new GgufPrecheckError(
      "empty",
      `Cannot open the model file ${filePath}: ${(err as Error).message}`,
      "Check the path in mixtral.modelPath, or choose the model again.",
    );
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw new GgufPrecheckError("not-gguf", `${filePath} is not a regular file.`, HINT_NOT_GGUF);
    return await parse(new BoundedReader(fh, stat.size), filePath, caps);
  } finally {
    await fh.close();
  }
}

interface Caps extends MetadataCaps {
  tensors: number;
  kvs: number;
}

interface TensorInfo {
  name: string;
  type: string;
  offset: bigint;
  bytes: bigint;
}

async function parse(r: BoundedReader, filePath: string, caps: Caps): Promise<GgufSummary> {
  const file = path.basename(filePath);
  const { version, tensorCount, kvCount } = await readHeader(r, file, caps);
  // Metadata: keep only the values the summary needs; validate and skip the rest.
  const kept = await readMetadata(r, file, kvCount, caps);
  const alignment = alignmentOf(kept, file);
  const { tensors, names } = await readTensorInfos(r, file, tensorCount, alignment, caps);
  const data = checkTensorData(r, file, tensors, alignment);
  checkExpertLayout(file, names);
  return summarize(kept, { filePath, fileSize: r.size, version, tensorCount: tensors.length, kvCount, alignment, ...data });
}

async function readHeader(r: BoundedReader, file: string, caps: Caps): Promise<{ version: number; tensorCount: number; kvCount: number }> {
  if (r.size === 0) throw new GgufPrecheckError("empty", `${file} is empty (0 bytes).`, HINT_REDOWNLOAD);
  if (r.size < 4) throw new GgufPrecheckError("truncated", `${file} is only ${r.size} bytes long: too short for a GGUF header.`);
  const magic = await r.u32("the magic");
  if (magic !== GGUF_MAGIC)
    throw new GgufPrecheckError("not-gguf", `${file} does not start with "GGUF" (${describeMagic(magic)}).`, HINT_NOT_GGUF);
  const version = await r.u32("the version");
  if (version === 0x03000000 || version === 0x02000000) {
    throw new GgufPrecheckError(
      "unsupported-version",
      `${file} is a big-endian GGUF; this machine needs a little-endian one.`,
      HINT_NOT_GGUF,
    );
  }
  if (version !== 2 && version !== 3) {
    throw new GgufPrecheckError(
      "unsupported-version",
      `${file} is GGUF version ${version}; only versions 2 and 3 are supported.`,
      version === 1 ? "GGUF v1 is obsolete: re-download the file in a current conversion." : HINT_REDOWNLOAD,
    );
  }
  const tensorCount = await r.u64("the tensor count");
  const kvCount = await r.u64("the metadata key count");
  if (tensorCount > BigInt(caps.tensors)) {
    throw new GgufPrecheckError("too-many-tensors", `${file} declares ${tensorCount} tensors (limit ${caps.tensors}).`);
  }
  if (kvCount > BigInt(caps.kvs)) {
    throw new GgufPrecheckError("too-many-kv", `${file} declares ${kvCount} metadata keys (limit ${caps.kvs}).`);
  }
  return { version, tensorCount: Number(tensorCount), kvCount: Number(kvCount) };
}

function alignmentOf(kept: Map<string, Kept>, file: string): number {
  const alignmentValue = kept.get("general.alignment") ?? GGUF_DEFAULT_ALIGNMENT;
  const alignment = Number(alignmentValue);
  if (typeof alignmentValue !== "number" || alignment === 0 || (alignment & (alignment - 1)) !== 0) {
    throw new GgufPrecheckError("bad-metadata", `${file} has general.alignment ${String(alignmentValue)}, not a power of two.`);
  }
  return alignment;
}

async function readTensorInfos(
  r: BoundedReader,
  file: string,
  tensorCount: number,
  alignment: number,
  caps: Caps,
): Promise<{ tensors: TensorInfo[]; names: Set<string> }> {
  const tensors: TensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
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
  return { tensors, names };
}

/** Every tensor's data lies inside the file; counts and bytes per type. */
function checkTensorData(r: BoundedReader, file: string, tensors: TensorInfo[], alignment: number) {
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
      throw new GgufPrecheckError(
        "tensor-out-of-bounds",
        `${file}: tensor "${t.name}" ${past ? `starts at data offset ${t.offset}, past the end of the file` : `needs bytes up to data offset ${end}, but the file ends at ${dataSize}`} (the file is ${r.size} bytes; tensor data starts at byte ${dataOffset}).`,
        past ? HINT_REDOWNLOAD : "The download is incomplete: re-download the file.",
      );
    }
    tensorTypes[t.type] = (tensorTypes[t.type] ?? 0) + 1;
    typeBytes.set(t.type, (typeBytes.get(t.type) ?? 0n) + t.bytes);
    tensorDataBytes += t.bytes;
  }
  const dominantType = [...typeBytes].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))[0]?.[0];
  return { dataOffset, tensorTypes, tensorDataBytes: Number(tensorDataBytes), dominantType };
}

type Structure = Pick<
  GgufSummary,
  "filePath" | "fileSize" | "version" | "tensorCount" | "kvCount" | "alignment" | "dataOffset" | "tensorTypes" | "tensorDataBytes"
> & { dominantType?: string };

/** The summary: the file's structure plus the kept metadata values. */
function summarize(kept: Map<string, Kept>, structure: Structure): GgufSummary {
  const { dominantType, tensorTypes, tensorDataBytes, ...header } = structure;
  const text = (key: string): string | undefined => (typeof kept.get(key) === "string" ? (kept.get(key) as string) : undefined);
  const arch = text("general.architecture");
  const num = (key: string): number | undefined => {
    const v = kept.get(arch ? `${arch}.${key}` : key);
    return typeof v === "number" ? v : typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  };
  const fileType = kept.get("general.file_type");
  const tokens = kept.get("tokenizer.ggml.tokens");
  return {
    ...header,
    architecture: arch,
    name: text("general.name"),
    expertCount: num("expert_count"),
    expertUsedCount: num("expert_used_count"),
    contextLength: num("context_length"),
    blockCount: num("block_count"),
    embeddingLength: num("embedding_length"),
    fileTypeName: (typeof fileType === "number" ? LLAMA_FILE_TYPE_NAMES[fileType] : undefined) ?? dominantType,
    chatTemplate: text("tokenizer.chat_template"),
    vocabSize: typeof tokens === "object" ? tokens.arrayLength : undefined,
    tensorTypes,
    tensorDataBytes,
  };
}

/** Dec-2023 Mixtral GGUFs store one tensor per expert; current llama.cpp refuses them. */
function checkExpertLayout(file: string, names: ReadonlySet<string>): void {
  for (const name of names) {
    const m = OLD_EXPERT_TENSOR.exec(name);
    if (m && !names.has(`blk.${m[1]}.ffn_${m[2]}_exps.weight`)) {
      throw new GgufPrecheckError(
        "old-expert-layout",
        `${file} stores each Mixtral expert as a separate tensor (${name}), the layout of the first GGUFs from December 2023; the llama.cpp in this extension needs merged expert tensors (blk.${m[1]}.ffn_${m[2]}_exps.weight) and refuses the file ("missing tensor").`,
        "Download a current conversion of the model (re-converted after March 2024), or convert it again with llama.cpp's convert_hf_to_gguf.py.",
      );
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
