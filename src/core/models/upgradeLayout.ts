// Upgrades an old-layout Mixtral GGUF (December 2023: one tensor per expert,
// `blk.N.ffn_{gate,up,down}.E.weight`) to the merged layout this llama.cpp needs
// (`blk.N.ffn_{gate,up,down}_exps.weight`, 3-D with the expert as the outermost dimension).
// A ggml 3-D tensor {ne0, ne1, nExpert} is the experts' 2-D tensors one after another, so the
// upgrade only moves bytes: nothing is re-quantized. It streams into `<file>.partial` beside the
// file, checks the result with the bounded pre-check, then renames it over the original.
import { open, rename, rm, statfs, type FileHandle } from "node:fs/promises";
import * as path from "node:path";
import { InvalidModelFileError, MixtralError } from "../errors";
import { BoundedReader } from "../gguf/boundedReader";
import { GgufPrecheckError, precheckGguf } from "../gguf/ggufPrecheck";
import { ggmlTypeByCode, valueTypeName, GGUF_SCALAR_SIZE } from "../gguf/ggufTypes";
import { GgufByteBuilder } from "../gguf/ggufBytes";
import { fmtGB } from "./fit";

export interface UpgradeOptions {
  /** Default: replace `filePath` itself (the "in place" upgrade). */
  outputPath?: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Free bytes in a folder; default fs.statfs. */
  freeSpace?: (dir: string) => Promise<number>;
}

export type UpgradeResult =
  { status: "upgraded"; path: string; mergedTensors: number } | { status: "alreadyCurrent"; path: string } | { status: "cancelled" };

interface TensorInfo {
  name: string;
  dims: bigint[];
  typeCode: number;
  offset: bigint;
  bytes: number;
}
interface OutTensor {
  name: string;
  dims: bigint[];
  typeCode: number;
  parts: TensorInfo[];
}

const OLD = /^blk\.(\d+)\.ffn_(gate|up|down)\.(\d+)\.weight$/;
const COPY_CHUNK = 16 << 20;

/** Whether the pre-check refuses the file for its old expert layout (other problems rethrow). */
export async function needsLayoutUpgrade(filePath: string): Promise<boolean> {
  try {
    await precheckGguf(filePath);
    return false;
  } catch (err) {
    if (err instanceof GgufPrecheckError && err.reason === "old-expert-layout") return true;
    throw err;
  }
}

export async function upgradeLayout(filePath: string, options: UpgradeOptions = {}): Promise<UpgradeResult> {
  // The bounded pre-check has validated every count and offset when it reports the old layout,
  // so the header walk below can trust the structure.
  if (!(await needsLayoutUpgrade(filePath))) return { status: "alreadyCurrent", path: filePath };
  const output = path.resolve(options.outputPath ?? filePath);
  const partial = `${output}.partial`;
  const src = await open(filePath, "r");
  try {
    const size = (await src.stat()).size;
    const header = await readHeader(src, size);
    const out = mergeExperts(header.tensors);
    await ensureFreeSpace(filePath, path.dirname(output), size, options.freeSpace);
    const { head, offsets } = upgradedHeader(header, out);
    const dst = await open(partial, "w");
    let cancelled = false;
    try {
      await dst.write(head, 0, head.length, 0);
      const total = header.tensors.reduce((a, t) => a + t.bytes, 0);
      let done = 0;
      const buf = Buffer.allocUnsafe(COPY_CHUNK);
      for (let i = 0; i < out.length && !cancelled; i++) {
        let at = head.length + offsets[i];
        for (const part of out[i].parts) {
          for (let off = 0; off < part.bytes; off += COPY_CHUNK) {
            if (options.signal?.aborted) {
              cancelled = true;
              break;
            }
            const n = Math.min(COPY_CHUNK, part.bytes - off);
            const { bytesRead } = await src.read(buf, 0, n, header.dataOffset + Number(part.offset) + off);
            if (bytesRead !== n)
              throw new InvalidModelFileError(
                `${path.basename(filePath)} ended while its tensor ${part.name} was being copied.`,
                "The file is incomplete: download it again.",
              );
            await dst.write(buf, 0, n, at);
            at += n;
            done += n;
            options.onProgress?.(done / total);
          }
          if (cancelled) break;
        }
      }
      if (!cancelled) {
        await dst.truncate(head.length + offsets[out.length - 1] + out[out.length - 1].parts.reduce((a, p) => a + p.bytes, 0));
        await dst.sync();
      }
    } finally {
      await dst.close();
    }
    if (cancelled) {
      await rm(partial, { force: true });
      return { status: "cancelled" };
    }
    await precheckGguf(partial).catch(async (err: unknown) => {
      await rm(partial, { force: true });
      throw err;
    });
    await src.close().catch(() => undefined);
    await rename(partial, output);
    return { status: "upgraded", path: output, mergedTensors: out.filter((t) => t.parts.length > 1).length };
  } finally {
    await src.close().catch(() => undefined);
    await rm(partial, { force: true }).catch(() => undefined);
  }
}

