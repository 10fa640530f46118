// The lightbulb entries Mixtral adds to every file: explain the selection, and fix on diagnostics.
import * as vscode from "vscode";
import { CommandIds } from "../commandIds";

/** Lightbulb entries: explain the selection, and fix on diagnostics. */
export class MixtralCodeActions implements vscode.CodeActionProvider {
  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    if (context.diagnostics.length > 0) {
      const fix = new vscode.CodeAction("Fix with Mixtral", vscode.CodeActionKind.QuickFix);
      fix.diagnostics = [...context.diagnostics];
      const r = context.diagnostics.reduce((acc, d) => acc.union(d.range), context.diagnostics[0].range);
      fix.command = { command: CommandIds.fixProblems, title: "Fix with Mixtral", arguments: [document.uri, r] };
      actions.push(fix);
    }
    if (!range.isEmpty) {
      const explain = new vscode.CodeAction("Explain with Mixtral", vscode.CodeActionKind.Empty);
      explain.command = { command: CommandIds.explainSelection, title: "Explain with Mixtral" };
      actions.push(explain);
    }
    return actions;
  }
}
