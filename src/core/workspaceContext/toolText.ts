// The text the language-model tools return (codebase search, symbol lookup), for any model:
// plain, compact, each result headed by path:lines so the answer can cite it.
import { fenceFor } from "../prompt/templates";
import type { ReferenceLocation, SearchHit, SymbolLocation } from "../workspace/types";
import { displayPath } from "./retrieval";

export function searchText(query: string, hits: readonly SearchHit[], multiRoot: boolean): string {
  if (hits.length === 0) return `No code in the workspace matched "${query}". Try other words, a symbol name, or the symbol lookup tool.`;
  const parts = hits.map((h, i) => {
    const fence = fenceFor(h.text);
    return `${i + 1}. ${displayPath(h, multiRoot)}:${h.startLine}-${h.endLine}${h.symbol ? ` (${h.symbol})` : ""}\n${fence}\n${h.text}\n${fence}`;
  });
  return `${hits.length} result${hits.length === 1 ? "" : "s"} for "${query}", best first:\n\n${parts.join("\n\n")}`;
}

export function symbolsText(
  name: string,
  defs: readonly SymbolLocation[] | undefined,
  refs: readonly ReferenceLocation[] | undefined,
  multiRoot: boolean,
): string {
  const out: string[] = [];
  if (defs) {
    if (defs.length === 0) out.push(`No definition of "${name}" in the workspace index.`);
    else {
      const shown = defs.map((d) => {
        const fence = fenceFor(d.text);
        return `${displayPath(d, multiRoot)}:${d.startLine}-${d.endLine} (${d.kind} ${d.name})\n${fence}\n${d.text}\n${fence}`;
      });
      out.push(`Definitions of "${name}":\n${shown.join("\n\n")}`);
    }
  }
  if (refs) {
    if (refs.length === 0) out.push(`No references to "${name}" in the workspace index.`);
    else
      out.push(
        `References to "${name}" (${refs.length}):\n${refs.map((r) => `${displayPath(r, multiRoot)}:${r.line}: ${r.lineText}`).join("\n")}`,
      );
  }
  return out.join("\n\n");
}

/** A note added to a tool's text while the index is incomplete. */
export function partialNote(done: number, total: number): string {
  return `\n\n(Note: the workspace index is still being built, ${done} of ${total} files so far: results may be incomplete.)`;
}
