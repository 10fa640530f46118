// Cuts the text around the cursor into the pieces the prompt is built from, so that consecutive
// keystrokes change as little of the prompt as possible (the engine reuses the KV cache of the
// longest unchanged token prefix; everything after the first changed token is evaluated again):
//
// - `linePrefix` (the current line up to the cursor) is the only piece that changes on every
//   keystroke; it goes last, into the primed answer, never into the instruction.
// - `before` holds the lines ABOVE the current line. It does not change while the user types on a
//   line, and pressing Enter only appends one line to it. Its first line is snapped to a grid of
//   `windowStep` lines, so the window slides once every `windowStep` lines instead of on each Enter.
// - `after` (rest of the current line + following lines) does not change while typing at the
//   cursor, because insertions happen before it.
import type { CursorSnapshot } from "./types";

export interface ContextOptions {
  /** Lines above the cursor line kept at least (the window holds up to this + windowStep). Default 48. */
  beforeLines: number;
  /** Lines after the cursor line. Default 16. */
  afterLines: number;
  /** Grid the before-window's first line snaps to. Default 16. */
  windowStep: number;
  /** Cap on the before-window, in characters. Default 4000 (~1,100 tokens). */
  maxBeforeChars: number;
  /** Cap on the after-window, in characters. Default 1200. */
  maxAfterChars: number;
  /** Longer lines are cut (deterministically, so the cut never moves). Default 400. */
  maxLineChars: number;
}

export const DEFAULT_CONTEXT_OPTIONS: ContextOptions = {
  beforeLines: 48,
  afterLines: 16,
  windowStep: 16,
  maxBeforeChars: 4000,
  maxAfterChars: 1200,
  maxLineChars: 400,
};

export interface CompletionContext {
  uri: string;
  path: string;
  languageId: string;
  /** Lines above the cursor line, each ending with "\n" (empty when the cursor is on line 0 of the window). */
  before: string;
  /** Text of the cursor line up to the cursor. */
  linePrefix: string;
  /** Text of the cursor line after the cursor. */
  lineSuffix: string;
  /** Lines after the cursor line, joined with "\n". */
  afterLines: string;
  /** First line of the before-window (for snippet queries and tests). */
  windowStart: number;
  line: number;
  character: number;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

const cut = (line: string, max: number): string => (line.length > max ? line.slice(0, max) : line);

export function buildCompletionContext(doc: CursorSnapshot, options: Partial<ContextOptions> = {}): CompletionContext {
  const o = { ...DEFAULT_CONTEXT_OPTIONS, ...options };
  const lines = splitLines(doc.text);
  const line = Math.min(Math.max(doc.line, 0), lines.length - 1);
  const current = lines[line] ?? "";
  const character = Math.min(Math.max(doc.character, 0), current.length);

  const step = Math.max(1, o.windowStep);
  let start = Math.max(0, Math.floor((line - o.beforeLines) / step) * step);
  const above = (from: number) => lines.slice(from, line).map((l) => cut(l, o.maxLineChars) + "\n");
  let beforeParts = above(start);
  // Over the character cap: advance by whole grid steps so the start stays on the grid.
  while (start < line && beforeParts.reduce((n, l) => n + l.length, 0) > o.maxBeforeChars) {
    start = Math.min(line, start + step);
    beforeParts = above(start);
  }

  const afterParts: string[] = [];
  let afterChars = 0;
  for (let i = line + 1; i < lines.length && afterParts.length < o.afterLines; i++) {
    const l = cut(lines[i], o.maxLineChars);
    if (afterChars + l.length + 1 > o.maxAfterChars) break;
    afterParts.push(l);
    afterChars += l.length + 1;
  }

  return {
    uri: doc.uri,
    path: doc.path,
    languageId: doc.languageId,
    before: beforeParts.join(""),
    linePrefix: current.slice(0, character),
    lineSuffix: current.slice(character),
    // Trailing blank lines carry nothing and would render as empty lines in the prompt.
    afterLines: afterParts.join("\n").replace(/\s+$/, ""),
    windowStart: start,
    line,
    character,
  };
}

/** The lines the snippet search looks for elsewhere: the last `queryLines` lines above a grid
 *  point at or below the cursor line, so the query (and the snippets) change once per grid step. */
export function snippetQuery(doc: CursorSnapshot, queryLines = 24, step = 8): string {
  const lines = splitLines(doc.text);
  let end = Math.min(lines.length, Math.floor(doc.line / step) * step);
  // Near the top of the file there is no grid point above the cursor yet: use what is there.
  if (end === 0) end = Math.min(lines.length, doc.line);
  return lines.slice(Math.max(0, end - queryLines), end).join("\n");
}
