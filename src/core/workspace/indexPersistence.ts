// The index on disk: one file, `workspace-index.bin` in the storage folder:
//   1. a JSON line {"format": FORMAT_VERSION, "options": <hash of the options that shape the index>}
//   2. a JSON line: the files (size, mtime, chunks, symbols, interned references), the identifier
//      table and the BM25 index's term list
//   3. the BM25 index's postings, binary (Bm25Index.serialize), to the end of the file
// Written to a temporary file and renamed, so a crash leaves the old index or the new one. On
// load, anything unexpected (another format, other options, a torn or corrupt file, a chunk id the
// search index lacks) means "no index": the caller rebuilds; nothing from that file is trusted.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Chunk, FileSymbol } from "./chunker";
import { Bm25Index } from "./Bm25Index";
import { IndexStore, type IndexedFile, type SkippedFile } from "./IndexStore";
import type { IndexOptions, SymbolKind } from "./types";

/** Bump on any change to what is stored or how chunks and terms are made. */
export const FORMAT_VERSION = 2;
export const INDEX_FILE = "workspace-index.bin";

type StoredFile = [
  root: string,
  rel: string,
  size: number,
  mtimeMs: number,
  chunks: [number, number, number, string?][],
  symbols: [string, string, SymbolKind, number, number][],
  refs: number[],
];

export function optionsHash(options: IndexOptions): string {
  const shape = {
    format: FORMAT_VERSION,
    roots: options.roots.map((r) => [r.name, r.path]),
    excludeGlobs: [...options.excludeGlobs].sort(),
    maxFileBytes: options.maxFileBytes,
    maxFiles: options.maxFiles,
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 16);
}

export async function saveIndex(store: IndexStore, options: IndexOptions): Promise<void> {
  if (!options.storageDir) return;
  await fs.promises.mkdir(options.storageDir, { recursive: true });
  const target = path.join(options.storageDir, INDEX_FILE);
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  const files: StoredFile[] = [];
  for (const f of store.files.values()) {
    const chunks = f.chunkIds.map((id) => {
      const c = store.chunks.get(id)!;
      return c.symbol ? [id, c.startLine, c.endLine, c.symbol] : [id, c.startLine, c.endLine];
    }) as StoredFile[4];
    files.push([
      f.root,
      f.rel,
      f.size,
      f.mtimeMs,
      chunks,
      f.symbols.map((s) => [s.name, s.qualified, s.kind, s.startLine, s.endLine]),
      [...f.refs],
    ]);
  }
  const { termList, bytes } = store.search.serialize();
  const handle = await fs.promises.open(temp, "w");
  try {
    await handle.write(JSON.stringify({ format: FORMAT_VERSION, options: optionsHash(options) }) + "\n");
    await handle.write(JSON.stringify({ identifiers: store.identifiers, files, skipped: [...store.skipped], terms: termList }) + "\n");
    await handle.write(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, target);
}

/** The stored index, or undefined when there is none usable (missing, older, other options, corrupt). */
export async function loadIndex(options: IndexOptions): Promise<IndexStore | undefined> {
  if (!options.storageDir) return undefined;
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(path.join(options.storageDir, INDEX_FILE));
  } catch {
    return undefined;
  }
  try {
    return parseIndex(bytes, optionsHash(options));
  } catch {
    return undefined;
  }
}

function parseIndex(bytes: Buffer, hash: string): IndexStore | undefined {
  const first = bytes.indexOf(10);
  const second = first < 0 ? -1 : bytes.indexOf(10, first + 1);
  if (second < 0) return undefined;
  const header = JSON.parse(bytes.toString("utf8", 0, first)) as { format?: unknown; options?: unknown };
  if (header.format !== FORMAT_VERSION || header.options !== hash) return undefined;
  const body = JSON.parse(bytes.toString("utf8", first + 1, second)) as {
    identifiers: unknown;
    files: unknown;
    skipped: unknown;
    terms: unknown;
  };
  if (
    !Array.isArray(body.identifiers) ||
    !Array.isArray(body.files) ||
    !Array.isArray(body.terms) ||
    !body.terms.every((t) => typeof t === "string")
  )
    return undefined;
  const search = Bm25Index.deserialize(body.terms as string[], bytes.subarray(second + 1));
  const store = new IndexStore(search);
  if (!body.identifiers.every((s) => typeof s === "string")) return undefined;
  store.restoreIdentifiers(body.identifiers as string[]);
  for (const stored of body.files as unknown[]) {
    const restored = restoreFile(stored, store.identifiers.length);
    if (!restored || !restored.file.chunkIds.every((id) => search.has(id))) return undefined;
    store.restoreFile(restored.file, restored.chunks);
  }
  if (!Array.isArray(body.skipped)) return undefined;
  for (const entry of body.skipped as unknown[]) {
    const [key, skip] = Array.isArray(entry) ? (entry as [unknown, SkippedFile]) : [];
    if (
      typeof key !== "string" ||
      typeof skip?.size !== "number" ||
      typeof skip.mtimeMs !== "number" ||
      !SKIP_REASONS.includes(skip.reason)
    )
      return undefined;
    store.skipped.set(key, { size: skip.size, mtimeMs: skip.mtimeMs, reason: skip.reason });
  }
  return store;
}

const SKIP_REASONS: readonly SkippedFile["reason"][] = ["binary", "minified", "tooLarge", "unreadable"];

function restoreFile(stored: unknown, identifierCount: number): { file: IndexedFile; chunks: Chunk[] } | undefined {
  if (!Array.isArray(stored) || stored.length !== 7) return undefined;
  const [root, rel, size, mtimeMs, chunks, symbols, refs] = stored as StoredFile;
  if (typeof root !== "string" || typeof rel !== "string" || typeof size !== "number" || typeof mtimeMs !== "number") return undefined;
  if (!Array.isArray(chunks) || !Array.isArray(symbols) || !Array.isArray(refs)) return undefined;
  if (!refs.every((r) => Number.isInteger(r) && r >= 0 && r < identifierCount)) return undefined;
  const restoredChunks: Chunk[] = [];
  const chunkIds: number[] = [];
  for (const c of chunks) {
    if (!Array.isArray(c) || !Number.isInteger(c[0]) || !Number.isInteger(c[1]) || !Number.isInteger(c[2])) return undefined;
    chunkIds.push(c[0]);
    restoredChunks.push(
      typeof c[3] === "string"
        ? { startLine: c[1], endLine: c[2], symbol: c[3], names: [] }
        : { startLine: c[1], endLine: c[2], names: [] },
    );
  }
  const fileSymbols: FileSymbol[] = [];
  for (const s of symbols) {
    if (
      !Array.isArray(s) ||
      typeof s[0] !== "string" ||
      typeof s[1] !== "string" ||
      typeof s[2] !== "string" ||
      !Number.isInteger(s[3]) ||
      !Number.isInteger(s[4])
    )
      return undefined;
    fileSymbols.push({ name: s[0], qualified: s[1], kind: s[2], startLine: s[3], endLine: s[4] });
  }
  return { file: { root, rel, size, mtimeMs, chunkIds, symbols: fileSymbols, refs: Uint32Array.from(refs) }, chunks: restoredChunks };
}
