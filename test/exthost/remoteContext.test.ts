// An OpenAI-compatible server that lists no context size (what Ollama, LM Studio and OpenAI return
// from GET /v1/models) inside the real extension host: the chat, a command and inline completions
// all work with mixtral.contextSize assumed, and when the server refuses a conversation as too long
// and states its limit, the chat fits the conversation to it and answers (one retry, with a notice).
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { STATS_COMMAND, type InlineCompletionStats } from "../../src/vscode/completion/InlineCompletionController";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { drainPosts, exchangeOf, sendChat } from "./chatDriver";
import { activateExtension } from "./extension";
import { sleep } from "../helpers/wait";

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;
const ANSWER = "reduce((a, b) => a + b, 0);";

async function useServer(server: ScriptedOpenAi): Promise<void> {
  await config().update("remote.url", server.url, G);
  await config().update("engine", "openai", G);
}

describe("OpenAI-compatible servers without a listed context size", function () {
  this.timeout(120_000);
  let server: ScriptedOpenAi | undefined;

  before(async () => {
    await activateExtension();
    await config().update("maxTokens", 16, G);
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  after(async () => {
    for (const key of ["maxTokens", "engine", "remote.url", "inlineCompletions.multiline"]) await config().update(key, undefined, G);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("ollama: the chat answers with mixtral.contextSize assumed (it was refused as 'only 0 fit')", async () => {
    server = await startScriptedOpenAi({ flavour: "ollama", answer: ANSWER });
    await useServer(server);
    const { notices, answer } = await sendChat("What does reduce do?");
    assert.deepEqual(
      notices.filter((n) => n.level === "error"),
      [],
    );
    assert.equal(answer?.content, ANSWER);
    assert.equal(answer?.error, undefined);
  });

  it("lmstudio: Explain Selection answers in the chat", async () => {
    server = await startScriptedOpenAi({ flavour: "lmstudio", answer: ANSWER });
    await useServer(server);
    const doc = await vscode.workspace.openTextDocument({
      language: "javascript",
      content: "const total = xs.reduce((a, b) => a + b, 0);\n",
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    await drainPosts();
    await vscode.commands.executeCommand("mixtral.explainSelection");
    const { notices, answer } = exchangeOf(await drainPosts());
    assert.deepEqual(
      notices.filter((n) => n.level === "error"),
      [],
    );
    assert.equal(answer?.content, ANSWER);
    assert.ok(server.requests.some((r) => r.path === "/v1/chat/completions" && JSON.stringify(r.body).includes("xs.reduce")));
  });

  it("openai: inline completions come from the server", async () => {
    server = await startScriptedOpenAi({ flavour: "openai", answer: ANSWER });
    await useServer(server);
    await config().update("inlineCompletions.multiline", "never", G);
    const doc = await vscode.workspace.openTextDocument({
      language: "typescript",
      content: "export function total(xs: number[]) {\n  return xs.\n}\n",
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 12, 1, 12);
    const stats = async () => (await vscode.commands.executeCommand<InlineCompletionStats>(STATS_COMMAND))!;
    const before = (await stats()).suggestions;
    await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    for (let i = 0; i < 600 && (await stats()).suggestions === before; i++) await sleep(50);
    const after = await stats();
    assert.ok(after.suggestions > before, "a suggestion arrived");
    assert.equal(after.lastSuggestion, ANSWER);
    assert.ok(server.requests.some((r) => r.path === "/v1/completions"));
  });

  it("openai refusing a conversation over its 400-token context: the chat learns the limit, drops the oldest exchange and answers", async () => {
    server = await startScriptedOpenAi({ flavour: "openai", answer: ANSWER, contextSize: 400 });
    await useServer(server);
    await vscode.commands.executeCommand("mixtral.newChat");
    const first = await sendChat(`First: ${"a".repeat(590)}`);
    assert.equal(first.answer?.content, ANSWER);
    const second = await sendChat(`Second: ${"b".repeat(590)}`);
    assert.deepEqual(
      second.notices.filter((n) => n.level === "error").map((n) => n.message),
      [],
    );
    assert.ok(
      second.notices.some((n) =>
        /1 earlier message was left out to fit the model's context \(400 tokens\)|2 earlier messages were left out to fit the model's context \(400 tokens\)/.test(
          n.message,
        ),
      ),
      JSON.stringify(second.notices),
    );
    assert.equal(second.answer?.content, ANSWER);
    const chats = server.requests.filter((r) => r.path === "/v1/chat/completions");
    assert.deepEqual(
      chats.map((r) => r.refused),
      [false, true, false],
      "the first send, the refusal, the fitted retry",
    );
    assert.ok(!JSON.stringify(chats[2].body).includes("First:"), "the retry left the oldest exchange out");
  });
});
