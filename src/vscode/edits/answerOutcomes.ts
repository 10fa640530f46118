// How an answer for an edit in place can end without a proposal, and what the user is told: the
// document closed, a newer edit asked for, the selected lines edited before the answer's first
// line arrived, or typing inside the lines while it streamed (its untouched lines taken out).
import * as vscode from "vscode";
import type { Session, Ticket } from "./session";
import { deleteAll } from "./writeEdit";

/** True when the finished answer of `ticket` can no longer be shown (the user was told, or the
 *  log says why). */
export function answerLost(ticket: Ticket, fileName: string, log: vscode.LogOutputChannel): boolean {
  if (ticket.doc.isClosed) {
    void vscode.window.showWarningMessage(`Mixtral: ${fileName} was closed; nothing was changed. Open it and run the command again.`);
    return true;
  }
  if (ticket.superseded) {
    log.info(`[edits] a newer edit on ${fileName} was asked for; this answer is dropped`);
    return true;
  }
  const streamed = ticket.session;
  if (streamed && !streamed.proposal.streaming) return true; // stopped mid-stream; the user was told
  if (!streamed && !ticket.region) {
    void vscode.window.showWarningMessage(
      `Mixtral: you edited the selected lines of ${fileName} while the answer was written; nothing was changed, to keep your edits. Run the command again.`,
    );
    return true;
  }
  return false;
}

/** Typing inside the lines while the answer streamed: it stops, and the proposed lines the user
 *  did not touch go (one edit, one Undo step); everything the user typed stays. */
export async function takeOutStrayLines(s: Session, log: vscode.LogOutputChannel): Promise<void> {
  s.ticket?.abort.abort();
  if (!(await deleteAll(s.doc, s.proposal.strays))) log.warn(`[edits] the proposed lines could not be taken out of ${s.fileName}`);
  void vscode.window.showInformationMessage(
    `Mixtral: you edited the lines it was rewriting in ${s.fileName}, so it stopped; its proposed lines you did not edit were taken out, and your edits are kept.`,
  );
}
