// Edits shown and decided in place (src/core/edits holds the rules). One proposal per document:
// it is streamed into the selected lines as the answer is written (one redraw per line; only
// Cancel is offered until the answer is complete), then each Accept / Reject is one edit and so
// one Undo step, and the document's own changes drive it: Undo and Redo step it back and forth,
// an edit outside it shifts it, an edit inside it cancels it and leaves the text as it is.
// Mid-stream, anything that ends the answer early (Cancel, a failure, a newer edit, typing inside
// the lines) takes the proposed lines back out, keeping every character the user typed; the
// streamed redraws and the last one form one Undo step, so Undo after it is the original.
// A second edit on a document with a proposal pending rejects the pending one first (the
// original lines come back exactly); an answer whose selected lines the user edited before its
// first line of code arrived is stopped without touching the file.
import * as vscode from "vscode";
import { Proposal } from "../../core/edits/proposal";
import type { TextEdit } from "../../core/edits/regionEdits";
import { CommandIds } from "../commandIds";
import { ContextKeyOwner, ContextKeys } from "../contextKeys";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";
import { answerLost, takeOutStrayLines } from "./answerOutcomes";
import { collapseSelectionsOver, diffSides, hunkAtCursor, regionText, revealFirstChange } from "./proposalEditors";
import { ProposalView } from "./ProposalView";
import { registerProposalTestHooks } from "./proposalTestHooks";
import { ProposalSaves } from "./ProposalSaves";
import { Session, type Ticket } from "./session";
import { ShownRecords } from "./shownRecords";
import { Tickets } from "./Tickets";
import { writeEdit } from "./writeEdit";

/** The side-by-side diff, provided by ProposalPreview. */
export type ShowDiff = (fileName: string, title: string, original: string, proposed: string) => Promise<void>;

export class InlineProposals extends Disposable {
  private readonly sessions = new Map<string, Session>();
  private readonly tickets = new Tickets();
  private readonly view: ProposalView;
  private readonly pendingKey = this._register(new ContextKeyOwner(ContextKeys.proposalPending));
  private records: ShownRecords;

