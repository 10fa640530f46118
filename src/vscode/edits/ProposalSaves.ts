// Saving a document with a proposal streaming or pending (InlineProposals owns the proposals).
// A save writes the file without the proposed lines (pending changes as rejected, decided ones
// kept), and they are shown again after it, so the editor stays dirty: the file on disk never
// holds both versions. Not for auto save after a delay: showing them again makes the document
// dirty, which saves it again a second later, and so on while the proposal waits, each time
// blinking the lines out and in; that save writes both versions, and the user is told once.
import * as vscode from "vscode";
import type { TextEdit } from "../../core/edits/regionEdits";
import { Disposable } from "../lifecycle";
import type { Session, Ticket } from "./session";

/** What the saves need from InlineProposals. */
export interface SaveHost {
  session(doc: vscode.TextDocument): Session | undefined;
  /** Applies the edit that shows the proposed lines again. */
  show(s: Session, plan: () => TextEdit | undefined): Promise<boolean>;
  redraw(t: Ticket): Promise<void>;
  /** The proposal goes (the document was saved on its way out). */
  drop(s: Session): Promise<void>;
}

export class ProposalSaves extends Disposable {
  constructor(private readonly host: SaveHost) {
    super();
    this._register(vscode.workspace.onWillSaveTextDocument((e) => this.willSave(e)));
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => void this.didSave(doc)));
  }

  willSave(e: vscode.TextDocumentWillSaveEvent): void {
    const s = this.host.session(e.document);
    if (!s?.proposal.active || s.saving || e.reason === vscode.TextDocumentSaveReason.AfterDelay) return;
    const plan = s.proposal.planSave();
    if (!plan) return;
    s.saving = plan.restore;
    const doc = e.document;
    e.waitUntil(
      Promise.resolve([
        vscode.TextEdit.replace(
          new vscode.Range(doc.positionAt(plan.strip.offset), doc.positionAt(plan.strip.offset + plan.strip.length)),
          plan.strip.text,
        ),
      ]),
    );
  }

  async didSave(doc: vscode.TextDocument): Promise<void> {
    const s = this.host.session(doc);
    if (!s) return;
    const restore = s.saving;
    s.saving = undefined;
    if (!restore) {
      if (!s.proposal.active || s.warnedSave || s.proposal.text === s.proposal.textWith("rejected")) return;
      s.warnedSave = true;
      return void vscode.window.showWarningMessage(
        `Mixtral: auto save wrote ${s.fileName} with a proposal pending, so the file holds both the original and the proposed lines until you accept or reject them (a save with Ctrl+S, or auto save on focus change, writes it without the proposed lines).`,
      );
    }
    // Saved on the way out ("Save" in the close dialog): VS Code closes the editor only if the
    // document is clean once the save is done, so the lines wait until it has had the chance
    // (measured in the browser: shown at once, they kept the editor open, dirty, with both
    // versions). Closed: the proposal goes and the file stays as saved; otherwise shown again.
    if (await closedAfterSave(doc)) return this.host.drop(s);
    await this.host.show(s, restore);
    // Lines written during the save wait in the ticket: show them now.
    const t = s.ticket;
    if (t) t.chain = t.chain.then(() => this.host.redraw(t));
  }
}

/** How long after a save the document's tab may take to close (the close dialog's "Save"). */
const CLOSE_AFTER_SAVE_MS = 300;

/** Whether any tab shows the document (a background tab counts: Save All keeps its proposal). */
function hasTab(doc: vscode.TextDocument): boolean {
  const uri = doc.uri.toString();
  return vscode.window.tabGroups.all.some((g) =>
    g.tabs.some(
      (t) =>
        (t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri) ||
        (t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === uri),
    ),
  );
}

/** True once no tab shows `doc` (at once, or within CLOSE_AFTER_SAVE_MS), false when one still does. */
function closedAfterSave(doc: vscode.TextDocument): Promise<boolean> {
  const gone = () => doc.isClosed || !hasTab(doc);
  if (gone()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (closed: boolean) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(closed);
    };
    const timer = setTimeout(() => done(gone()), CLOSE_AFTER_SAVE_MS);
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (gone()) done(true);
    });
  });
}
