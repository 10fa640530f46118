// Pulls the code out of a model answer for commands that apply it (refactor, document).
// Mixtral usually wraps code in a fenced block, sometimes with prose around it; occasionally it
// answers with bare code. We take the longest fenced block (the answer's main code), or the whole
// answer when there is no fence, and never prose-only text.

const FENCE = /^(\s*)(`{3,}|~{3,})([^\n`]*)\n([\s\S]*?)\n\1\2\s*$/gm;

export interface ExtractedCode {
  code: string;
  language?: string;
  /** True when the answer had no fence and was taken whole. */
  unfenced: boolean;
}

export function extractCode(answer: string): ExtractedCode | undefined {
  let best: ExtractedCode | undefined;
  for (const m of answer.matchAll(FENCE)) {
    const code = m[4] ?? "";
    if (!best || code.length > best.code.length) best = { code, language: (m[3] ?? "").trim() || undefined, unfenced: false };
  }
  if (best) return best;
  // An unclosed fence (answer cut short): take what follows the opening line.
  const open = /^(\s*)(`{3,}|~{3,})([^\n`]*)\n([\s\S]*)$/m.exec(answer);
  if (open) return { code: open[4] ?? "", language: (open[3] ?? "").trim() || undefined, unfenced: false };
  const trimmed = answer.trim();
  if (!trimmed || looksLikeProse(trimmed)) return undefined;
  return { code: trimmed, unfenced: true };
}

/** A crude but safe test: several sentences of words with few code symbols. */
export function looksLikeProse(text: string): boolean {
  const symbols = (text.match(/[{}();=<>[\]]/g) ?? []).length;
  const words = (text.match(/\b[A-Za-z]{2,}\b/g) ?? []).length;
  const sentences = (text.match(/[a-z][.!?](\s|$)/g) ?? []).length;
  return sentences >= 1 && symbols / Math.max(1, words) < 0.05;
}

/** Re-indents `code` so its least-indented line starts at `indent` (the replaced range's). */
export function reindent(code: string, indent: string): string {
  const lines = code.replace(/\r\n/g, "\n").split("\n");
  const widths = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const min = widths.length ? Math.min(...widths) : 0;
  return lines.map((l) => (l.trim() ? indent + l.slice(min) : "")).join("\n");
}

/** The code of an answer still being written, to show it as it comes: the complete lines of its
 *  first fenced block, up to the closing fence. Undefined before a fence opens: whether an answer
 *  without one is code is only known at its end (extractCode decides then). */
export function streamedCode(partial: string): string | undefined {
  const open = /^([ \t]*)(`{3,}|~{3,})[^\n`]*\n/m.exec(partial);
  if (!open) return undefined;
  const close = new RegExp(`^[ \\t]*${open[2][0] === "`" ? "`" : "~"}{${open[2].length},}[ \\t]*\\r?\\n$`);
  let code = "";
  let at = open.index + open[0].length;
  for (let nl = partial.indexOf("\n", at); nl !== -1; nl = partial.indexOf("\n", at)) {
    const line = partial.slice(at, nl + 1);
    if (close.test(line)) break;
    code += line;
    at = nl + 1;
  }
  return code;
}
