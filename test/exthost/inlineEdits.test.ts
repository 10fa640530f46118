// Edits shown in place, inside a real VS Code: a refactor answered by a scripted
// OpenAI-compatible server on 127.0.0.1 changes two separate places, so the proposal has two
// hunks; they are decided through the CodeLens commands the editor shows and the keybinding
// commands, and the document's text is checked exactly after each step, Undo included.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ScriptedOpenAi } from "../helpers/openAiServers";
import {
  ADD,
  ANSWER_CODE,
  BODY,
  HEAD,
  ORIGINAL,
  proposalState as state,
  SHOWN,
  startEditsServer,
  stopEditsServer,
  TAIL,
  type ProposalState,
} from "./editsFixture";
import { until } from "../helpers/wait";

async function lenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", doc.uri)).filter((l) =>
    l.command?.command.startsWith("mixtral."),
  );
}

/** Runs the lens the user would click: `title` on the `nth` hunk (0-based, in document order). */
async function click(doc: vscode.TextDocument, title: string, nth = 0): Promise<void> {
  const lens = (await lenses(doc)).filter((l) => l.command!.title === title)[nth];
  assert.ok(lens, `a "${title}" lens #${nth}`);
  await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
}

/** Opens the file (a new untitled one by default), selects the two functions and asks for the
 *  refactor; returns once it is shown. */
async function proposed(file?: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = file
    ? await vscode.workspace.openTextDocument(file)
    : await vscode.workspace.openTextDocument({ content: ORIGINAL, language: "typescript" });
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(1, 0, 7, 1);
  await vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "add types" });
  assert.equal(doc.getText(), SHOWN, "the proposal is shown in place");
  return editor;
}

describe("edits in place", function () {
  this.timeout(120_000);
  let server: ScriptedOpenAi;

  before(async () => {
    server = await startEditsServer();
  });

  after(() => stopEditsServer(server));

  it("shows a two-place refactor as two hunks: removed and added lines decorated, lenses per hunk and for all", async () => {
    const editor = await proposed();
    const s = await state();
    assert.equal(s.hunks, 2);
    assert.deepEqual(s.decisions, ["pending", "pending"]);
    assert.deepEqual(s.decorated, { removed: [1, 6], added: [2, 7], tail: [] });
    const titles = (await lenses(editor.document)).map((l) => `${l.range.start.line}:${l.command!.title}`);
    assert.deepEqual(
      titles.sort(),
      [
        "1:Accept",
        "1:Accept All (Ctrl+Alt+Y)",
        "1:Reject",
        "1:Reject All (Ctrl+Alt+N)",
        "1:Show Side-by-Side Diff",
        "6:Accept",
        "6:Reject",
      ].sort(),
    );
    await vscode.commands.executeCommand("mixtral.rejectProposal");
  });

  it("rejects one hunk and accepts the other, exactly; one Undo brings the accepted hunk back to pending", async () => {
    const editor = await proposed();
    await click(editor.document, "Reject", 1);
    assert.deepEqual((await state()).decisions, ["pending", "rejected"]);
    const beforeAccept = editor.document.getText();
    assert.equal(
      beforeAccept,
      HEAD + `function add(a, b) {\n${ADD}  return a + b;\n}\n\n` + BODY.slice(BODY.indexOf("function sub")) + TAIL,
    );
    await click(editor.document, "Accept", 0);
    assert.equal(editor.document.getText(), ORIGINAL.replace("function add(a, b) {\n", ADD), "the first change applied, the second not");
    assert.equal((await state()).pending, false);
    assert.deepEqual((await lenses(editor.document)).length, 0, "no lenses once decided");
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand("undo");
    assert.equal(editor.document.getText(), beforeAccept, "one Undo restores the state before the accepted hunk");
    const s = await state();
    assert.deepEqual(s.decisions, ["pending", "rejected"], "the hunk is pending again");
    assert.deepEqual(s.decorated, { removed: [1], added: [2], tail: [] });
    await vscode.commands.executeCommand("mixtral.rejectProposal");
    assert.equal(editor.document.getText(), ORIGINAL);
  });

  it("Reject All restores the original exactly; Accept All (after an edit above it) applies the whole refactor", async () => {
    const editor = await proposed();
    await vscode.commands.executeCommand("mixtral.rejectProposal");
    assert.equal(editor.document.getText(), ORIGINAL);
    assert.deepEqual((await state()).decorated, { removed: [], added: [], tail: [] });

    const again = await proposed();
    await again.edit((b) => b.insert(new vscode.Position(0, 0), "// typed above\n"));
    assert.equal((await state()).pending, true, "an edit outside the proposal only shifts it");
    assert.deepEqual((await state()).decorated, { removed: [2, 7], added: [3, 8], tail: [] });
    await vscode.commands.executeCommand("mixtral.acceptProposal");
    assert.equal(again.document.getText(), `// typed above\n${HEAD}${ANSWER_CODE}\n${TAIL}`);
  });

  it("an edit inside the proposal cancels it, keeping every character the user sees", async () => {
    const editor = await proposed();
    await editor.edit((b) => b.insert(new vscode.Position(3, 0), "// mine\n"));
    const kept = SHOWN.replace("  return a + b;\n", "// mine\n  return a + b;\n");
    assert.equal(editor.document.getText(), kept);
    const s = await state();
    assert.equal(s.pending, false, "cancelled");
    assert.deepEqual(s.decorated, { removed: [], added: [], tail: [] });
    await vscode.commands.executeCommand("mixtral.acceptProposal");
    assert.equal(editor.document.getText(), kept, "Accept All after the cancel changes nothing");
  });

  it("a second edit while one is pending rejects the pending one first, then shows the new one", async () => {
    const editor = await proposed();
    const requests = server.requests.length;
    editor.selection = new vscode.Selection(1, 0, 9, 1);
    await vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "add types again" });
    assert.equal(server.requests.length, requests + 1, "the second refactor was asked for");
    assert.equal(editor.document.getText(), SHOWN, "one proposal shown, not two");
    assert.deepEqual((await state()).decisions, ["pending", "pending"]);
    await vscode.commands.executeCommand("mixtral.rejectProposal");
    assert.equal(editor.document.getText(), ORIGINAL);
  });

  it("closing the file with a proposal pending (not saving) leaves the file on disk as it was and drops the proposal", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-edits-"));
    const file = path.join(dir, "math.ts");
    fs.writeFileSync(file, ORIGINAL);
    try {
      const editor = await proposed(vscode.Uri.file(file));
      const uri = editor.document.uri.toString();
      await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
      assert.equal(fs.readFileSync(file, "utf8"), ORIGINAL, "the file on disk is untouched");
      // The revert's change and the close reach the extension host after the command returns.
      await until(
        "the proposal dropped",
        async () => (await vscode.commands.executeCommand<ProposalState>("mixtral._test.proposal", uri)).pending,
        (pending) => !pending,
      );
      const reopened = await vscode.window.showTextDocument(vscode.Uri.file(file));
      assert.equal(reopened.document.getText(), ORIGINAL);
      assert.deepEqual(await lenses(reopened.document), [], "no lens left on the reopened file");
    } finally {
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