/** Refuses the upgrade when `dir` cannot hold a second copy of the file (`size` bytes). */
async function ensureFreeSpace(filePath: string, dir: string, size: number, freeSpace?: (dir: string) => Promise<number>): Promise<void> {
  const free = await (
    freeSpace ??
    (async (d: string) => {
      const s = await statfs(d);
      return s.bavail * s.bsize;
    })
  )(dir);
  if (free < size) {
    throw new MixtralError(
      `Not enough disk space to upgrade ${path.basename(filePath)}: needs ${fmtGB(size)}, ${fmtGB(free)} free in ${dir}.`,
      "Free some space (the upgrade writes a new copy beside the file, then replaces it).",
    );
  }
}

/** The upgraded file's header (the old metadata, the merged tensor table, padded to the
 *  alignment) and each output tensor's offset in the data section. */
function upgradedHeader(header: Awaited<ReturnType<typeof readHeader>>, out: OutTensor[]): { head: Buffer; offsets: number[] } {
  const w = new GgufByteBuilder().u32(header.magic).u32(header.version).u64(out.length).u64(header.kvCount).bytes(header.metadata);
  const offsets: number[] = [];
  let pos = 0;
  for (const t of out) {
    const bytes = t.parts.reduce((a, p) => a + p.bytes, 0);
    w.str(t.name).u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.typeCode).u64(pos);
    offsets.push(pos);
    pos = Math.ceil((pos + bytes) / header.alignment) * header.alignment;
  }
  w.pad(header.alignment);
  return { head: w.toBuffer(), offsets };
}

/** Groups blk.N.ffn_K.E.weight (E = 0..n-1, same type and shape) into blk.N.ffn_K_exps.weight. */
function mergeExperts(tensors: TensorInfo[]): OutTensor[] {
  const groups = new Map<string, TensorInfo[]>();
  for (const t of tensors) {
    const m = OLD.exec(t.name);
    if (!m) continue;
    const key = `blk.${m[1]}.ffn_${m[2]}_exps.weight`;
    const list = groups.get(key) ?? [];
    list[Number(m[3])] = t;
    groups.set(key, list);
  }
  const out: OutTensor[] = [];
  const emitted = new Set<string>();
  for (const t of tensors) {
    const m = OLD.exec(t.name);
    if (!m) {
      out.push({ name: t.name, dims: t.dims, typeCode: t.typeCode, parts: [t] });
      continue;
    }
    const key = `blk.${m[1]}.ffn_${m[2]}_exps.weight`;
    if (emitted.has(key)) continue;
    emitted.add(key);
    const parts = groups.get(key)!;
    const first = parts[0];
    const same =
      first && parts.every((p) => p && p.typeCode === first.typeCode && p.dims.length === 2 && p.dims.join() === first.dims.join());
    if (!same || parts.length < 2) {
      throw new InvalidModelFileError(
        `Cannot upgrade: the experts of ${key} are missing, or differ in type or shape.`,
        "Download a current conversion of the model instead.",
      );
    }
    out.push({ name: key, dims: [...first.dims, BigInt(parts.length)], typeCode: first.typeCode, parts });
  }
  return out;
}

async function readHeader(fh: FileHandle, size: number) {
  const r = new BoundedReader(fh, size);
  const magic = await r.u32("magic");
  const version = await r.u32("version");
  const tensorCount = Number(await r.u64("tensor count"));
  const kvCount = Number(await r.u64("kv count"));
  const metaStart = r.pos;
  let alignment = 32;
  for (let i = 0; i < kvCount; i++) {
    const key = (await r.string("key", 1 << 16))!;
    const type = await r.u32("type");
    if (key === "general.alignment" && type === 4) alignment = await r.u32("alignment");
    else await skipValue(r, type);
  }
  const metaEnd = r.pos;
  const tensors: TensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = (await r.string("tensor name", 1 << 16))!;
    const nDims = await r.u32("dims");
    const dims: bigint[] = [];
    for (let d = 0; d < nDims; d++) dims.push(await r.u64("dim"));
    const typeCode = await r.u32("type");
    const offset = await r.u64("offset");
    const t = ggmlTypeByCode(typeCode)!.info;
    const elements = dims.reduce((a, b) => a * b, 1n);
    tensors.push({ name, dims, typeCode, offset, bytes: Number((elements / BigInt(t.blockSize)) * BigInt(t.typeSize)) });
  }
  const dataOffset = Math.ceil(r.pos / alignment) * alignment;
  const metaBuf = Buffer.alloc(metaEnd - metaStart);
  await fh.read(metaBuf, 0, metaBuf.length, metaStart);
  return { magic, version, kvCount, metadata: metaBuf, tensors, alignment, dataOffset };
}

async function skipValue(r: BoundedReader, type: number): Promise<void> {
  const name = valueTypeName(type);
  if (name === "string") {
    await r.string("value", Number.MAX_SAFE_INTEGER, false);
    return;
  }
  if (name === "array") {
    const item = await r.u32("item type");
    const n = Number(await r.u64("length"));
    const itemName = valueTypeName(item);
    if (itemName && itemName !== "string" && itemName !== "array") {
      r.skip(n * GGUF_SCALAR_SIZE[itemName], "array");
      return;
    }
    for (let i = 0; i < n; i++) await skipValue(r, item);
    return;
  }
  if (!name) throw new InvalidModelFileError(`unknown GGUF value type ${type}`);
  r.skip(GGUF_SCALAR_SIZE[name], "value");
}
