// Errors keep their next steps in the chat: each error carries a code from where it was raised,
// and the one table (src/vscode/describeError.ts) gives its actions, all of which the chat
// notice carries. A 401 from a scripted OpenAI-compatible server offers Set Remote API Key (the
// command its message names); a model too large for this machine offers Select Model, Load Anyway
// and Doctor. Every action runs a command that exists.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { writeSparseMixtral } from "../helpers/sparseMixtral";
import { GpuBuildError, GpuPackError } from "../../src/core/errors";
import { ACTION_COMMANDS, describeError } from "../../src/vscode/describeError";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { sendChat } from "./chatDriver";
import { activateExtension } from "./extension";

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;

describe("error actions in the chat", function () {
  this.timeout(120_000);
  let server: ScriptedOpenAi | undefined;
  let scratch: string;

  before(async () => {
    await activateExtension();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-error-actions-"));
  });

  after(async () => {
    for (const key of ["engine", "remote.url", "modelPath"]) await config().update(key, undefined, G);
    await server?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("every action runs a registered command", async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const [action, command] of Object.entries(ACTION_COMMANDS))
      assert.ok(commands.has(command), `${action} → ${command} is not registered`);
  });

  it("GPU pack and GPU build failures offer their own next steps from the table", () => {
    assert.deepEqual(describeError(new GpuPackError("The download of the CUDA pack failed.")).actions, [
      "installGpuPackFromFile",
      "showLog",
      "doctor",
    ]);
    assert.deepEqual(describeError(new GpuBuildError("GPU support cannot be built here. Missing: nvcc.")).actions, ["showLog", "doctor"]);
  });

  it("a 401 from the server offers Set Remote API Key, the command its message names", async () => {
    server = await startScriptedOpenAi({
      flavour: "openai",
      answer: "unused",
      failWith: {
        status: 401,
        message: "Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.",
      },
    });
    await config().update("remote.url", server.url, G);
    await config().update("engine", "openai", G);
    const { notices } = await sendChat("Hello?");
    const error = notices.find((n) => n.level === "error");
    assert.ok(error, JSON.stringify(notices));
    assert.match(error.message, /refused the request \(401/);
    assert.match(error.message, /Mixtral: Set Remote API Key/);
    assert.deepEqual(error.actions, ["setRemoteApiKey", "showLog"]);
  });

  it("a model too large for this machine offers Select Model, Load Anyway and Doctor", async () => {
    // A full-size Mixtral-8x7B Q4_K_M (26 GB of weights) written sparse: the fit check refuses it.
    const file = path.join(scratch, "mixtral-8x7b-instruct-v0.1.Q4_K_M.gguf");
    await writeSparseMixtral(file, { quantization: "Q4_K_M" });
    await config().update("engine", "local", G);
    await config().update("modelPath", file, G);
    const { notices } = await sendChat("Hello?");
    const error = notices.find((n) => n.level === "error");
    assert.ok(error, JSON.stringify(notices));
    assert.match(error.message, /needs about \d+(\.\d)? GB/);
    assert.deepEqual(error.actions, ["selectModel", "loadAnyway", "doctor"]);
  });
});
