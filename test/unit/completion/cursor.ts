// Test helper: a document snapshot from text with the cursor marked by "█".
import { buildCompletionContext, type CompletionContext } from "../../../src/core/completion/completionContext";
import type { CursorSnapshot } from "../../../src/core/completion/types";

export const CURSOR = "█";

export function snapshotAt(marked: string, languageId = "typescript", path = "src/file.ts"): CursorSnapshot {
  const at = marked.indexOf(CURSOR);
  if (at < 0) throw new Error("no cursor marker");
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const lines = marked.slice(0, at).split("\n");
  return { uri: `file:///${path}`, path, languageId, text, line: lines.length - 1, character: lines[lines.length - 1].length };
}

export function contextAt(marked: string, languageId = "typescript"): CompletionContext {
  return buildCompletionContext(snapshotAt(marked, languageId));
}
