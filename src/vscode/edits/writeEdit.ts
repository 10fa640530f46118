// Writes one planned edit of a proposal into the document.
import * as vscode from "vscode";
import type { TextEdit } from "../../core/edits/regionEdits";

/** "done"; "raced" when the user changed the document first (the edit was planned on an older
 *  text: plan it again); "refused" when VS Code will not edit it (read-only, closed).
 *  With `undo`, the edit goes through an editor showing the document, whose undo stops can be
 *  placed (the streamed redraws join one Undo step); a WorkspaceEdit is always its own step. */
export async function writeEdit(
  doc: vscode.TextDocument,
  edit: TextEdit,
  undo?: { before: boolean; after: boolean },
): Promise<"done" | "raced" | "refused"> {
  if (doc.isClosed) return "refused";
  const version = doc.version;
  const range = new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length));
  const editor = undo && vscode.window.visibleTextEditors.find((e) => e.document === doc);
  if (editor) {
    // Rejected (not false) when the editor was hidden meanwhile: then as a WorkspaceEdit.
    const ok = await editor
      .edit((b) => b.replace(range, edit.text), { undoStopBefore: undo.before, undoStopAfter: undo.after })
      .then(
        (r) => r,
        () => undefined,
      );
    if (ok) return "done";
    if (ok === false) return doc.version !== version ? "raced" : "refused";
    if (doc.version !== version) return "raced";
  }
  const we = new vscode.WorkspaceEdit();
  we.replace(doc.uri, range, edit.text);
  if (await vscode.workspace.applyEdit(we)) return "done";
  return doc.version !== version ? "raced" : "refused";
}

/** Deletes every range of `edits` in one WorkspaceEdit (one Undo step). */
export async function deleteAll(doc: vscode.TextDocument, edits: readonly TextEdit[]): Promise<boolean> {
  if (edits.length === 0) return true;
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) we.delete(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)));
  return vscode.workspace.applyEdit(we);
}
