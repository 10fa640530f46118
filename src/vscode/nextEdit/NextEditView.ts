// How a next-edit suggestion looks, on stable API only (decorations): near the cursor, the text
// it removes is struck through on a "removed" background and the text it inserts is shown right
// after it, ghost-like on an "inserted" background (a line break as ⏎; the hover shows the whole
// change). Elsewhere in the file, a hint at the end of the cursor line says where it is
// ("Tab to jump to line 48"); the change itself shows once the cursor gets there. The document is
// never touched until the suggestion is accepted.
import * as vscode from "vscode";
import type { NextEditSuggestion } from "../../core/nextEdit/suggestion";
import { ContextKeyOwner, ContextKeys } from "../contextKeys";
import { Disposable } from "../lifecycle";

/** The context key the Tab and Escape keybindings check (package.json). */
/** Longest inserted text shown inline; the hover has all of it. */
const SHOWN_CHARS = 160;

export type ShownMode = "inline" | "hint";

/** What is on screen (for the extension-host tests). */
export interface ShownState {
  mode: ShownMode;
  /** 0-based lines of the change in the document. */
  startLine: number;
  endLine: number;
  removed: string;
  inserted: string;
  /** The hint's text, in hint mode. */
  hint?: string;
}

/** Whether the change is close enough to the cursor to be shown (and accepted) where it is: the
 *  cursor is on one of its lines or the line just above or below. */
export function isNear(doc: vscode.TextDocument, s: NextEditSuggestion, cursor: vscode.Position): boolean {
  const start = doc.positionAt(s.start).line;
  const end = doc.positionAt(s.end).line;
  return cursor.line >= start - 1 && cursor.line <= end + 1;
}

export class NextEditView extends Disposable {
  private readonly removed = this._register(
    vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor("diffEditor.removedTextBackground"),
      textDecoration: "line-through",
    }),
  );
  private readonly inserted = this._register(
    vscode.window.createTextEditorDecorationType({
      after: {
        color: new vscode.ThemeColor("editorGhostText.foreground"),
        backgroundColor: new vscode.ThemeColor("diffEditor.insertedTextBackground"),
        fontStyle: "italic",
      },
    }),
  );
  private readonly hint = this._register(
    vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor("editorCodeLens.foreground"), margin: "0 0 0 2em", fontStyle: "italic" },
    }),
  );
  /** Where a change elsewhere is: a mark in the overview ruler and a faint frame around it. */
  private readonly target = this._register(
    vscode.window.createTextEditorDecorationType({
      border: "1px dashed",
      borderColor: new vscode.ThemeColor("editorCodeLens.foreground"),
      overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.modifiedForeground"),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    }),
  );
  /** The hint again in the status bar: the end of a long cursor line can be scrolled out of view. */
  private readonly status = this._register(vscode.window.createStatusBarItem("mixtral.nextEdit", vscode.StatusBarAlignment.Right, 99));
  private readonly visibleKey = this._register(new ContextKeyOwner(ContextKeys.nextEditVisible));
  private shownIn: vscode.TextEditor | undefined;
  state: ShownState | undefined;

  /** Shows `s` in `editor`: in place when near the cursor, else the hint on the cursor line. */
  show(editor: vscode.TextEditor, s: NextEditSuggestion): ShownMode {
    this.clearDecorations();
    const doc = editor.document;
    const range = new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end));
    const base = { startLine: range.start.line, endLine: range.end.line, removed: s.removed, inserted: s.inserted };
    const cursor = editor.selection.active;
    this.shownIn = editor;
    if (!isNear(doc, s, cursor)) {
      const text = `⇥ Tab to jump to line ${range.start.line + 1} (Mixtral next edit; Esc dismisses)`;
      const at = doc.lineAt(cursor.line).range.end;
      editor.setDecorations(this.hint, [{ range: new vscode.Range(at, at), renderOptions: { after: { contentText: text } } }]);
      editor.setDecorations(this.target, [range]);
      this.state = { ...base, mode: "hint", hint: text };
      this.showStatus(`$(arrow-right) Next edit: Tab to jump to line ${range.start.line + 1}`);
    } else {
      const hover = new vscode.MarkdownString(undefined, true);
      hover.appendMarkdown("**Mixtral next edit** — Tab accepts, Esc dismisses\n\n");
      hover.appendCodeblock(`- ${s.removed.split("\n").join("\n- ")}\n+ ${s.inserted.split("\n").join("\n+ ")}`, "diff");
      if (s.removed) editor.setDecorations(this.removed, [{ range, hoverMessage: hover }]);
      if (s.inserted) {
        const shown = s.inserted.replace(/\r?\n/g, "⏎").slice(0, SHOWN_CHARS) + (s.inserted.length > SHOWN_CHARS ? "…" : "");
        editor.setDecorations(this.inserted, [
          { range: new vscode.Range(range.end, range.end), hoverMessage: hover, renderOptions: { after: { contentText: shown } } },
        ]);
      }
      this.state = { ...base, mode: "inline" };
      this.showStatus("$(check) Next edit: Tab to accept, Esc to dismiss");
    }
    this.visibleKey.set(true);
    return this.state.mode;
  }

  clear(): void {
    const had = this.state !== undefined;
    this.clearDecorations();
    this.state = undefined;
    this.status.hide();
    if (had) this.visibleKey.set(false);
  }

  private clearDecorations(): void {
    const e = this.shownIn;
    this.shownIn = undefined;
    if (!e) return;
    for (const d of [this.removed, this.inserted, this.hint, this.target]) e.setDecorations(d, []);
  }

  private showStatus(text: string): void {
    this.status.name = "Mixtral Next Edit";
    this.status.text = text;
    this.status.tooltip = "Mixtral next-edit suggestion (Tab jumps or accepts, Esc dismisses)";
    this.status.show();
  }
}
