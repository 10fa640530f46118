// Edits shown and decided in place (src/core/edits holds the rules). One proposal per document:
// it is shown when the answer is complete (not streamed), each Accept / Reject is one edit and so
// one Undo step, and the document's own changes drive it: Undo and Redo step it back and forth,
// an edit outside it shifts it, an edit inside it cancels it and leaves the text as it is.
// A second edit on a document with a proposal pending rejects the pending one first (the
// original lines come back exactly); an answer still being written when a newer one is asked
// for, or whose selected lines the user edited meanwhile, is dropped without touching the file.
import * as vscode from "vscode";
import { followRegion, Proposal, type TextEdit } from "../../core/edits/proposal";
import { CommandIds } from "../commandIds";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";
import { ProposalView, type ShownLines } from "./ProposalView";

const PENDING_KEY = "mixtral.proposalPending";

/** The selected lines of a document, followed while the answer is generated. */
export interface Ticket {
  readonly doc: vscode.TextDocument;
  /** undefined once the user edited inside the lines. */
  region: { start: number; length: number } | undefined;
  /** Offsets of the selection inside the (whole-line) region, from its start and from its end. */
  readonly head: number;
  readonly tail: number;
  superseded: boolean;
}

interface Session {
  readonly doc: vscode.TextDocument;
  readonly proposal: Proposal;
  readonly title: string;
  readonly fileName: string;
}

/** The side-by-side diff, provided by ProposalPreview. */
export type ShowDiff = (fileName: string, title: string, original: string, proposed: string) => Promise<void>;

export class InlineProposals extends Disposable {
  private readonly sessions = new Map<string, Session>();
  private readonly tickets = new Set<Ticket>();
  private readonly view: ProposalView;

