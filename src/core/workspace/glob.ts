// Glob patterns to regular expressions, for the two dialects the index reads: VS Code's
// files.exclude / search.exclude globs and .gitignore lines. Both match "/"-separated paths
// relative to a base folder; `*` and `?` never cross a "/", `**` does.

/** One glob (`*`, `?`, `**`, `[...]`, and `{a,b}` when `braces`) as the body of a regex. */
export function globBody(glob: string, braces = true): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const atStart = i === 0 || glob[i - 1] === "/";
        const atEnd = i + 2 === glob.length || glob[i + 2] === "/";
        i++;
        if (atStart && atEnd) {
          // "**/" matches zero or more folders; a trailing "**" everything below.
          if (glob[i + 1] === "/") {
            out += "(?:.*/)?";
            i++;
          } else out += ".*";
          continue;
        }
      }
      out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
        continue;
      }
      let cls = glob.slice(i + 1, close).replace(/\\/g, "\\\\");
      if (cls[0] === "!") cls = "^" + cls.slice(1);
      out += `[${cls}]`;
      i = close;
    } else if (c === "\\" && i + 1 < glob.length) {
      out += escapeChar(glob[++i]);
    } else if (braces && c === "{") {
      out += "(?:";
      depth++;
    } else if (braces && c === "}" && depth > 0) {
      out += ")";
      depth--;
    } else if (braces && c === "," && depth > 0) out += "|";
    else out += escapeChar(c);
  }
  return out + ")".repeat(depth);
}

function escapeChar(c: string): string {
  return /[.+^${}()|[\]\\*?]/.test(c) ? `\\${c}` : c;
}

/**
 * A files.exclude / search.exclude glob (relative to the root, as VS Code reads them): it matches
 * a path or any folder above it, so `**∕node_modules` leaves out everything inside.
 */
export function excludeGlobToRegExp(glob: string): RegExp {
  const trimmed = glob.replace(/^\.\//, "").replace(/\/+$/, "");
  return new RegExp(`^${globBody(trimmed)}(?:/.*)?$`);
}

/** Whether a root-relative path is left out by any of the compiled exclude globs. */
export function matchesAny(patterns: readonly RegExp[], relPath: string): boolean {
  for (const p of patterns) if (p.test(relPath)) return true;
  return false;
}
