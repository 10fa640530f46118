// Turns the model's raw continuation of the cursor line into the text shown as ghost text, or
// into a reason to show nothing. Order matters: cut at the end of the line/block first, then drop
// what duplicates the code after the cursor, then balance, then judge what is left.
import { cloneState, initialState, OPENERS, scan } from "./codeScanner";
import type { CompletionContext } from "./completionContext";
import { isProse } from "./prose";

export type PostProcessResult = { ok: true; text: string } | { ok: false; reason: "empty" | "prose" | "repeated" };

export interface PostProcessOptions {
  multiline: boolean;
  /** Most lines of a multi-line suggestion. Default 16. */
  maxLines?: number;
  /** The prompt's code fence, which ends the answer (a server may send it past the stop string).
   *  Default "```". */
  fence?: string;
}

const indentOf = (line: string): number => {
  let n = 0;
  for (const c of line) {
    if (c === " ") n++;
    else if (c === "\t") n += 4;
    else break;
  }
  return n;
};
const isCloserLine = (line: string): boolean => /^\s*(?:[}\])]+[;,)]*|end\b.*)\s*$/.test(line);

/** Cuts a multi-line suggestion at the end of the block it opened or sits in. */
export function cutToBlock(text: string, ctx: CompletionContext, maxLines: number): string {
  const lines = text.split("\n");
  const firstFull = ctx.linePrefix + lines[0];
  const atOpener = ctx.linePrefix.trim().length > 0;
  // On an empty line inside a block, the block is as deep as the first line written there; at the
  // end of a signature, the body is anything deeper than the signature line.
  const firstCode = firstFull.trim().length > 0 ? firstFull : (lines.slice(1).find((l) => l.trim().length > 0) ?? "");
  const cursorIndent = atOpener ? indentOf(firstFull) : indentOf(firstCode);
  const nextAfter = ctx.afterLines.split("\n").find((l) => l.trim().length > 0);
  const out = [lines[0]];
  let blankRun = 0;
  for (let i = 1; i < lines.length && out.length < maxLines; i++) {
    const line = lines[i];
    if (line.trim().length === 0) {
      if (++blankRun >= 2) break;
      out.push(line);
      continue;
    }
    blankRun = 0;
    const indent = indentOf(line);
    if (atOpener ? indent <= cursorIndent : indent < cursorIndent) {
      // The block's closing line belongs to a signature's suggestion, unless it is already there.
      if (atOpener && isCloserLine(line) && nextAfter?.trim() !== line.trim()) out.push(line);
      break;
    }
    out.push(line);
  }
  return out.join("\n").replace(/\s+$/, "");
}

/** Removes the tail of the suggestion that the code after the cursor already holds. */
export function dropAfterDuplicate(text: string, ctx: CompletionContext, multiline: boolean): string {
  const suffix = ctx.lineSuffix.trim();
  if (!multiline || !text.includes("\n")) {
    if (suffix.length > 0) {
      const t = text.replace(/\s+$/, "");
      if (t.endsWith(suffix)) return t.slice(0, t.length - suffix.length);
      const at = t.indexOf(suffix);
      // The model wrote the rest of the line and then more: keep what precedes the duplicate.
      if (at > 0 && suffix.length >= 2) return t.slice(0, at);
    }
    return text;
  }
  const lines = text.split("\n");
  const after = ctx.afterLines
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (after.length === 0) return text;
  for (let i = 1; i < lines.length; i++) {
    const rest = lines
      .slice(i)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    if (rest.length > 0 && rest.every((l, k) => after[k] === l)) return lines.slice(0, i).join("\n").replace(/\s+$/, "");
  }
  return text;
}

/** Truncates at a closer that matches nothing; closes a string (and, for a single line that
 *  looks finished, round/square brackets) the suggestion itself opened. */
export function balance(text: string, ctx: CompletionContext, multiline: boolean): string {
  const state = initialState();
  scan(ctx.before, state, ctx.languageId);
  state.comment = false;
  scan(ctx.linePrefix, state, ctx.languageId);
  const start = cloneState(state);
  const bad = scan(text, state, ctx.languageId);
  let out = bad === undefined ? text : text.slice(0, bad).replace(/\s+$/, "");
  if (multiline || bad !== undefined) return out;
  const suffix = ctx.lineSuffix.trimStart();
  if (state.quote !== undefined && start.quote === undefined && !state.comment && !suffix.startsWith(state.quote)) out += state.quote;
  if (state.quote !== undefined) return out;
  const opened = state.stack.slice(start.stack.length);
  if (opened.length === 0 || /[{,([\s]$|[=+\-*/&|]$/.test(out)) return out;
  // The suffix's own closers belong to brackets opened before the cursor, so every bracket the
  // suggestion opened needs its closer here, whatever follows.
  let closers = "";
  for (const o of opened.reverse()) {
    if (o === "{") return out;
    closers += OPENERS[o];
  }
  return out + closers;
}

function inCommentOrString(ctx: CompletionContext): boolean {
  const state = initialState();
  scan(ctx.before, state, ctx.languageId);
  state.comment = false;
  scan(ctx.linePrefix, state, ctx.languageId);
  return state.comment || state.quote !== undefined;
}

function isRepeated(text: string, ctx: CompletionContext): boolean {
  const first = (ctx.linePrefix + text.split("\n")[0]).trim();
  if (first.length < 4) return false;
  const prev = ctx.before
    .split("\n")
    .reverse()
    .find((l) => l.trim().length > 0)
    ?.trim();
  const next = (ctx.lineSuffix.trim() ? ctx.lineSuffix : ctx.afterLines.split("\n").find((l) => l.trim().length > 0))?.trim();
  return first === prev || (ctx.linePrefix.trim().length === 0 && first === next);
}

/** Cuts a degenerate loop: the same non-trivial line twice in a row. */
function cutRepeats(text: string): string {
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t.length > 2 && !isCloserLine(t) && t === lines[i - 1].trim()) return lines.slice(0, i).join("\n");
  }
  return text;
}

export function postProcess(raw: string, ctx: CompletionContext, options: PostProcessOptions): PostProcessResult {
  let text = raw.replace(/\r\n?/g, "\n");
  for (const stop of [options.fence ?? "```", "[INST]", "[/INST]", "</s>"]) {
    const at = text.indexOf(stop);
    if (at >= 0) text = text.slice(0, at);
  }
  if (isProse(text, ctx.languageId, inCommentOrString(ctx))) return { ok: false, reason: "prose" };
  if (options.multiline) text = cutRepeats(cutToBlock(text, ctx, options.maxLines ?? 16));
  else {
    const nl = text.indexOf("\n");
    if (nl >= 0) text = text.slice(0, nl);
  }
  text = dropAfterDuplicate(text, ctx, options.multiline);
  text = balance(text, ctx, options.multiline).replace(/[ \t]+$/, "");
  if (text.trim().length === 0) return { ok: false, reason: "empty" };
  if (isRepeated(text, ctx)) return { ok: false, reason: "repeated" };
  return { ok: true, text };
}
