// The Mixtral view's Stop (the `mixtral.generating` context key) belongs to the view's own answer:
// a VS Code chat answer on the same engine neither shows it nor is stopped by it, and another answer
// ending never hides it while the view's answer runs. Both answers stream from a scripted
// OpenAI-compatible server that holds an answer mid-way.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { drainPosts, exchangeOf } from "./chatDriver";
import { activateExtension } from "./extension";
import { waitFor } from "../helpers/wait";

const ANSWER = "First part. Second part.";
const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;

async function viewStopShown(): Promise<boolean> {
  const keys = await vscode.commands.executeCommand<Record<string, boolean>>("mixtral._test.contextKeys");
  return keys["mixtral.generating"] ?? false;
}

function lmModel(): Promise<vscode.LanguageModelChat> {
  return waitFor(
    "the server's model in vscode.lm",
    async () => {
      const [model] = await vscode.lm.selectChatModels({ vendor: "mixtral-local" });
      return model?.name.startsWith("Mixtral (openai)") && model;
    },
    20_000,
  );
}

async function lmAnswer(model: vscode.LanguageModelChat, question: string): Promise<string> {
  let text = "";
  const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(question)], {});
  for await (const part of response.stream) if (part instanceof vscode.LanguageModelTextPart) text += part.value;
  return text;
}

describe("the Mixtral view's Stop (mixtral.generating)", function () {
  this.timeout(60_000);
  let server: ScriptedOpenAi;

  before(async () => {
    await activateExtension();
    server = await startScriptedOpenAi({ flavour: "openai", answer: ANSWER });
    await config().update("remote.url", server.url, G);
    await config().update("engine", "openai", G);
  });

  after(async () => {
    for (const key of ["remote.url", "engine"]) await config().update(key, undefined, G);
    await server.close();
  });

  it("is not shown during a VS Code chat answer, and the command does not stop that answer", async () => {
    const model = await lmModel();
    server.pauseAfter = "First";
    const answering = lmAnswer(model, "Explain recursion");
    await server.whenPaused();
    server.pauseAfter = undefined;
    assert.equal(await viewStopShown(), false);
    await vscode.commands.executeCommand("mixtral.stopGenerating");
    server.resume();
    assert.equal(await answering, ANSWER);
    assert.equal(await viewStopShown(), false);
  });

  it("stays shown while the view's answer runs though another answer ends, and stops the view's answer", async () => {
    const model = await lmModel();
    await vscode.commands.executeCommand("mixtral.newChat");
    await drainPosts();
    server.pauseAfter = "First";
    const sending = vscode.commands.executeCommand("mixtral._test.chatMessage", {
      type: "send",
      text: "Explain closures",
      attachments: [],
    });
    await server.whenPaused();
    server.pauseAfter = undefined;
    assert.equal(await viewStopShown(), true);
    assert.equal(await lmAnswer(model, "Explain recursion"), ANSWER);
    assert.equal(await viewStopShown(), true, "another answer's end hid the view's Stop");
    await vscode.commands.executeCommand("mixtral.stopGenerating");
    await sending;
    const { answer } = exchangeOf(await drainPosts());
    assert.equal(answer?.incomplete, true);
    assert.match(answer?.incompleteReason ?? "", /^stopped/);
    assert.equal(await viewStopShown(), false);
    server.cut();
  });
});
