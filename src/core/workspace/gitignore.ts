// .gitignore rules, as git applies them: one file per folder, its patterns relative to that
// folder; a deeper file's rules and later lines win; `!` re-includes; a trailing "/" matches only
// folders; a pattern with a "/" before its end is anchored to its folder, one without matches at
// any depth. (A file inside an ignored folder cannot be re-included: the walker never enters it.)
import { globBody } from "./glob";

interface Rule {
  readonly regex: RegExp;
  readonly negate: boolean;
  readonly dirOnly: boolean;
}

/** The rules of one .gitignore file, relative to the folder that holds it ("" for the root). */
export interface IgnoreFile {
  readonly base: string;
  readonly rules: readonly Rule[];
}

/** Parses a .gitignore file's text; `base` is its folder relative to the root ("" or "a/b"). */
export function parseGitignore(text: string, base: string): IgnoreFile {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const rule = parseLine(raw);
    if (rule) rules.push(rule);
  }
  return { base, rules };
}

function parseLine(raw: string): Rule | undefined {
  // Trailing spaces are ignored unless escaped with a backslash.
  let line = raw.replace(/(?<!\\)\s+$/, "");
  if (!line || line.startsWith("#")) return undefined;
  let negate = false;
  if (line.startsWith("!")) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith("\\!") || line.startsWith("\\#")) line = line.slice(1);
  let dirOnly = false;
  if (line.endsWith("/")) {
    dirOnly = true;
    line = line.replace(/\/+$/, "");
  }
  if (!line) return undefined;
  const anchored = line.includes("/");
  if (line.startsWith("/")) line = line.slice(1);
  const body = globBody(line, false);
  const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
  return { regex, negate, dirOnly };
}

/**
 * Whether `relPath` (relative to the root, "/"-separated) is ignored by the stack of .gitignore
 * files that apply to it (root first, deepest last). Undefined when no rule speaks about it.
 */
export function isIgnored(stack: readonly IgnoreFile[], relPath: string, isDir: boolean): boolean {
  for (let f = stack.length - 1; f >= 0; f--) {
    const file = stack[f];
    if (file.base && !relPath.startsWith(file.base + "/")) continue;
    const local = file.base ? relPath.slice(file.base.length + 1) : relPath;
    for (let r = file.rules.length - 1; r >= 0; r--) {
      const rule = file.rules[r];
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(local)) return !rule.negate;
    }
  }
  return false;
}
