// Code-aware terms, the same for chunks, paths and queries: every identifier counts whole
// ("parsegitignore") and by its parts (camelCase, PascalCase, snake_case, kebab-case: "parse",
// "gitignore"), lower case, with a light English stemmer (plural and -ing/-ed endings) so that
// "loading models" finds `loadModel`. Words every text has (English glue, keywords) are dropped.
// The same pass collects the identifiers a text uses (the repo map's references).

const WORD = /[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*|\d+[A-Za-z]\w*/g;
const PART = /[A-Z]+(?![a-z])|[A-Z]?[a-z\u00c0-\uffff]+|\d+/g;
const MAX_TERM = 40;

const STOP = new Set(
  (
    "a an and are as at be by for from has have in is it its of on or that the this to was were will with " +
    "not no but if else then when so do does did can into we you our your they them their there here " +
    "const let var function return import export default new void null undefined true false " +
    "def self pass none elif fn pub mut use struct impl public private protected static final " +
    "int string bool char float double long unsigned signed auto include define endif ifdef ifndef " +
    "package func type interface class extends implements throw throws try catch finally while " +
    "async await yield break continue case switch"
  ).split(" "),
);

/** A light stemmer: "models"→"model", "loading"→"load", "indexed"→"index", "classes"→"class". */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return word.slice(0, -3) + "y";
  if (/(?:ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  if (word.endsWith("ing") && word.length > 5) return undouble(word.slice(0, -3));
  if (word.endsWith("ed") && word.length > 4) return undouble(word.slice(0, -2));
  return word;
}

function undouble(word: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(word) && !/(?:ll|ss|zz)$/.test(word) ? word.slice(0, -1) : word;
}

/** The parts of one identifier ("parseHTTPResponse_v2" → parse, http, response, v2). */
export function splitIdentifier(word: string): string[] {
  const parts: string[] = [];
  for (const piece of word.split(/[_$\-]+/)) {
    const found = piece.match(PART);
    if (found) parts.push(...found);
  }
  return parts;
}

function pushTerm(out: string[], term: string): void {
  if (term.length < 2 || term.length > MAX_TERM || STOP.has(term)) return;
  out.push(stem(term));
}

/** One word's terms: whole, then its parts. */
function wordTerms(word: string): string[] {
  const out: string[] = [];
  const lower = word.toLowerCase();
  const parts = splitIdentifier(word);
  if (parts.length <= 1) {
    pushTerm(out, lower.replace(/^[_$]+|[_$]+$/g, ""));
    return out;
  }
  pushTerm(out, lower.replace(/[_$]/g, ""));
  for (const part of parts) pushTerm(out, part.toLowerCase());
  return out;
}

// Code repeats its words: each word's terms are worked out once (the cache is emptied when full).
const wordCache = new Map<string, string[]>();
const WORD_CACHE_MAX = 50_000;

/**
 * The terms of a text (code, prose or a query), in order, repeats kept (they are term counts).
 * `words`, when given, also receives each identifier as written (three characters or more): the
 * names the text uses, for the repo map's reference graph, without a second pass.
 */
export function tokenizeCode(text: string, words?: Set<string>): string[] {
  const out: string[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const word = m[0];
    if (words && word.length >= 3) words.add(word);
    let terms = wordCache.get(word);
    if (!terms) {
      if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
      terms = wordTerms(word);
      wordCache.set(word, terms);
    }
    for (const t of terms) out.push(t);
  }
  return out;
}

/** The terms of a path: each folder and the file name, whole and split, the extension dropped. */
export function tokenizePath(relPath: string): string[] {
  const segments = relPath.split("/");
  const last = segments.length - 1;
  segments[last] = segments[last].replace(/\.[^.]+$/, "");
  return tokenizeCode(segments.join(" ").replace(/[.\-]/g, " "));
}
