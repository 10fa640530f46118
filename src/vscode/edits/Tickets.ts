// The answers being written into selected lines (tickets), owned in one place: each is started
// here, follows its lines while none of the answer is shown, and is stopped here when a newer edit,
// a closed document or a reload asks. Once streaming, its Session's Proposal follows the lines.
import * as vscode from "vscode";
import { followRegion } from "../../core/edits/regionEdits";
import { newTicket, type Ticket } from "./session";

export class Tickets {
  private readonly live = new Set<Ticket>();

  /** Starts following the whole lines of `range`; disposing the ticket ends it. */
  begin(doc: vscode.TextDocument, range: vscode.Range): Ticket & vscode.Disposable {
    const ticket = newTicket(doc, range, () => this.live.delete(ticket));
    this.live.add(ticket);
    return ticket;
  }

  /** Still being written (not ended, stopped or superseded). */
  running(ticket: Ticket): boolean {
    return this.live.has(ticket) && !ticket.superseded && !ticket.abort.signal.aborted && !ticket.doc.isClosed;
  }

  /** An answer is being written into `doc`. */
  writingInto(doc: vscode.TextDocument): boolean {
    return [...this.live].some((t) => t.doc === doc);
  }

  /** Stops every answer still coming into `doc` (a newer edit on it, the document closed). */
  supersede(doc: vscode.TextDocument): void {
    for (const t of this.live) {
      if (t.doc !== doc) continue;
      t.superseded = true;
      t.abort.abort();
    }
  }

  /** A window reload: every answer forgotten, its proposal with it, without an edit. */
  forgetAll(): void {
    for (const t of this.live) {
      t.session = undefined;
      t.superseded = true;
      t.abort.abort();
    }
  }

  /** A change of `e.document`: an answer with nothing shown yet follows its lines, and is stopped
   *  at once when they are edited. */
  follow(e: vscode.TextDocumentChangeEvent): void {
    for (const t of this.live) {
      // Once streaming, the proposal follows the lines (its own redraws are inside them).
      if (t.doc !== e.document || t.session || !t.region) continue;
      for (const c of [...e.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
        if (t.region) t.region = followRegion(t.region, { offset: c.rangeOffset, length: c.rangeLength, text: c.text });
      }
      if (!t.region) t.abort.abort();
    }
  }
}
