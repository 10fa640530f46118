// Refuses content that would waste the context or confuse the model before it is counted: binary
// data (a NUL byte, or many control characters / U+FFFD from decoding non-text bytes) and minified or
// generated files (lines longer than a cap). Cheap checks on characters; budgets themselves are in tokens.
import { ContentRefusedError } from "../errors";

export interface ContentCheckOptions {
  /** Longest line accepted, in characters. Default 1000 (hand-written code stays far below). */
  maxLineLength?: number;
  /** How the content is named in messages, e.g. "src/app.min.js". Default "the selection". */
  label?: string;
}

/** Share of suspicious characters above which text counts as binary. */
const BINARY_RATIO = 0.1;
const SAMPLE = 65536;

// Control characters other than tab, LF, VT, FF, CR and ESC (ANSI colours in logs), plus U+FFFD.
const SUSPICIOUS = /[\u0001-\u0008\u000e-\u001a\u001c-\u001f\u007f\ufffd]/g;

export function isProbablyBinary(text: string): boolean {
  if (text.includes("\u0000")) return true;
  const sample = text.slice(0, SAMPLE);
  if (sample.length === 0) return false;
  const suspicious = sample.match(SUSPICIOUS)?.length ?? 0;
  return suspicious / sample.length > BINARY_RATIO;
}

/** Throws ContentRefusedError for binary or minified content; returns nothing for usable text. */
export function checkCodeContent(text: string, options: ContentCheckOptions = {}): void {
  const label = options.label ?? "the selection";
  const cap = options.maxLineLength ?? 1000;
  if (isProbablyBinary(text)) {
    throw new ContentRefusedError(`${capital(label)} looks like binary data, not text, so it was not sent to the model.`, "Select source code or text.");
  }
  let lineNo = 1;
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    const length = (end < 0 ? text.length : end) - start;
    if (length > cap) {
      throw new ContentRefusedError(
        `Line ${lineNo} of ${label} is ${length} characters long (limit ${cap}); it looks minified or generated, so it was not sent to the model.`,
        "Use the unminified source, or select a smaller part.",
      );
    }
    if (end < 0) return;
    start = end + 1;
    lineNo++;
  }
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
