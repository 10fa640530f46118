// Cuts a file into the chunks the index ranks: one per definition that fits in MAX_CHUNK_LINES
// (its doc comment included), a large class cut into its members plus the lines between them,
// and windows of WINDOW_LINES for the code between definitions and for files without a grammar.
import type { GrammarLoader } from "./treeSitter";
import { languageOf } from "./languages";
import { extractSymbols, type SymbolNode } from "./symbols";
import type { SymbolKind } from "./types";

export const MAX_CHUNK_LINES = 80;
export const WINDOW_LINES = 40;
/** Files larger than this are cut into windows without parsing (parsing them costs seconds). */
export const MAX_PARSE_BYTES = 512 * 1024;

/** Lines are 1-based and inclusive. */
export interface Chunk {
  readonly startLine: number;
  readonly endLine: number;
  /** The definition the chunk belongs to ("Class.method"); none for windows between definitions. */
  readonly symbol?: string;
  /** The simple names of every definition that starts inside the chunk. */
  readonly names: readonly string[];
}

export interface FileSymbol {
  readonly name: string;
  readonly qualified: string;
  readonly kind: SymbolKind;
  readonly startLine: number;
  readonly endLine: number;
}

export interface FileAnalysis {
  readonly chunks: Chunk[];
  readonly symbols: FileSymbol[];
}

/** Chunks and symbols of one file's text. */
export async function analyzeFile(relPath: string, text: string, grammars: GrammarLoader): Promise<FileAnalysis> {
  const lineCount = countLines(text);
  const spec = text.length <= MAX_PARSE_BYTES ? languageOf(relPath) : undefined;
  const parser = spec ? await grammars.parserFor(spec.grammar) : undefined;
  if (!spec || !parser) return { chunks: windows(1, lineCount, undefined, []), symbols: [] };
  const tree = parser.parse(text);
  if (!tree) return { chunks: windows(1, lineCount, undefined, []), symbols: [] };
  try {
    const tops = extractSymbols(tree.rootNode, spec);
    const symbols: FileSymbol[] = [];
    flatten(tops, symbols);
    return { chunks: chunkRange(1, lineCount, tops, undefined), symbols };
  } finally {
    tree.delete();
  }
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return text.endsWith("\n") ? n - 1 : n;
}

function flatten(nodes: readonly SymbolNode[], out: FileSymbol[]): void {
  for (const n of nodes) {
    out.push({ name: n.name, qualified: n.qualified, kind: n.kind, startLine: n.startRow + 1, endLine: n.endRow + 1 });
    flatten(n.children, out);
  }
}

function namesIn(node: SymbolNode, out: string[] = []): string[] {
  out.push(node.name);
  for (const c of node.children) namesIn(c, out);
  return out;
}

/** Chunks for lines start..end holding the (sorted, non-overlapping) definitions `nodes`. */
function chunkRange(start: number, end: number, nodes: readonly SymbolNode[], owner: SymbolNode | undefined): Chunk[] {
  const out: Chunk[] = [];
  let cursor = start;
  for (const node of nodes) {
    const first = Math.max(node.startRow + 1, cursor);
    const last = Math.min(node.endRow + 1, end);
    if (last < first) continue;
    out.push(...windows(cursor, first - 1, owner?.qualified, owner ? [] : []));
    const size = last - first + 1;
    if (size <= MAX_CHUNK_LINES) out.push({ startLine: first, endLine: last, symbol: node.qualified, names: namesIn(node) });
    else if (node.children.length) out.push(...withHeader(chunkRange(first, last, node.children, node), node));
    else out.push(...withHeader(windows(first, last, node.qualified, []), node));
    cursor = last + 1;
  }
  out.push(...windows(cursor, end, owner?.qualified, []));
  return out;
}

/** The first chunk of a cut-up definition carries its name, so the name finds it. */
function withHeader(chunks: Chunk[], node: SymbolNode): Chunk[] {
  if (chunks.length) chunks[0] = { ...chunks[0], names: [node.name, ...chunks[0].names] };
  return chunks;
}

/** Windows of WINDOW_LINES over lines start..end (none when end < start). */
export function windows(start: number, end: number, symbol: string | undefined, names: readonly string[]): Chunk[] {
  const out: Chunk[] = [];
  for (let s = start; s <= end; s += WINDOW_LINES) {
    const e = Math.min(end, s + WINDOW_LINES - 1);
    // A short tail joins the window before it.
    if (out.length && e - s < WINDOW_LINES / 4) {
      const prev = out.pop()!;
      out.push({ ...prev, endLine: e });
      break;
    }
    out.push(symbol ? { startLine: s, endLine: e, symbol, names } : { startLine: s, endLine: e, names });
  }
  return out;
}
