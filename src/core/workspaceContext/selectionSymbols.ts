// Which names a selection uses that may be defined elsewhere (so "explain" can be told what a
// called function does), and those definitions as the templates' `snippets`, within a budget.
// Pure: the adapter asks the index for each name's definitions.
import { estimateTokens } from "../completion/snippets";
import type { Snippet } from "../prompt/templates";
import type { SymbolLocation } from "../workspace/types";

// Words every language's code is full of; looking them up finds nothing useful.
const KEYWORDS = new Set(
  (
    "abstract and any as assert async await boolean break byte case catch char class const continue def default del delete do double elif else enum " +
    "except export extends false final finally float for from func function go if impl implements import in instanceof int interface is lambda let " +
    "long match mod mut namespace new nil none not null number object of or package pass private protected pub public raise return self static " +
    "string struct super switch this throw throws true try type typeof undefined use using var void while with yield Self None True False String " +
    "Object Array Promise Error Map Set console print len range str list dict println fmt std"
  ).split(" "),
);

/**
 * Identifiers the code uses, most telling first: called names (`name(`), constructed or typed
 * names (capitalised), then the rest; each once; names the selection itself defines are left out.
 */
export function usedIdentifiers(code: string, max = 24): string[] {
  const defined = new Set<string>();
  for (const m of code.matchAll(/\b(?:function|def|class|fn|func|interface|type|struct|enum|const|let|var)\s+([A-Za-z_$][\w$]*)/g))
    defined.add(m[1]);
  const calls: string[] = [];
  const types: string[] = [];
  const rest: string[] = [];
  const seen = new Set<string>();
  for (const m of code.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const w = m[0];
    if (w.length < 3 || KEYWORDS.has(w) || defined.has(w) || seen.has(w)) continue;
    // A property after a dot is looked up by its own name too (a method defined elsewhere).
    seen.add(w);
    const after = code.slice(m.index + w.length).match(/^\s*(\(|<)/)?.[1];
    if (after === "(") calls.push(w);
    else if (/^[A-Z]/.test(w)) types.push(w);
    else rest.push(w);
  }
  return [...calls, ...types, ...rest].slice(0, max);
}

/**
 * Definitions from other files as snippets ("path:start-end"), in the order of `defs` (the order
 * of the names), within `budgetTokens` (estimated). Definitions in `currentPath` (the selection's
 * file, which the prompt shows around the selection) and repeats are left out.
 */
export function definitionSnippets(
  defs: readonly SymbolLocation[],
  current: { root: string; path: string } | undefined,
  budgetTokens: number,
  maxSnippets = 6,
): Snippet[] {
  const out: Snippet[] = [];
  const seen = new Set<string>();
  let left = budgetTokens;
  for (const d of defs) {
    if (out.length >= maxSnippets) break;
    if (current && d.root === current.root && d.path === current.path) continue;
    const key = `${d.root}/${d.path}:${d.startLine}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = `${d.path}:${d.startLine}-${d.endLine}`;
    const cost = estimateTokens(d.text) + estimateTokens(path) + 8;
    if (cost > left) continue;
    left -= cost;
    out.push({ path, text: d.text });
  }
  return out;
}
