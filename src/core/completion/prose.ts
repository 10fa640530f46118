// Tells a chatty answer ("Sure, here is the completed function:") from code. An instruct model
// sometimes talks instead of completing; such an answer is discarded, never shown as ghost text.

// How chat answers open. Matched at the start of the suggestion, case-insensitive.
const CHAT_OPENERS =
  /^(?:sure\b|certainly\b|of course\b|here(?: is|'s| are)\b|i (?:have|will|would|can|think|'ll|'d|'m)\b|the (?:code|completion|completed|above|following|function|missing)\b|this (?:code|function|will|is)\b|to complete\b|as an ai\b|note:|explanation:|okay\b|great\b|you can\b|let me\b|in this\b|based on\b)/i;

// Languages whose content is prose: nothing to discard there.
const PROSE_LANGUAGES = new Set(["markdown", "plaintext", "latex", "restructuredtext", "asciidoc", "scminput", "git-commit"]);

/** A sentence: a capitalised word, four or more words, ends like a sentence, no code punctuation. */
export function looksLikeSentence(line: string): boolean {
  const t = line.trim();
  if (!/^[A-Z][a-z']*\b/.test(t)) return false;
  if (/[(){}[\];=<>`|&^$\\]/.test(t)) return false;
  if (!/[.!?:]$/.test(t)) return false;
  return t.split(/\s+/).filter((w) => /^[A-Za-z',-]+[.,!?:]?$/.test(w)).length >= 5;
}

/**
 * @param text the suggestion (continuing the cursor line)
 * @param inCommentOrString the cursor sits in a comment or a string, where prose is expected
 */
export function isProse(text: string, languageId: string, inCommentOrString: boolean): boolean {
  if (PROSE_LANGUAGES.has(languageId) || inCommentOrString) return false;
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) return false;
  if (CHAT_OPENERS.test(lines[0])) return true;
  const comment = /^(?:\/\/|#|\/\*|\*|--|<!--|;)/;
  const code = lines.filter((l) => !comment.test(l));
  if (code.length === 0) return false;
  const sentences = code.filter(looksLikeSentence).length;
  // One sentence as the whole answer, or mostly sentences: the model is explaining.
  return sentences > 0 && sentences * 2 >= code.length;
}
