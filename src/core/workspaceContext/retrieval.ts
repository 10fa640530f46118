// What the chat retrieves from the workspace index for a message: `@workspace` (the best chunks
// for the question) or, with mixtral.workspace.autoContext, the definitions of the symbols the
// message names. Pure: the index and the budget come in, attachments (file:lines chips) go out.
import type { Attachment } from "../../shared/protocol";
import { estimateTokens } from "../completion/snippets";
import type { SearchHit, SymbolLocation } from "../workspace/types";

/** `@workspace` typed (or picked from the `@` list) anywhere in the message, as a word. */
const WORKSPACE_MENTION = /(^|\s)@workspace(?=$|[\s,.:;!?])/gi;

export function mentionsWorkspace(text: string): boolean {
  WORKSPACE_MENTION.lastIndex = 0;
  return WORKSPACE_MENTION.test(text);
}

/** The message without its `@workspace` mentions (what is searched for and sent to the model). */
export function withoutWorkspaceMention(text: string): string {
  return text
    .replace(WORKSPACE_MENTION, "$1")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/** Names in a message that look like code symbols: in backticks, or camelCase, PascalCase with
 *  a second capital, snake_case, or followed by "(" — not plain words. Order of appearance. */
export function symbolCandidates(text: string, max = 12): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if (s.length >= 3 && s.length <= 100 && out.size < max) out.add(s);
  };
  for (const m of text.matchAll(/`([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\(\))?`/g)) add(m[1]);
  for (const m of text.matchAll(/\b[A-Za-z_$][\w$]*\b/g)) {
    const w = m[0];
    const after = text[m.index + w.length];
    if (/[a-z][A-Z]/.test(w) || /^[A-Z][a-z0-9]+[A-Z]/.test(w) || /[a-zA-Z0-9]_[a-zA-Z0-9]/.test(w) || after === "(") add(w);
  }
  return [...out];
}

const LANGUAGES: Record<string, string> = {
  ts: "typescript",
  tsx: "typescriptreact",
  js: "javascript",
  jsx: "javascriptreact",
  mjs: "javascript",
  cjs: "javascript",
  py: "python",
  go: "go",
  rs: "rust",
  java: "java",
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  cxx: "cpp",
  hpp: "cpp",
  cs: "csharp",
  rb: "ruby",
  php: "php",
  kt: "kotlin",
  swift: "swift",
  md: "markdown",
  json: "json",
  yml: "yaml",
  yaml: "yaml",
  sh: "shellscript",
  css: "css",
  html: "html",
  sql: "sql",
  toml: "toml",
};

export function languageOf(path: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? "";
  return LANGUAGES[ext] ?? "plaintext";
}

export interface CodeChunk {
  root: string;
  path: string;
  startLine: number;
  endLine: number;
  text: string;
}

/** The path a chip and the prompt show: prefixed with the folder's name in a multi-root workspace. */
export function displayPath(chunk: Pick<CodeChunk, "root" | "path">, multiRoot: boolean): string {
  return multiRoot ? `${chunk.root}/${chunk.path}` : chunk.path;
}

/**
 * Chunks best first within `budgetTokens` (estimated, with the chip's header), as attachments. A
 * chunk inside one already taken (or the same lines) is skipped; one too large for what is left
 * is skipped in favour of smaller ones after it.
 */
export function chunksWithinBudget(chunks: readonly CodeChunk[], budgetTokens: number, multiRoot: boolean, maxChunks = 8): Attachment[] {
  const taken: CodeChunk[] = [];
  let left = budgetTokens;
  for (const c of chunks) {
    if (taken.length >= maxChunks) break;
    if (taken.some((t) => t.root === c.root && t.path === c.path && t.startLine <= c.startLine && t.endLine >= c.endLine)) continue;
    const cost = estimateTokens(c.text) + estimateTokens(c.path) + 8;
    if (cost > left) continue;
    left -= cost;
    taken.push(c);
  }
  return taken.map((c) => ({
    fileName: displayPath(c, multiRoot),
    languageId: languageOf(c.path),
    startLine: c.startLine,
    endLine: c.endLine,
    code: c.text,
  }));
}

/** Definitions as chunks, those in `excludePath` (the file the user is in) left out. */
export function definitionChunks(defs: readonly SymbolLocation[], exclude?: { root: string; path: string }): CodeChunk[] {
  return defs.filter((d) => !(exclude && d.root === exclude.root && d.path === exclude.path));
}

export function hitChunks(hits: readonly SearchHit[]): CodeChunk[] {
  return [...hits];
}
