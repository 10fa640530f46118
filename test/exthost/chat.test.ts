// The chat view inside the real extension host: the provider is registered for the manifest's
// view id, the view opens, and the chat commands run with nothing streaming.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { drainPosts, sendChat } from "./chatDriver";
import { activateExtension, ourExtension } from "./extension";
import { waitFor } from "../helpers/wait";
import { ChatViewProvider } from "../../src/vscode/chat/ChatViewProvider";

describe("chat view (extension host)", () => {
  before(async () => {
    await activateExtension();
  });

  it("declares the webview view the provider is registered for", () => {
    const manifest = ourExtension()?.packageJSON as { contributes: { views: Record<string, { id: string; type?: string }[]> } };
    const view = manifest.contributes.views.mixtral.find((v) => v.id === ChatViewProvider.viewId);
    assert.equal(view?.type, "webview");
  });

  it("opens the chat view: the provider resolves it, the page says ready and the host replays", async () => {
    // Hidden first, so that showing it loads a new page (retainContextWhenHidden is off), whether or
    // not an earlier test opened it. VS Code's focus command exists without a provider too: only
    // the replay, which answers the page's `ready`, shows that ours served the view.
    await vscode.commands.executeCommand("workbench.action.closeSidebar");
    await drainPosts();
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
    const seen: string[] = [];
    await waitFor(
      "the replay after the view's ready",
      async () => {
        seen.push(...(await drainPosts()).map((p) => p.type));
        return seen.includes("transcript");
      },
      30_000,
    );
    assert.ok(
      ["header", "history", "transcript"].every((t) => seen.includes(t)),
      `posted: ${seen.join(", ")}`,
    );
  });

  it("runs New Chat and Stop Generating when nothing is streaming", async () => {
    await vscode.commands.executeCommand("mixtral.stopGenerating");
    await vscode.commands.executeCommand("mixtral.newChat");
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes("mixtral.newChat"));
    assert.ok(commands.includes("mixtral.stopGenerating"));
  });

  describe("a slash command with a broken mixtral.prompts template", () => {
    const config = () => vscode.workspace.getConfiguration("mixtral");
    const G = vscode.ConfigurationTarget.Global;
    let server: ScriptedOpenAi;

    before(async () => {
      server = await startScriptedOpenAi({ flavour: "ollama", answer: "It adds two numbers." });
      await config().update("remote.url", server.url, G);
      await config().update("engine", "openai", G);
      await config().update("prompts.explain", "Explain {{ selection ", G);
    });

    after(async () => {
      for (const key of ["remote.url", "engine", "prompts.explain"]) await config().update(key, undefined, G);
      await server.close();
    });

    it("answers from the built-in prompt and says so, as the commands do", async () => {
      const code = "function add(a, b) {\n  return a + b;\n}";
      const { notices, answer } = await sendChat("/explain", [
        { fileName: "add.js", languageId: "javascript", startLine: 1, endLine: 3, code },
      ]);
      const warning = notices.find((n) => n.message.includes("mixtral.prompts.explain"));
      assert.ok(warning, JSON.stringify(notices));
      assert.match(warning.message, /^The mixtral\.prompts\.explain prompt template .*line 1.* The built-in prompt was used\.$/);
      assert.equal(answer?.content, "It adds two numbers.");
      // The built-in explain template went to the server, with the code.
      const sent = JSON.stringify(server.requests.at(-1)?.body);
      assert.ok(sent.includes("return a + b;") && !sent.includes("{{ selection"), sent);
    });
  });
});
