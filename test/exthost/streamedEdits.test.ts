// Edits streamed into the editor, inside a real VS Code: the scripted OpenAI-compatible server on
// 127.0.0.1 holds its answer after the first changed line, so the test sees the inline diff while
// the answer is still coming (hunks so far, the original lines not reached yet dimmed, the line
// being written marked), then lets it finish, cuts it, or has the user cancel or type meanwhile;
// the document's text is checked exactly each time.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ScriptedOpenAi } from "../helpers/openAiServers";
import {
  ADD,
  ANSWER_CODE,
  HEAD,
  ORIGINAL,
  proposalState as state,
  SHOWN,
  startEditsServer,
  stopEditsServer,
  SUB,
  TAIL,
  type ProposalState,
} from "./editsFixture";
import { until } from "../helpers/wait";

const G = vscode.ConfigurationTarget.Global;

/** Held after the blank line below the first function: its hunk is whole, the second function not reached. */
const MID = HEAD + `function add(a, b) {\n${ADD}  return a + b;\n}\n` + "\nfunction sub(a, b) {\n  return a - b;\n}\n" + TAIL;

async function lensTitles(doc: vscode.TextDocument): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", doc.uri);
  return lenses
    .filter((l) => l.command?.title.includes("Mixtral") || l.command?.command.startsWith("mixtral."))
    .map((l) => l.command!.title);
}

