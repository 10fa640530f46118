// The diff between the editable region and the model's rewrite of it, as one replacement in the
// document: the smallest span that differs (common prefix and suffix taken off, by character),
// and the text that replaces it. An answer equal to the region suggests nothing.

export interface NextEditSuggestion {
  /** Document offsets of the replaced text (start === end for a pure insertion). */
  start: number;
  end: number;
  /** The replaced text (what the document holds there now; checked before applying). */
  removed: string;
  /** What replaces it. */
  inserted: string;
}

/** The model writes "\n"; a CRLF region gets its answer in CRLF too. */
export function matchLineEndings(original: string, rewritten: string): string {
  if (!original.includes("\r\n")) return rewritten;
  return rewritten.replace(/\r?\n/g, "\r\n");
}

export function suggestionFromRegions(original: string, rewritten: string, regionStart: number): NextEditSuggestion | undefined {
  const next = matchLineEndings(original, rewritten);
  if (next === original) return undefined;
  let prefix = 0;
  const limit = Math.min(original.length, next.length);
  while (prefix < limit && original[prefix] === next[prefix]) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && original[original.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;
  // Never split a CRLF or a surrogate pair between the kept and the replaced parts.
  while (prefix > 0 && (isLowSurrogate(original, prefix) || (original[prefix - 1] === "\r" && original[prefix] === "\n"))) prefix--;
  while (
    suffix > 0 &&
    (isLowSurrogate(original, original.length - suffix) ||
      (original[original.length - suffix - 1] === "\r" && original[original.length - suffix] === "\n"))
  )
    suffix--;
  return {
    start: regionStart + prefix,
    end: regionStart + original.length - suffix,
    removed: original.slice(prefix, original.length - suffix),
    inserted: next.slice(prefix, next.length - suffix),
  };
}

function isLowSurrogate(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The document text with the suggestion applied (the benchmark's exactness check, the tests). */
export function applySuggestion(text: string, s: NextEditSuggestion): string {
  return text.slice(0, s.start) + s.inserted + text.slice(s.end);
}
