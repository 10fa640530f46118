// Refuses code a command can't sensibly send (binary, minified) and trims a huge selection to a
// character cap before the token budget does the exact cut (the cap keeps a 5 MB selection from
// ever reaching the tokenizer). The message says what happened and what to do.

// Control characters that text does not hold: all of C0 but tab, LF, VT, FF, CR and ESC (ANSI
// colours in a pasted log are text), and DEL. More than 1 % of them means bytes, not text.
const BINARY_CONTROL = /[\u0001-\u0008\u000e-\u001a\u001c-\u001f\u007f]/g;

export type CodeInputCheck =
  { ok: true; code: string; trimmed: false } | { ok: true; code: string; trimmed: true; notice: string } | { ok: false; reason: string };

export interface CodeInputOptions {
  /** Default 60,000 characters (~15k tokens: half of Mixtral's 32k context). */
  maxChars?: number;
  /** Default 1,000: longer lines mean minified or generated code. */
  maxLineLength?: number;
}

export function checkCodeInput(code: string, options: CodeInputOptions = {}): CodeInputCheck {
  const { maxChars = 60_000, maxLineLength = 1_000 } = options;
  if (code.trim() === "")
    return { ok: false, reason: "the selection is empty — select some code (or put the cursor inside a function) and try again." };
  const sample = code.slice(0, 8_192);
  if (sample.includes("\u0000"))
    return { ok: false, reason: "this looks like a binary file (it contains NUL bytes); Mixtral can only work on text." };
  const control = (sample.match(BINARY_CONTROL) ?? []).length;
  if (control / Math.max(1, sample.length) > 0.01)
    return { ok: false, reason: "this looks like a binary file (many control characters); Mixtral can only work on text." };
  const lines = code.split("\n");
  const long = lines.filter((l) => l.length > maxLineLength).length;
  if (long > 0 && long / lines.length > 0.2) {
    return {
      ok: false,
      reason: `this looks minified or generated (lines over ${maxLineLength} characters); open the original source, or select a smaller part.`,
    };
  }
  if (code.length > maxChars) {
    // Keep the start and the end with an explicit elision marker, cut at line boundaries.
    const head = code.slice(0, Math.floor(maxChars * 0.6));
    const tail = code.slice(code.length - Math.floor(maxChars * 0.35));
    const h = head.slice(0, head.lastIndexOf("\n") + 1);
    const t = tail.slice(tail.indexOf("\n") + 1);
    const dropped = code.length - h.length - t.length;
    const droppedLines = code.slice(h.length, code.length - t.length).split("\n").length - 1;
    return {
      ok: true,
      trimmed: true,
      code: `${h}… [${droppedLines} lines (${dropped} characters) omitted] …\n${t}`,
      notice: `the selection is too large (${code.length.toLocaleString("en-US")} characters); its start and end were sent, ${droppedLines} lines in the middle were left out.`,
    };
  }
  return { ok: true, code, trimmed: false };
}
