// Picks the code from other open files that looks most like the code around the cursor (Jaccard
// similarity of identifier sets over sliding windows, as Copilot's "neighbouring tabs"), within a
// token budget. The result is sorted by file and line, never by score, so the same picks render
// to the same prompt text and keep the engine's KV prefix.
import { splitLines } from "./completionContext";
import type { DocumentSnapshot } from "./types";

export interface Snippet {
  path: string;
  /** Zero-based first line of the snippet in its file. */
  startLine: number;
  text: string;
  score: number;
}

export interface SnippetOptions {
  /** Token budget for all snippets together (estimated). Default 400. */
  maxTokens: number;
  /** Lines per window. Default 12. */
  windowLines: number;
  /** Most snippets. Default 3. */
  maxSnippets: number;
  /** Windows scoring below this are ignored. Default 0.1. */
  minScore: number;
  /** Files longer than this are skipped (generated or minified code). Default 200,000 chars. */
  maxFileChars: number;
}

export const DEFAULT_SNIPPET_OPTIONS: SnippetOptions = {
  maxTokens: 400,
  windowLines: 12,
  maxSnippets: 3,
  minScore: 0.1,
  maxFileChars: 200_000,
};

/** Token estimate without a tokenizer round trip (Mistral's SPM averages ~3.5 chars/token on code). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*/g;
// Keywords shared by every file of a language say nothing about similarity.
const STOP = new Set([
  "the",
  "if",
  "else",
  "for",
  "while",
  "return",
  "const",
  "let",
  "var",
  "function",
  "def",
  "class",
  "import",
  "from",
  "export",
  "new",
  "this",
  "self",
  "true",
  "false",
  "null",
  "None",
  "undefined",
  "in",
  "of",
  "and",
  "or",
  "not",
  "is",
  "int",
  "string",
  "void",
  "public",
  "private",
  "static",
]);

export function identifierSet(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(IDENT)) if (m[0].length > 1 && !STOP.has(m[0])) out.add(m[0]);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

export function selectSnippets(query: string, documents: readonly DocumentSnapshot[], options: Partial<SnippetOptions> = {}): Snippet[] {
  const o = { ...DEFAULT_SNIPPET_OPTIONS, ...options };
  const q = identifierSet(query);
  if (q.size === 0) return [];
  const candidates: Snippet[] = [];
  for (const doc of documents) {
    if (doc.text.length > o.maxFileChars) continue;
    const lines = splitLines(doc.text);
    const stride = Math.max(1, Math.floor(o.windowLines / 2));
    let best: Snippet | undefined;
    for (let start = 0; start < lines.length; start += stride) {
      const text = lines
        .slice(start, start + o.windowLines)
        .join("\n")
        .replace(/\s+$/, "");
      const score = jaccard(q, identifierSet(text));
      // Strictly greater: the earliest window wins a tie, deterministically.
      if (score >= o.minScore && (!best || score > best.score)) best = { path: doc.path, startLine: start, text, score };
      if (start + o.windowLines >= lines.length) break;
    }
    if (best) candidates.push(best);
  }
  candidates.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  const picked: Snippet[] = [];
  let budget = o.maxTokens;
  for (const c of candidates) {
    if (picked.length >= o.maxSnippets) break;
    const cost = estimateTokens(c.text) + estimateTokens(c.path) + 4;
    if (cost > budget) continue;
    budget -= cost;
    picked.push(c);
  }
  return picked.sort((a, b) => a.path.localeCompare(b.path) || a.startLine - b.startLine);
}
