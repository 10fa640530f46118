// A small lexical scanner: open brackets, whether we are inside a string or a line comment.
// Enough to keep suggestions balanced and to tell code from prose; not a parser.

export interface ScanState {
  /** Open brackets, innermost last. */
  stack: string[];
  /** The quote character of the string we are in, if any. */
  quote?: string;
  /** Inside a line comment (until the end of the line). */
  comment: boolean;
}

export const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const CLOSERS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const HASH_COMMENT = new Set([
  "python",
  "shellscript",
  "ruby",
  "perl",
  "r",
  "yaml",
  "toml",
  "makefile",
  "dockerfile",
  "powershell",
  "coffeescript",
  "julia",
  "elixir",
  "nim",
]);
const DASH_COMMENT = new Set(["sql", "lua", "haskell", "ada", "elm"]);

export function lineCommentTokens(languageId: string): string[] {
  if (HASH_COMMENT.has(languageId)) return ["#"];
  if (DASH_COMMENT.has(languageId)) return ["--"];
  return ["//"];
}

export function initialState(): ScanState {
  return { stack: [], comment: false };
}

/** Scans `text` from `state` (mutated). Returns the index of the first closer that matches no
 *  opener (or the wrong one), if any; scanning stops there. */
export function scan(text: string, state: ScanState, languageId: string): number | undefined {
  const comments = lineCommentTokens(languageId);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      state.comment = false;
      // Only template literals (and Python's triple quotes, approximated) run across lines.
      if (state.quote !== undefined && state.quote !== "`") state.quote = undefined;
      continue;
    }
    if (state.comment) continue;
    if (state.quote !== undefined) {
      if (c === "\\") i++;
      else if (c === state.quote) state.quote = undefined;
      continue;
    }
    if (comments.some((t) => text.startsWith(t, i))) {
      state.comment = true;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      // An apostrophe inside a word (Rust lifetimes, "don't" in code) does not open a string.
      if (c === "'" && i > 0 && /[A-Za-z0-9_]/.test(text[i - 1])) continue;
      state.quote = c;
      continue;
    }
    if (c in OPENERS) state.stack.push(c);
    else if (c in CLOSERS) {
      if (state.stack[state.stack.length - 1] !== CLOSERS[c]) return i;
      state.stack.pop();
    }
  }
  return undefined;
}

export function cloneState(s: ScanState): ScanState {
  return { stack: [...s.stack], quote: s.quote, comment: s.comment };
}
