// Feeds the edit history from VS Code's document changes. A change event carries only the text
// after it, so the recorder keeps the last text it saw of each open source document (dropped when
// the document closes; nothing is stored anywhere else). Changes the extension itself makes while
// applying a proposal are the caller's to skip.
import * as vscode from "vscode";
import type { EditHistory } from "../../core/nextEdit/editHistory";
import { Disposable } from "../lifecycle";

/** Real source documents; output channels, diff views and our own proposal documents are not. */
const SOURCE_SCHEMES = new Set(["file", "untitled", "vscode-remote", "vscode-vfs"]);
/** Larger documents are not followed (a copy of each is kept). */
const MAX_CHARS = 500_000;

export function isSourceDocument(doc: vscode.TextDocument): boolean {
  return SOURCE_SCHEMES.has(doc.uri.scheme) && doc.getText().length <= MAX_CHARS;
}

export const pathOf = (doc: vscode.TextDocument): string => vscode.workspace.asRelativePath(doc.uri, false);

export class EditRecorder extends Disposable {
  private readonly texts = new Map<string, string>();

  constructor(private readonly history: EditHistory) {
    super();
    for (const doc of vscode.workspace.textDocuments) this.follow(doc);
    this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.follow(doc)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.texts.delete(doc.uri.toString());
        this.history.forget(pathOf(doc));
      }),
    );
  }

  private follow(doc: vscode.TextDocument): void {
    if (isSourceDocument(doc)) this.texts.set(doc.uri.toString(), doc.getText());
  }

  /** Records a change (or only remembers the new text, with `record` false). */
  changed(e: vscode.TextDocumentChangeEvent, record: boolean): void {
    const doc = e.document;
    const key = doc.uri.toString();
    const before = this.texts.get(key);
    if (!isSourceDocument(doc)) {
      this.texts.delete(key);
      return;
    }
    const after = doc.getText();
    this.texts.set(key, after);
    if (!record || before === undefined || e.contentChanges.length === 0) return;
    let startLine = Number.MAX_SAFE_INTEGER;
    let endLine = 0;
    for (const c of e.contentChanges) {
      startLine = Math.min(startLine, c.range.start.line);
      endLine = Math.max(endLine, c.range.start.line + c.text.split("\n").length - 1);
    }
    this.history.record({ path: pathOf(doc), before, after, startLine, endLine });
  }
}
