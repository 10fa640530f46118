// In an untrusted folder the workspace's AGENTS.md is text a stranger wrote that the model would
// obey: it is not added to prompts, and the user is told once, with a way to trust the folder
// (test/fixtures/untrusted-workspace holds an AGENTS.md with an instruction to obey).
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { sendChat } from "../exthost/chatDriver";

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;

describe("untrusted workspace: instruction files", () => {
  let server: ScriptedOpenAi;

  before(async () => {
    await vscode.extensions.getExtension("mixtral-local.mixtral-local")?.activate();
    server = await startScriptedOpenAi({ flavour: "ollama", answer: "Hello." });
    // User settings: restricted settings are read from there in an untrusted folder.
    await config().update("remote.url", server.url, G);
    await config().update("engine", "openai", G);
  });

  after(async () => {
    for (const key of ["remote.url", "engine"]) await config().update(key, undefined, G);
    await server.close();
  });

  it("leaves AGENTS.md out of the chat's prompt and says why once, naming the file", async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const { answer } = await sendChat("Say hello.");
    assert.equal(answer?.content, "Hello.");
    const last = await vscode.commands.executeCommand<{ text: string; sources?: string[] }>("mixtral._test.lastPrompt");
    assert.ok(last.text.includes("Say hello."), last.text);
    assert.ok(!last.text.includes("UNTRUSTED-RULE-9"), last.text);
    assert.ok(!JSON.stringify(server.requests.at(-1)?.body).includes("UNTRUSTED-RULE-9"), "the server never saw it");
    assert.deepEqual(last.sources ?? [], []);
    const view = await vscode.commands.executeCommand<{ instructionsNotice?: string }>("mixtral._test.workspaceIndex");
    assert.equal(
      view.instructionsNotice,
      "Mixtral: this workspace is not trusted, so its instructions for AI assistants (AGENTS.md) are not added to prompts. Trust the workspace to use them.",
    );
  });
});
