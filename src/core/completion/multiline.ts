// Whether a suggestion may span several lines. Single-line by default: a multi-line guess in the
// middle of code is mostly noise. Multi-line where the next thing to write is a block body: the
// cursor is on an empty line right after a block opener, or at the end of a signature/opener line.
import type { CompletionContext } from "./completionContext";
import type { MultilineMode } from "./types";

// A line that opens a block: ends with {, (, [, : (Python), =>, or a keyword opener.
const OPENER = /(?:[{([:]|=>|\bdo|\bthen|\bbegin)\s*$/;
// A signature: function/def/class/method header, possibly already ending with an opener.
const SIGNATURE =
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:pub\s+)?(?:(?:function|def|class|fn|func|interface|impl|struct|enum)\b|(?:public|private|protected|static)\s).*[)\]>:{]\s*$/;

function lastNonBlankLine(before: string): string | undefined {
  const lines = before.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim().length > 0) return lines[i];
  return undefined;
}

export function isMultiline(ctx: CompletionContext, mode: MultilineMode): boolean {
  if (mode !== "auto") return mode === "always";
  // Only when nothing but whitespace follows the cursor on its line.
  if (ctx.lineSuffix.trim().length > 0) return false;
  if (ctx.linePrefix.trim().length === 0) {
    const prev = lastNonBlankLine(ctx.before);
    return prev !== undefined && OPENER.test(stripLineComment(prev));
  }
  return SIGNATURE.test(ctx.linePrefix) || /\)\s*(?:->\s*[^:{]+)?[{:]\s*$/.test(ctx.linePrefix) || /=>\s*\{\s*$/.test(ctx.linePrefix);
}

function stripLineComment(line: string): string {
  return line.replace(/\s+(?:\/\/|#).*$/, "");
}
