// What a proposal does to the editors showing its document: the region's text, the selections
// collapsed off the lines being rewritten, the cursor on the first change, the hunk under the
// cursor (for the keyboard's Accept / Reject), the two sides of the side-by-side diff.
import * as vscode from "vscode";
import type { Proposal } from "../../core/edits/proposal";
import type { Session } from "./session";

/** The document's text in [start, start + length). */
export function regionText(doc: vscode.TextDocument, region: { start: number; length: number }): string {
  return doc.getText(new vscode.Range(doc.positionAt(region.start), doc.positionAt(region.start + region.length)));
}

/** A selection over the lines would be replaced by the next key typed: collapse it (a cursor the
 *  user has moved meanwhile stays where it is). */
export function collapseSelectionsOver(doc: vscode.TextDocument, region: { start: number; length: number }): void {
  const lines = new vscode.Range(doc.positionAt(region.start), doc.positionAt(region.start + region.length));
  for (const e of vscode.window.visibleTextEditors.filter(
    (x) => x.document === doc && !x.selection.isEmpty && x.selection.intersection(lines),
  ))
    e.selection = new vscode.Selection(lines.start, lines.start);
}

/** The selection would cover the shaded lines: the cursor goes to the first change instead. */
export function revealFirstChange(doc: vscode.TextDocument, proposal: Proposal): void {
  const first = doc.positionAt(proposal.start).line + (proposal.layout[0]?.removedLine ?? 0);
  for (const e of vscode.window.visibleTextEditors.filter((x) => x.document === doc)) {
    e.selection = new vscode.Selection(first, 0, first, 0);
    e.revealRange(new vscode.Range(first, 0, first, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

/** The pending hunk under the cursor, else the first pending one (for the keyboard). */
export function hunkAtCursor(s: Session): number {
  const pending = s.proposal.layout.filter((h) => h.decision === "pending");
  const editor = vscode.window.activeTextEditor;
  if (editor?.document === s.doc) {
    const line = editor.selection.active.line - s.doc.positionAt(s.proposal.start).line;
    const hit = pending.find((h) => line >= h.removedLine && line < h.addedLine + h.addedCount);
    if (hit) return hit.index;
  }
  return pending[0]?.index ?? -1;
}

/** The whole document with every pending hunk rejected (the original) and accepted (the proposal),
 *  for the side-by-side diff. */
export function diffSides(s: Session): { original: string; proposed: string } {
  const text = s.doc.getText();
  const before = text.slice(0, s.proposal.start);
  const after = text.slice(s.proposal.end);
  return { original: before + s.proposal.textWith("rejected") + after, proposed: before + s.proposal.textWith("accepted") + after };
}
