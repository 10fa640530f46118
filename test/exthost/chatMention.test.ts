// The host side of the chat's `@`-mentions in the real extension host, with real editor tabs: the
// listing carries no file contents, a listed handle reads the file's current text, and a handle the
// host never offered (a forged one, or a file no longer open) reads nothing. A tab whose document
// is not loaded is labelled with its length from disk.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { OpenFiles } from "../../src/vscode/chat/openFiles";
import type { Attachment } from "../../src/shared/protocol";

function mention(id: string, fileName: string): Attachment {
  return { fileName, languageId: "plaintext", code: "", startLine: 1, endLine: 1, mention: id };
}

describe("chat @-mentions (extension host)", () => {
  let dir: string;
  let openFiles: OpenFiles;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-mention-"));
    fs.writeFileSync(path.join(dir, "alpha.ts"), "export const alpha = 1;\n");
    fs.writeFileSync(path.join(dir, "beta.py"), "def beta():\n    return 2\n");
    openFiles = new OpenFiles();
  });

  after(async () => {
    openFiles.dispose();
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lists the files open in tabs, most recent first, without their contents", async () => {
    for (const name of ["alpha.ts", "beta.py"]) {
      const doc = await vscode.workspace.openTextDocument(path.join(dir, name));
      await vscode.window.showTextDocument(doc, { preview: false });
    }
    const items = await openFiles.list("");
    const names = items.map((i) => i.name);
    assert.ok(names.indexOf("beta.py") >= 0 && names.indexOf("beta.py") < names.indexOf("alpha.ts"), `order: ${names.join(", ")}`);
    assert.ok(!JSON.stringify(items).includes("export const alpha"), "a listing must not carry file text");
    assert.deepEqual(
      (await openFiles.list("alp")).map((i) => i.name),
      ["alpha.ts"],
    );
  });

  it("reads a listed file's current text when the message is sent", async () => {
    const item = (await openFiles.list("alpha"))[0];
    const editor =
      vscode.window.visibleTextEditors.find((e) => e.document.fileName.endsWith("alpha.ts")) ??
      (await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(dir, "alpha.ts"))));
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), "export const edited = true;\n"));
    const result = await openFiles.resolve([mention(item.id, item.name)]);
    assert.ok("attachments" in result, JSON.stringify(result));
    assert.match(result.attachments[0].code, /export const alpha = 1;/);
    assert.match(result.attachments[0].code, /export const edited = true;/, "unsaved edits are what the user sees, so they are sent");
  });

  it("labels a tab whose document is not loaded with its real length, never 0 lines", async () => {
    // A tab restored at VS Code startup has no document until it is shown; a test cannot restart
    // the window, so the labelling is checked on real files that no document has loaded.
    const crlf = path.join(dir, "unloaded.txt");
    const crlfText = "one\r\ntwo\r\nthree\r\n";
    fs.writeFileSync(crlf, crlfText);
    const big = path.join(dir, "big.log");
    fs.writeFileSync(big, "x".repeat(99) + "\n".repeat(1) + "y\n".repeat(300_000));
    const empty = path.join(dir, "empty.txt");
    fs.writeFileSync(empty, "");
    for (const f of [crlf, big, empty]) {
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === f), `${f} must not be loaded`);
    }
    assert.deepEqual(await openFiles.fromDisk(vscode.Uri.file(crlf)), { lineCount: 3, sizeBytes: Buffer.byteLength(crlfText) });
    // Too large to count on a keystroke: its size instead (the view shows "586 KB", not "0 lines").
    assert.deepEqual(await openFiles.fromDisk(vscode.Uri.file(big)), { lineCount: 0, sizeBytes: fs.statSync(big).size });
    assert.deepEqual(await openFiles.fromDisk(vscode.Uri.file(empty)), { lineCount: 1, sizeBytes: 0 });
    // Changed on disk: counted again.
    fs.appendFileSync(crlf, "four\n");
    assert.equal((await openFiles.fromDisk(vscode.Uri.file(crlf))).lineCount, 4);
    assert.deepEqual(await openFiles.fromDisk(vscode.Uri.file(path.join(dir, "gone.txt"))), { lineCount: 0 });
    assert.deepEqual(await openFiles.fromDisk(vscode.Uri.parse("untitled:Untitled-9")), { lineCount: 0 });
    for (const f of [crlf, big, empty]) {
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === f), `counting must not load ${f}`);
    }
  });

  it("lists a loaded tab with its document's line count, unsaved edits included", async () => {
    // alpha.ts holds one line on disk and one more unsaved in its editor (the test above).
    const item = (await openFiles.list("alpha"))[0];
    assert.equal(item.name, "alpha.ts");
    assert.equal(item.lineCount, 2);
    assert.equal(item.sizeBytes, undefined, "a loaded document is measured, not the file on disk");
    assert.equal((await openFiles.fromDisk(vscode.Uri.file(path.join(dir, "alpha.ts")))).lineCount, 1);
  });

  it("refuses a handle the host never offered", async () => {
    const forged = vscode.Uri.file(os.platform() === "win32" ? "C:\\Windows\\win.ini" : "/etc/passwd").toString();
    const result = await openFiles.resolve([mention(forged, "passwd")]);
    assert.ok("error" in result, "a forged handle must not be read");
    assert.match(result.error, /no longer open/);
  });

  it("refuses a file whose tab was closed and never listed by this host", async () => {
    const fresh = new OpenFiles();
    try {
      const uri = vscode.Uri.file(path.join(dir, "beta.py"));
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
      const result = await fresh.resolve([mention(uri.toString(), "beta.py")]);
      assert.ok("error" in result);
    } finally {
      fresh.dispose();
    }
  });
});
