// The chat view inside the real extension host: the provider is registered for the manifest's
// view id, the view opens, and the chat commands run with nothing streaming.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";

const EXTENSION_ID = "mixtral-local.mixtral-local";

describe("chat view (extension host)", () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it("declares the webview view the provider is registered for", () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { views: Record<string, { id: string; type?: string }[]> } };
    const view = manifest.contributes.views.mixtral.find((v) => v.id === "mixtral.chatView");
    assert.equal(view?.type, "webview");
  });

  it("opens the chat view", async () => {
    // Rejects when no provider is registered for the view id.
    await vscode.commands.executeCommand("mixtral.chatView.focus");
  });

  it("runs New Chat and Stop Generating when nothing is streaming", async () => {
    await vscode.commands.executeCommand("mixtral.stopGenerating");
    await vscode.commands.executeCommand("mixtral.newChat");
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes("mixtral.newChat"));
    assert.ok(commands.includes("mixtral.stopGenerating"));
  });
});
