// The edge between VS Code and the completion core: documents become plain snapshots (the token
// becomes an AbortSignal through ../cancellation.ts).
import * as vscode from "vscode";
import type { CursorSnapshot, DocumentSnapshot } from "../../core/completion/types";

/** Schemes of real documents; output channels, git views and the like are not code to learn from. */
const SOURCE_SCHEMES = new Set(["file", "untitled", "vscode-remote", "vscode-vfs", "vscode-userdata"]);
/** Most other documents considered for snippets (the search is linear in their size). */
const MAX_OTHER_DOCUMENTS = 20;

export function documentSnapshot(doc: vscode.TextDocument): DocumentSnapshot {
  return {
    uri: doc.uri.toString(),
    path: vscode.workspace.asRelativePath(doc.uri, false),
    languageId: doc.languageId,
    text: doc.getText(),
  };
}

export function cursorSnapshot(doc: vscode.TextDocument, position: vscode.Position): CursorSnapshot {
  return { ...documentSnapshot(doc), line: position.line, character: position.character };
}

/** Other open source documents, same language first. */
export function otherDocuments(current: vscode.TextDocument): DocumentSnapshot[] {
  const docs = vscode.workspace.textDocuments.filter((d) => d !== current && SOURCE_SCHEMES.has(d.uri.scheme) && !d.isClosed);
  docs.sort((a, b) => Number(b.languageId === current.languageId) - Number(a.languageId === current.languageId));
  return docs.slice(0, MAX_OTHER_DOCUMENTS).map(documentSnapshot);
}

/** `mixtral.inlineCompletions.languages`: the language's own entry, else "*", else on. */
export function languageEnabled(languages: Record<string, boolean>, languageId: string): boolean {
  return languages[languageId] ?? languages["*"] ?? true;
}