describe("edits streamed into the editor", function () {
  this.timeout(120_000);
  let server: ScriptedOpenAi;

  before(async () => {
    server = await startEditsServer();
  });

  afterEach(() => {
    server.pauseAfter = undefined;
    server.resume();
  });

  after(() => stopEditsServer(server));

  /** Asks for the refactor of the two functions with the answer held after the first function;
   *  returns once the editor shows that much. */
  async function midStream(file?: vscode.Uri): Promise<{ editor: vscode.TextEditor; running: Thenable<unknown> }> {
    const doc = file
      ? await vscode.workspace.openTextDocument(file)
      : await vscode.workspace.openTextDocument({ content: ORIGINAL, language: "typescript" });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 7, 1);
    server.pauseAfter = "  return a + b;\n}\n\n";
    const running = vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "add types" });
    await server.whenPaused();
    await until(
      "the first function streamed in",
      () => doc.getText(),
      (t) => t === MID,
    );
    return { editor, running };
  }

  it("shows the hunks written so far while the answer streams, the rest dimmed, then the whole proposal; one Undo gives back the original", async () => {
    const { editor, running } = await midStream();
    const mid = await until("the decorations mid-stream", state, (s) => s.decorated?.added.length === 1);
    assert.equal(mid.streaming, true);
    assert.equal(mid.pending, false, "nothing to decide while it streams");
    // Line 1: the original signature (removed), 2: the proposed one (added), 3-5 unchanged so far,
    // 6-8: the original lines the answer has not reached, the first of them marked as being written.
    assert.deepEqual(mid.decorated, { removed: [1], added: [2], tail: [6, 7, 8], writing: 6 });
    const titles = await lensTitles(editor.document);
    assert.ok(titles.some((t) => t.includes("Mixtral is writing")) && titles.includes("Cancel (Ctrl+Alt+N)"), titles.join(" | "));
    assert.ok(!titles.some((t) => t.startsWith("Accept")), "no Accept while it streams");
    await vscode.commands.executeCommand("mixtral.acceptProposal");
    assert.equal(editor.document.getText(), MID, "Accept All mid-stream changes nothing");

    server.resume();
    await running;
    assert.equal(editor.document.getText(), SHOWN, "the complete proposal");
    const done = await state();
    assert.deepEqual([done.streaming, done.pending, done.decisions], [false, true, ["pending", "pending"]]);
    assert.deepEqual(done.decorated, { removed: [1, 6], added: [2, 7], tail: [] });
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand("undo");
    assert.equal(editor.document.getText(), ORIGINAL, "the streamed lines were one Undo step");
    assert.equal((await state()).pending, false);
  });

  it("Cancel mid-stream (the lens, Ctrl+Alt+N) stops the answer and restores the original exactly", async () => {
    const { editor, running } = await midStream();
    const requests = server.requests.length;
    await vscode.commands.executeCommand("mixtral.rejectProposal", editor.document.uri.toString());
    assert.equal(editor.document.getText(), ORIGINAL);
    server.resume();
    await running;
    assert.equal(editor.document.getText(), ORIGINAL, "nothing more was shown after the cancel");
    const s = await state();
    assert.deepEqual([s.streaming, s.pending], [false, false]);
    assert.deepEqual(s.decorated, { removed: [], added: [], tail: [] });
    assert.equal(server.requests.length, requests, "no new request");
  });

  it("a connection lost mid-answer restores the original exactly", async () => {
    const { editor, running } = await midStream();
    server.cut();
    await running;
    assert.equal(editor.document.getText(), ORIGINAL);
    assert.deepEqual((await state()).decorated, { removed: [], added: [], tail: [] });
  });

  it("typing inside the lines mid-stream stops the answer: the user's edits stay, the proposed lines they did not touch go", async () => {
    const { editor, running } = await midStream();
    // In an original line not reached yet (line 7: "  return a - b;"), and on the proposed line 2.
    await editor.edit((b) => {
      b.insert(new vscode.Position(7, 0), "  // mine\n");
    });
    await until(
      "the proposed lines taken out",
      () => editor.document.getText(),
      (t) => !t.includes(ADD),
    );
    assert.equal(editor.document.getText(), ORIGINAL.replace("  return a - b;", "  // mine\n  return a - b;"));
    server.resume();
    await running;
    assert.equal(editor.document.getText(), ORIGINAL.replace("  return a - b;", "  // mine\n  return a - b;"), "nothing more was shown");

    const again = await midStream();
    await again.editor.edit((b) => b.insert(new vscode.Position(2, 0), "// typed on the proposed line "));
    await until("the stream stopped", state, (s) => !s.streaming);
    assert.equal(
      again.editor.document.getText(),
      MID.replace(ADD, `// typed on the proposed line ${ADD}`),
      "the line the user typed on is theirs now, kept whole",
    );
    server.resume();
    await again.running;
  });

  it("typing above the lines mid-stream only moves them; the proposal completes below the typed line", async () => {
    const { editor, running } = await midStream();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), "// typed above\n"));
    server.resume();
    await running;
    assert.equal(editor.document.getText(), `// typed above\n${SHOWN}`);
    await vscode.commands.executeCommand("mixtral.acceptProposal");
    assert.equal(editor.document.getText(), `// typed above\n${HEAD}${ANSWER_CODE}\n${TAIL}`);
  });

  it("a window reload mid-stream or with a proposal pending: the new extension host takes the proposed lines out of the restored document", async () => {
    const { editor, running } = await midStream();
    await vscode.commands.executeCommand("mixtral._test.reloadProposals");
    assert.equal(editor.document.getText(), ORIGINAL, "mid-stream: the original exactly");
    server.resume();
    await running;
    assert.equal(editor.document.getText(), ORIGINAL, "the old answer shows nothing more");

    server.pauseAfter = undefined;
    editor.selection = new vscode.Selection(1, 0, 7, 1);
    await vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "add types" });
    assert.equal(editor.document.getText(), SHOWN);
    await vscode.commands.executeCommand("mixtral.acceptProposalHunk", editor.document.uri.toString(), 0);
    await vscode.commands.executeCommand("mixtral._test.reloadProposals");
    assert.equal(
      editor.document.getText(),
      ORIGINAL.replace("function add(a, b) {\n", ADD),
      "pending: the accepted change stays, the pending one's proposed line goes",
    );
  });

  it("saving mid-stream and with a proposal pending writes the file without the proposed lines; the editor keeps showing them", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-save-"));
    const file = path.join(dir, "math.ts");
    fs.writeFileSync(file, ORIGINAL);
    // Auto save after a delay (code-server's default) writes both versions: see the README.
    await vscode.workspace.getConfiguration("files").update("autoSave", "off", G);
    try {
      const { editor, running } = await midStream(vscode.Uri.file(file));
      assert.ok(await editor.document.save(), "saved");
      assert.equal(fs.readFileSync(file, "utf8"), ORIGINAL, "mid-stream: the file on disk is the original");
      await until(
        "the lines so far shown again after the save",
        () => editor.document.getText(),
        (t) => t === MID,
      );
      assert.equal(editor.document.isDirty, true, "and so differs from the file");
      assert.equal((await state()).streaming, true);
      server.resume();
      await running;
      assert.equal(editor.document.getText(), SHOWN, "the answer completed after the save");

      await vscode.commands.executeCommand("mixtral.acceptProposalHunk", editor.document.uri.toString(), 1);
      await vscode.commands.executeCommand("workbench.action.files.save");
      await until(
        "the pending line shown again",
        () => editor.document.getText(),
        (t) => t.includes(ADD),
      );
      const accepted = ORIGINAL.replace("function sub(a, b) {\n", SUB);
      assert.equal(fs.readFileSync(file, "utf8"), accepted, "pending: the accepted change is saved, the pending one is not");
      const s = await state();
      assert.deepEqual([s.pending, s.decisions], [true, ["pending", "accepted"]], "the proposal waits on");
      assert.deepEqual(s.decorated, { removed: [1], added: [2], tail: [] });
      await vscode.commands.executeCommand("mixtral.acceptProposal");
      assert.ok(await editor.document.save());
      assert.equal(fs.readFileSync(file, "utf8"), `${HEAD}${ANSWER_CODE}\n${TAIL}`);
    } finally {
      await vscode.workspace.getConfiguration("files").update("autoSave", undefined, G);
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("closing the document mid-stream stops the answer and leaves nothing behind", async () => {
    const { editor, running } = await midStream();
    const uri = editor.document.uri.toString();
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
    server.resume();
    await running;
    const s = await vscode.commands.executeCommand<ProposalState>("mixtral._test.proposal", uri);
    assert.deepEqual([s.streaming, s.pending], [false, false]);
  });
});
