// How a proposal looks in the editor: its original lines shaded as removed and its proposed lines
// highlighted as added (the diff editor's own theme colours), and CodeLens actions above each
// hunk (Accept | Reject) and above the proposal (Accept All | Reject All | Show Side-by-Side Diff).
// While the answer streams: the original lines it has not reached yet dimmed, the first of them
// marked "Mixtral is writing…", and one lens above the lines: the progress and Cancel.
import * as vscode from "vscode";
import type { Proposal } from "../../core/edits/proposal";
import { CommandIds } from "../commandIds";
import { Disposable } from "../lifecycle";

/** What the view needs to know about the proposals: the one in a document, if any. */
export type ProposalLookup = (doc: vscode.TextDocument) => Proposal | undefined;

/** The lines each kind of decoration was last set on, per document (for the extension-host tests). */
export interface ShownLines {
  removed: number[];
  added: number[];
  /** While streaming: the original lines not reached yet, and the line marked as being written. */
  tail: number[];
  writing?: number;
}

export class ProposalView extends Disposable implements vscode.CodeLensProvider {
  private readonly removed = this._register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor("diffEditor.removedLineBackground"),
      overviewRulerColor: new vscode.ThemeColor("diffEditorOverview.removedForeground"),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
  );
  private readonly added = this._register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor("diffEditor.insertedLineBackground"),
      overviewRulerColor: new vscode.ThemeColor("diffEditorOverview.insertedForeground"),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
  );
  private readonly tail = this._register(vscode.window.createTextEditorDecorationType({ isWholeLine: true, opacity: "0.55" }));
  private readonly writing = this._register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor("editor.rangeHighlightBackground"),
      after: { contentText: "  ◂ Mixtral is writing…", color: new vscode.ThemeColor("editorCodeLens.foreground"), fontStyle: "italic" },
    }),
  );
  private readonly lensesChanged = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  readonly shown = new Map<string, ShownLines>();

  constructor(private readonly lookup: ProposalLookup) {
    super();
    this._register(vscode.languages.registerCodeLensProvider("*", this));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()));
  }

  /** The hunks' lines in the document: absolute line numbers of the removed and added ones. */
  static lines(doc: vscode.TextDocument, p: Proposal | undefined): ShownLines {
    const lines: ShownLines = { removed: [], added: [], tail: [] };
    if (!p?.active) return lines;
    const first = doc.positionAt(p.start).line;
    for (const h of p.layout) {
      if (h.decision !== "pending") continue;
      for (let i = 0; i < h.removedCount; i++) lines.removed.push(first + h.removedLine + i);
      for (let i = 0; i < h.addedCount; i++) lines.added.push(first + h.addedLine + i);
    }
    if (p.streaming) {
      const tail = p.tail;
      for (let i = 0; i < (tail?.count ?? 0); i++) lines.tail.push(first + tail!.line + i);
      // Where the next line goes: the first line not reached, else the region's last line.
      const end = doc.positionAt(p.end);
      lines.writing = lines.tail[0] ?? Math.max(first, end.character === 0 ? end.line - 1 : end.line);
    }
    return lines;
  }

  refresh(doc: vscode.TextDocument): void {
    const lines = ProposalView.lines(doc, doc.isClosed ? undefined : this.lookup(doc));
    this.shown.set(doc.uri.toString(), lines);
    const ranges = (ls: number[]) => ls.filter((l) => l < doc.lineCount).map((l) => doc.lineAt(l).range);
    for (const editor of vscode.window.visibleTextEditors.filter((e) => e.document === doc)) {
      editor.setDecorations(this.removed, ranges(lines.removed));
      editor.setDecorations(this.added, ranges(lines.added));
      editor.setDecorations(this.tail, ranges(lines.tail));
      editor.setDecorations(this.writing, ranges(lines.writing === undefined ? [] : [lines.writing]));
    }
    this.lensesChanged.fire();
  }

  private refreshAll(): void {
    for (const doc of new Set(vscode.window.visibleTextEditors.map((e) => e.document))) if (this.lookup(doc)) this.refresh(doc);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const p = this.lookup(doc);
    if (!p?.active) return [];
    const uri = doc.uri.toString();
    const first = doc.positionAt(p.start).line;
    const at = (line: number) => new vscode.Range(line, 0, line, 0);
    if (p.streaming) {
      const written = p.layout.reduce((n, h) => n + h.addedCount, 0);
      return [
        new vscode.CodeLens(at(first), {
          title: `$(loading~spin) Mixtral is writing… ${written} new line${written === 1 ? "" : "s"} so far`,
          command: "",
        }),
        new vscode.CodeLens(at(first), { title: "Cancel (Ctrl+Alt+N)", command: CommandIds.rejectProposal, arguments: [uri] }),
      ];
    }
    const lenses = [
      new vscode.CodeLens(at(first), { title: "Accept All (Ctrl+Alt+Y)", command: CommandIds.acceptProposal, arguments: [uri] }),
      new vscode.CodeLens(at(first), { title: "Reject All (Ctrl+Alt+N)", command: CommandIds.rejectProposal, arguments: [uri] }),
      new vscode.CodeLens(at(first), { title: "Show Side-by-Side Diff", command: CommandIds.showProposalDiff, arguments: [uri] }),
    ];
    for (const h of p.layout) {
      if (h.decision !== "pending") continue;
      const line = first + (h.removedCount ? h.removedLine : h.addedLine);
      lenses.push(
        new vscode.CodeLens(at(line), { title: "Accept", command: CommandIds.acceptProposalHunk, arguments: [uri, h.index] }),
        new vscode.CodeLens(at(line), { title: "Reject", command: CommandIds.rejectProposalHunk, arguments: [uri, h.index] }),
      );
    }
    return lenses;
  }
}
