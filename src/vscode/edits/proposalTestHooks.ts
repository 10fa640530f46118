// The extension-host tests' view of the proposals (`mixtral._test.proposal`) and their stand-in
// for a window reload (`mixtral._test.reloadProposals`). Registered only inside InlineProposals'
// `if (MIXTRAL_TEST_HOOKS …)` block, so the production bundle drops this module.
import * as vscode from "vscode";
import type { ShownLines } from "./ProposalView";
import type { Session } from "./session";

export interface ProposalTestAccess {
  session(uri: unknown): Session | undefined;
  shown(doc: vscode.TextDocument): ShownLines | undefined;
  /** What a window reload does to this extension host, which a test cannot do to its own: every
   *  proposal and answer forgotten without a word or an edit; then the new host's recovery. */
  reload(): Promise<void>;
}

export function registerProposalTestHooks(access: ProposalTestAccess): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand("mixtral._test.proposal", (uri?: string) => {
      const s = access.session(uri);
      const doc = s?.doc ?? vscode.window.activeTextEditor?.document;
      const decorated = doc ? access.shown(doc) : undefined;
      const p = s?.proposal;
      return { pending: !!p?.pending, streaming: !!p?.streaming, decisions: p?.decisions ?? [], hunks: p?.hunks.length ?? 0, decorated };
    }),
    vscode.commands.registerCommand("mixtral._test.reloadProposals", () => access.reload()),
  );
}