  constructor(private readonly services: Services, private readonly diff: { showDiff: ShowDiff; closeDiffs(): Promise<void> }) {
    super();
    this.view = this._register(new ProposalView((doc) => this.sessions.get(doc.uri.toString())?.proposal));
    const reg = (id: string, fn: (uri?: unknown, index?: unknown) => Promise<void>) => this._register(vscode.commands.registerCommand(id, fn));
    reg(CommandIds.acceptProposalHunk, (uri, index) => this.decide(uri, (p, i) => p.accept(i), index));
    reg(CommandIds.rejectProposalHunk, (uri, index) => this.decide(uri, (p, i) => p.reject(i), index));
    reg(CommandIds.acceptProposal, (uri) => this.decide(uri, (p) => p.acceptAll()));
    reg(CommandIds.rejectProposal, (uri) => this.decide(uri, (p) => p.rejectAll()));
    reg(CommandIds.showProposalDiff, (uri) => this.showDiff(uri));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()));
    this._register(vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc)));
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => {
      const s = this.sessions.get(doc.uri.toString());
      if (s?.proposal.pending) void vscode.window.showWarningMessage(`Mixtral: ${s.fileName} was saved with a proposal pending, so the file holds both the original and the proposed lines; accept or reject the changes, then save again.`);
    }));
    if (MIXTRAL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test) {
      this._register(vscode.commands.registerCommand("mixtral._test.proposal", (uri?: string) => {
        const s = this.session(uri);
        const doc = s?.doc ?? vscode.window.activeTextEditor?.document;
        const decorated: ShownLines | undefined = doc ? this.view.shown.get(doc.uri.toString()) : undefined;
        return { pending: !!s?.proposal.pending, decisions: s?.proposal.decisions ?? [], hunks: s?.proposal.hunks.length ?? 0, decorated };
      }));
    }
  }

  private session(uri: unknown): Session | undefined {
    const key = typeof uri === "string" ? uri : uri instanceof vscode.Uri ? uri.toString() : vscode.window.activeTextEditor?.document.uri.toString();
    return key ? this.sessions.get(key) : undefined;
  }

  /** Before a new edit on `doc`: rejects a pending proposal there and drops answers still coming. */
  async beforeNewEdit(doc: vscode.TextDocument): Promise<void> {
    for (const t of this.tickets) if (t.doc === doc) t.superseded = true;
    const s = this.sessions.get(doc.uri.toString());
    if (!s?.proposal.pending) return;
    await this.apply(s, s.proposal.rejectAll());
    void vscode.window.showInformationMessage(`Mixtral: the pending proposal in ${s.fileName} was rejected (one at a time per file); its original lines are back.`);
  }

  /** Starts following the whole lines of `range` while the answer is generated. */
  begin(doc: vscode.TextDocument, range: vscode.Range): Ticket & vscode.Disposable {
    const start = doc.offsetAt(new vscode.Position(range.start.line, 0));
    const end = range.end.character === 0 && range.end.line > range.start.line ? doc.offsetAt(range.end) : range.end.line + 1 < doc.lineCount ? doc.offsetAt(new vscode.Position(range.end.line + 1, 0)) : doc.getText().length;
    const ticket: Ticket & vscode.Disposable = {
      doc,
      region: { start, length: end - start },
      head: doc.offsetAt(range.start) - start,
      tail: end - doc.offsetAt(range.end),
      superseded: false,
      dispose: () => this.tickets.delete(ticket),
    };
    this.tickets.add(ticket);
    return ticket;
  }

  /** Shows `code` in place of the ticket's selection. `autoAnswer` (test mode only) stands for the
   *  user's Accept All (true) or Reject All (false); without it the proposal stays pending. */
  async propose(ticket: Ticket & vscode.Disposable, code: string, info: { title: string; fileName: string; note?: string }, autoAnswer?: boolean): Promise<void> {
    ticket.dispose();
    const { doc, region } = ticket;
    if (doc.isClosed) return void vscode.window.showWarningMessage(`Mixtral: ${info.fileName} was closed; nothing was changed. Open it and run the command again.`);
    if (ticket.superseded) return this.services.log.info(`[edits] a newer edit on ${info.fileName} was asked for; this answer is dropped`);
    if (!region) return void vscode.window.showWarningMessage(`Mixtral: you edited the selected lines of ${info.fileName} while the answer was written; nothing was changed, to keep your edits. Run the command again.`);
    const original = doc.getText(new vscode.Range(doc.positionAt(region.start), doc.positionAt(region.start + region.length)));
    const proposed = original.slice(0, ticket.head) + code + original.slice(original.length - ticket.tail);
    const proposal = new Proposal(region.start, original, proposed);
    if (proposal.hunks.length === 0) return void vscode.window.showInformationMessage(`Mixtral proposes no change to ${info.fileName}.`);
    const session: Session = { doc, proposal, title: info.title, fileName: info.fileName };
    this.sessions.set(doc.uri.toString(), session);
    if (!vscode.window.visibleTextEditors.some((e) => e.document === doc)) await vscode.window.showTextDocument(doc);
    if (!(await this.apply(session, proposal.show()))) return;
    if (info.note) void vscode.window.showWarningMessage(`Mixtral: ${info.note}`);
    if (autoAnswer !== undefined) await this.apply(session, autoAnswer ? proposal.acceptAll() : proposal.rejectAll());
  }

  /** Applies one planned edit as its own undo step; the change event moves the proposal on. */
  private async apply(s: Session, edit: TextEdit | undefined): Promise<boolean> {
    if (edit) {
      const doc = s.doc;
      const we = new vscode.WorkspaceEdit();
      we.replace(doc.uri, new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length)), edit.text);
      if (!(await vscode.workspace.applyEdit(we))) {
        void vscode.window.showWarningMessage(`Mixtral: VS Code refused the edit (is ${s.fileName} read-only?). Nothing was changed.`);
        if (!s.proposal.pending) this.sessions.delete(doc.uri.toString());
        return false;
      }
    }
    await this.settled(s);
    return true;
  }

  private async decide(uri: unknown, plan: (p: Proposal, index: number) => TextEdit | undefined, index?: unknown): Promise<void> {
    const s = this.session(uri);
    if (!s?.proposal.pending) return void vscode.window.showInformationMessage("Mixtral: no proposal is pending in this editor.");
    const i = typeof index === "number" ? index : this.hunkAtCursor(s);
    await this.apply(s, plan(s.proposal, i));
  }

  /** The pending hunk under the cursor, else the first pending one (for the keyboard). */
  private hunkAtCursor(s: Session): number {
    const pending = s.proposal.layout.filter((h) => h.decision === "pending");
    const editor = vscode.window.activeTextEditor;
    if (editor?.document === s.doc) {
      const line = editor.selection.active.line - s.doc.positionAt(s.proposal.start).line;
      const hit = pending.find((h) => line >= h.removedLine && line < h.addedLine + h.addedCount);
      if (hit) return hit.index;
    }
    return pending[0]?.index ?? -1;
  }

  private async showDiff(uri: unknown): Promise<void> {
    const s = this.session(uri);
    if (!s?.proposal.pending) return void vscode.window.showInformationMessage("Mixtral: no proposal is pending in this editor.");
    const text = s.doc.getText();
    const before = text.slice(0, s.proposal.start);
    const after = text.slice(s.proposal.end);
    await this.diff.showDiff(s.fileName, s.title, before + s.proposal.textWith("rejected") + after, before + s.proposal.textWith("accepted") + after);
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    for (const t of this.tickets) {
      if (t.doc !== e.document) continue;
      for (const c of [...e.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
        if (t.region) t.region = followRegion(t.region, { offset: c.rangeOffset, length: c.rangeLength, text: c.text });
      }
    }
    const s = this.sessions.get(e.document.uri.toString());
    if (!s) return;
    const read = (offset: number, length: number) => e.document.getText(new vscode.Range(e.document.positionAt(offset), e.document.positionAt(offset + length)));
    const changes = e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
    if (s.proposal.documentChanged(changes, read) === "cancelled") {
      this.sessions.delete(e.document.uri.toString());
      void vscode.window.showInformationMessage(`Mixtral: you edited inside the proposal in ${s.fileName}, so it is cancelled; the text stays exactly as it is now.`);
    }
    void this.settled(s);
  }

  /** Redraws after any change, and closes the side-by-side diff once nothing is pending. */
  private async settled(s: Session): Promise<void> {
    this.view.refresh(s.doc);
    this.updateContext();
    if (![...this.sessions.values()].some((x) => x.proposal.pending)) await this.diff.closeDiffs();
  }

  private closed(doc: vscode.TextDocument): void {
    const s = this.sessions.get(doc.uri.toString());
    for (const t of this.tickets) if (t.doc === doc) t.superseded = true;
    if (!s) return;
    this.sessions.delete(doc.uri.toString());
    if (s.proposal.pending) this.services.log.info(`[edits] ${s.fileName} was closed with a proposal pending; the proposal is dropped`);
    this.updateContext();
  }

  private updateContext(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const pending = !!doc && !!this.sessions.get(doc.uri.toString())?.proposal.pending;
    void vscode.commands.executeCommand("setContext", PENDING_KEY, pending);
  }
}
