// The host side of the chat's `@`-mentions in the real extension host, with real editor tabs: the
// listing carries no file contents, a listed handle reads the file's current text, and a handle the
// host never offered (a forged one, or a file no longer open) reads nothing.
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
    const items = openFiles.list("");
    const names = items.map((i) => i.name);
    assert.ok(names.indexOf("beta.py") >= 0 && names.indexOf("beta.py") < names.indexOf("alpha.ts"), `order: ${names.join(", ")}`);
    assert.ok(!JSON.stringify(items).includes("export const alpha"), "a listing must not carry file text");
    assert.deepEqual(openFiles.list("alp").map((i) => i.name), ["alpha.ts"]);
  });

  it("reads a listed file's current text when the message is sent", async () => {
    const item = openFiles.list("alpha")[0];
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.fileName.endsWith("alpha.ts"))
      ?? await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(dir, "alpha.ts")));
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), "export const edited = true;\n"));
    const result = await openFiles.resolve([mention(item.id, item.name)]);
    assert.ok("attachments" in result, JSON.stringify(result));
    assert.match(result.attachments[0].code, /export const alpha = 1;/);
    assert.match(result.attachments[0].code, /export const edited = true;/, "unsaved edits are what the user sees, so they are sent");
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