  constructor(
    private readonly services: Services,
    private readonly diff: { showDiff: ShowDiff; closeDiffs(): Promise<void> },
  ) {
    super();
    this.view = this._register(new ProposalView((doc) => this.sessions.get(doc.uri.toString())?.proposal));
    const reg = (id: string, fn: (uri?: unknown, index?: unknown) => Promise<void>) =>
      this._register(vscode.commands.registerCommand(id, fn));
    reg(CommandIds.acceptProposalHunk, (uri, index) => this.decide(uri, (p, i) => p.accept(i), index));
    reg(CommandIds.rejectProposalHunk, (uri, index) => this.decide(uri, (p, i) => p.reject(i), index));
    reg(CommandIds.acceptProposal, (uri) => this.decide(uri, (p) => p.acceptAll()));
    reg(CommandIds.rejectProposal, (uri) => this.decide(uri, (p) => p.rejectAll(), undefined, true));
    reg(CommandIds.showProposalDiff, (uri) => this.showDiff(uri));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()));
    this._register(vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc)));
    // A proposal shown when the window was reloaded: its lines are in the restored document.
    this.records = new ShownRecords(services.context.workspaceState);
    this._register(vscode.workspace.onDidOpenTextDocument((doc) => void this.recover(doc)));
    for (const doc of vscode.workspace.textDocuments) void this.recover(doc);
    this._register(
      new ProposalSaves({
        session: (doc) => this.sessions.get(doc.uri.toString()),
        show: (s, plan) => this.apply(s, plan, s.proposal.streaming ? { before: false, after: false } : undefined),
        redraw: (t) => this.redraw(t),
        drop: (s) => {
          this.sessions.delete(s.doc.uri.toString());
          s.ticket?.abort.abort();
          return this.settled(s);
        },
      }),
    );
    if (MIXTRAL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test) {
      this._register(
        registerProposalTestHooks({
          session: (uri) => this.session(uri),
          shown: (doc) => this.view.shown.get(doc.uri.toString()),
          reload: async () => {
            this.tickets.forgetAll();
            this.sessions.clear();
            this.records = new ShownRecords(services.context.workspaceState);
            for (const doc of vscode.workspace.textDocuments) await this.recover(doc);
          },
        }),
      );
    }
  }

  private session(uri: unknown): Session | undefined {
    const key =
      typeof uri === "string" ? uri : uri instanceof vscode.Uri ? uri.toString() : vscode.window.activeTextEditor?.document.uri.toString();
    return key ? this.sessions.get(key) : undefined;
  }

  /** True while a proposal is pending in `doc` or an answer is being written into it. */
  active(doc: vscode.TextDocument): boolean {
    return this.sessions.has(doc.uri.toString()) || this.tickets.writingInto(doc);
  }

  /** Before a new edit on `doc`: stops answers still coming there and rejects a pending proposal. */
  async beforeNewEdit(doc: vscode.TextDocument): Promise<void> {
    this.tickets.supersede(doc);
    const s = this.sessions.get(doc.uri.toString());
    if (s?.proposal.streaming) return this.abandon(s);
    if (!s?.proposal.pending) return;
    await this.apply(s, () => s.proposal.rejectAll());
    void vscode.window.showInformationMessage(
      `Mixtral: the pending proposal in ${s.fileName} was rejected (one at a time per file); its original lines are back.`,
    );
  }

  /** Starts following the whole lines of `range` while the answer is generated. */
  begin(doc: vscode.TextDocument, range: vscode.Range): Ticket & vscode.Disposable {
    return this.tickets.begin(doc, range);
  }

  /** Shows the answer's code so far (its complete lines) in place of the ticket's selection. */
  stream(ticket: Ticket, code: string, info: { title: string; fileName: string }): void {
    if (!this.tickets.running(ticket)) return;
    if (!ticket.session) {
      const { doc, region } = ticket;
      if (!region) return;
      const original = regionText(doc, region);
      ticket.session = new Session(doc, new Proposal(region.start, original), info.title, info.fileName, original, ticket);
      this.sessions.set(doc.uri.toString(), ticket.session);
      collapseSelectionsOver(doc, region);
    }
    ticket.latest = code;
    ticket.chain = ticket.chain.then(() => this.redraw(ticket));
  }

  /** One redraw with the newest code; the redraws queued behind it find nothing newer and return. */
  private async redraw(t: Ticket): Promise<void> {
    const s = t.session;
    // During a save the document must keep the text being written (see willSave).
    if (!s?.proposal.streaming || t.latest === undefined || s.saving) return;
    const partial = s.original.slice(0, t.head) + t.latest;
    t.latest = undefined;
    // The first redraw opens the Undo step that the last one (finish or abandon) closes.
    const first = s.proposal.hunks.length === 0 && s.proposal.text === s.original;
    await this.apply(s, () => s.proposal.stream(partial), { before: first, after: false });
  }

  /** After the answer, however it ended: a proposal still streaming gives back the original. */
  async end(ticket: Ticket & vscode.Disposable): Promise<void> {
    ticket.dispose();
    await ticket.chain;
    if (ticket.session?.proposal.streaming) await this.abandon(ticket.session);
  }

  /** Stops the answer streaming into `s` and takes its lines back out: the original exactly. */
  private async abandon(s: Session): Promise<void> {
    s.ticket?.abort.abort();
    await s.ticket?.chain;
    await this.apply(s, () => s.proposal.abandon(), { before: false, after: true });
  }

  /** Shows `code` in place of the ticket's selection; true when a proposal now waits for the user. */
  async propose(
    ticket: Ticket & vscode.Disposable,
    code: string,
    info: { title: string; fileName: string; note?: string },
  ): Promise<boolean> {
    ticket.dispose();
    await ticket.chain;
    const { doc, region } = ticket;
    if (answerLost(ticket, info.fileName, this.services.log)) return false;
    const streamed = ticket.session;
    const original = streamed?.original ?? regionText(doc, region!);
    const proposed = original.slice(0, ticket.head) + code + original.slice(original.length - ticket.tail);
    const session = streamed ?? new Session(doc, new Proposal(region!.start, original, proposed), info.title, info.fileName, original);
    const proposal = session.proposal;
    session.ticket = undefined;
    this.sessions.set(doc.uri.toString(), session);
    if (!vscode.window.visibleTextEditors.some((e) => e.document === doc)) await vscode.window.showTextDocument(doc);
    const shown = streamed
      ? await this.apply(session, () => proposal.finish(proposed), { before: false, after: true })
      : await this.apply(session, () => proposal.show());
    if (!shown) return false;
    if (proposal.hunks.length === 0)
      return notShown(vscode.window.showInformationMessage(`Mixtral proposes no change to ${info.fileName}.`));
    revealFirstChange(doc, proposal);
    if (info.note) void vscode.window.showWarningMessage(`Mixtral: ${info.note}`);
    return proposal.pending;
  }

  /** Applies the planned edit, as its own Undo step unless `undo` places the stops (in an editor
   *  showing the document; without one, its own step). When the user typed first, the edit is
   *  planned again from what the document holds now; the change events move the proposal on. */
  private async apply(s: Session, plan: () => TextEdit | undefined, undo?: { before: boolean; after: boolean }): Promise<boolean> {
    if (s.doc.isClosed) return false;
    for (let attempt = 0; attempt < 5; attempt++) {
      const edit = plan();
      const result = edit ? await writeEdit(s.doc, edit, undo) : "done";
      if (result === "raced") continue;
      if (result === "refused") {
        this.services.log.warn(`[edits] VS Code refused an edit of ${s.fileName}`);
        if (s.proposal.streaming) s.ticket?.abort.abort();
        void vscode.window.showWarningMessage(`Mixtral: VS Code refused the edit (is ${s.fileName} read-only?). Nothing was changed.`);
      }
      await this.settled(s);
      return result === "done";
    }
    this.services.log.warn(`[edits] ${s.fileName} kept changing under an edit; it was not applied`);
    await this.settled(s);
    return false;
  }

  /** `cancels`: Reject All, which mid-stream is the Cancel. */
  private async decide(
    uri: unknown,
    plan: (p: Proposal, index: number) => TextEdit | undefined,
    index?: unknown,
    cancels = false,
  ): Promise<void> {
    const s = this.session(uri);
    if (s?.proposal.streaming) {
      if (cancels) return this.abandon(s);
      return void vscode.window.showInformationMessage(
        "Mixtral is still writing this proposal: Accept and Reject come when it is complete; Cancel (Ctrl+Alt+N) takes it back out now.",
      );
    }
    if (!s?.proposal.pending) return void vscode.window.showInformationMessage("Mixtral: no proposal is pending in this editor.");
    const i = typeof index === "number" ? index : hunkAtCursor(s);
    await this.apply(s, () => plan(s.proposal, i));
  }

  private async showDiff(uri: unknown): Promise<void> {
    const s = this.session(uri);
    if (!s?.proposal.pending) return void vscode.window.showInformationMessage("Mixtral: no proposal is pending in this editor.");
    const sides = diffSides(s);
    await this.diff.showDiff(s.fileName, s.title, sides.original, sides.proposed);
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    this.tickets.follow(e);
    const s = this.sessions.get(e.document.uri.toString());
    if (!s) return;
    const read = (offset: number, length: number) =>
      e.document.getText(new vscode.Range(e.document.positionAt(offset), e.document.positionAt(offset + length)));
    const changes = e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
    const streaming = s.proposal.streaming;
    if (s.proposal.documentChanged(changes, read) === "cancelled") {
      this.sessions.delete(e.document.uri.toString());
      if (streaming) void takeOutStrayLines(s, this.services.log);
      else
        void vscode.window.showInformationMessage(
          `Mixtral: you edited inside the proposal in ${s.fileName}, so it is cancelled; the text stays exactly as it is now.`,
        );
    }
    void this.settled(s);
  }

  /** Takes out the proposed lines an earlier extension host left in `doc` (see shownRecords). */
  private async recover(doc: vscode.TextDocument): Promise<void> {
    if (this.sessions.has(doc.uri.toString()) || !(await this.records.takeOut(doc))) return;
    const name = doc.uri.path.split("/").pop() ?? doc.uri.toString();
    this.services.log.info(`[edits] took out the proposed lines left in ${name} by a reload`);
    void vscode.window.showInformationMessage(
      `Mixtral: ${name} still held the lines of a proposal from before the window was reloaded; they were taken out, and your lines are as they were. Run the command again for a new proposal.`,
    );
  }

  /** Redraws after any change, and closes the side-by-side diff once nothing is pending. */
  private async settled(s: Session): Promise<void> {
    // The save's own edit: the lines come back right after it; nothing to redraw or close.
    if (s.saving) return;
    this.records.note(s.doc.uri.toString(), s.proposal);
    this.view.refresh(s.doc);
    this.updateContext();
    if (![...this.sessions.values()].some((x) => x.proposal.pending)) await this.diff.closeDiffs();
  }

  private closed(doc: vscode.TextDocument): void {
    const s = this.sessions.get(doc.uri.toString());
    this.tickets.supersede(doc);
    if (!s) return;
    this.sessions.delete(doc.uri.toString());
    s.ticket?.abort.abort();
    if (s.proposal.active)
      this.services.log.info(
        `[edits] ${s.fileName} was closed with a proposal ${s.proposal.streaming ? "streaming" : "pending"}; the proposal is dropped`,
      );
    this.updateContext();
  }

  private updateContext(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const active = !!doc && !!this.sessions.get(doc.uri.toString())?.proposal.active;
    this.pendingKey.set(active);
  }
}

/** An outcome without a pending proposal (the user was told, or the log says why). */
function notShown(_told: unknown): false {
  return false;
}
