// @huggingface/jinja reports errors without a position ("Unexpected token: CloseExpression"), but a
// user fixing `mixtral.prompts.<name>` needs the line. We find it ourselves: each tag is parsed on
// its own, block tags are matched with a stack, and for errors at render time the first expression
// that fails the same way on its own is blamed.
import { Template } from "./jinja";

interface Tag {
  text: string;
  kind: "expression" | "statement" | "comment";
  line: number;
}

const TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;
const OPENERS = new Set(["if", "for", "macro", "call", "filter", "generation", "raw"]);

const lineAt = (source: string, index: number): number => source.slice(0, index).split("\n").length;

function scanTags(source: string): { tags: Tag[]; unterminatedLine?: number } {
  const tags: Tag[] = [];
  let last = 0;
  let unterminatedLine: number | undefined;
  for (const m of source.matchAll(TAG)) {
    const between = source.slice(last, m.index);
    const open = between.search(/\{\{|\{%|\{#/);
    if (open >= 0 && unterminatedLine === undefined) unterminatedLine = lineAt(source, last + open);
    const kind = m[0].startsWith("{{") ? "expression" : m[0].startsWith("{%") ? "statement" : "comment";
    tags.push({ text: m[0], kind, line: lineAt(source, m.index) });
    last = m.index + m[0].length;
  }
  const tail = source.slice(last).search(/\{\{|\{%|\{#/);
  if (tail >= 0 && unterminatedLine === undefined) unterminatedLine = lineAt(source, last + tail);
  return { tags, unterminatedLine };
}

const keyword = (statement: string): string => statement.replace(/^\{%-?\s*/, "").split(/[\s%-]/)[0] ?? "";

/** The 1-based line of a template's syntax error, when it can be found. */
export function locateSyntaxError(source: string): number | undefined {
  const { tags, unterminatedLine } = scanTags(source);
  const stack: Tag[] = [];
  for (const tag of tags) {
    if (tag.kind === "expression") {
      try {
        new Template(tag.text);
      } catch {
        return tag.line;
      }
      continue;
    }
    if (tag.kind !== "statement") continue;
    const word = keyword(tag.text);
    if (OPENERS.has(word) || (word === "set" && !tag.text.includes("="))) stack.push(tag);
    else if (word.startsWith("end")) {
      const opener = stack.pop();
      if (!opener || `end${keyword(opener.text)}` !== word) return tag.line;
    } else if (["elif", "else"].includes(word) && stack.length === 0) return tag.line;
    // A lone opener can be checked by closing it; a bad condition shows up here.
    if (OPENERS.has(word) && word !== "raw") {
      try {
        new Template(`${tag.text}{% end${word} %}`);
      } catch {
        return tag.line;
      }
    }
  }
  if (unterminatedLine !== undefined) return unterminatedLine;
  return stack.length > 0 ? stack[stack.length - 1].line : undefined;
}

/** The 1-based line of the first expression that fails on its own with `message`, if any. */
export function locateRenderError(source: string, variables: Record<string, unknown>, message: string): number | undefined {
  for (const tag of scanTags(source).tags) {
    if (tag.kind !== "expression") continue;
    try {
      new Template(tag.text).render(variables);
    } catch (err) {
      if ((err as Error).message === message) return tag.line;
    }
  }
  return undefined;
}
