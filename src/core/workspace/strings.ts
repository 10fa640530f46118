// V8 keeps a substring (a regex match, a slice) as a view of the string it came from when it is 13
// characters or longer, so one identifier kept by the index would keep a whole file's text alive.
// What the index stores for good (terms, identifiers, symbol names) goes through detachString.

/** A copy of `s` that shares no memory with the text it was cut from. */
export function detachString(s: string): string {
  // JSON.parse builds a new sequential string (a Buffer round trip kept its pooled slab alive).
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
