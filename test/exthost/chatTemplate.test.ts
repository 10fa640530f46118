// A GGUF's own chat template decides the prompt in the real extension host: a tiny model written
// by `mixtral-local fixture --chat-template chatml` is prompted in ChatML by the chat, a command
// and inline completions (on the real engine), and the Mixtral fixture's chat prompt stays the
// exact Mixtral segments.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as vscode from "vscode";
import { DEFAULT_SYSTEM_PROMPT } from "../../src/core/prompt/defaultTemplates";
import { buildMixtralPrompt } from "../../src/core/prompt/mixtralFormat";
import type { PromptSegment } from "../../src/shared/engineProtocol";
import { STATS_COMMAND, type InlineCompletionStats } from "../../src/vscode/completion/InlineCompletionController";
import { ensureTinyModel, repoRoot } from "../helpers/tinyModel";
import { sendChat } from "./chatDriver";
import { activateExtension } from "./extension";
import { sleep } from "../helpers/wait";

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;
const lastPrompt = async () =>
  (await vscode.commands.executeCommand<{ feature: string; segments: PromptSegment[] }>("mixtral._test.lastPrompt"))!;

/** The template's own text (special runs) and the message texts (plain runs), in order. */
function split(segments: PromptSegment[]): { special: string[]; plain: string[] } {
  const text = segments.filter((s): s is Extract<PromptSegment, { type: "text" }> => s.type === "text");
  return { special: text.filter((s) => s.special).map((s) => s.text), plain: text.filter((s) => !s.special).map((s) => s.text) };
}

describe("the model's own chat template", function () {
  this.timeout(180_000);
  let scratch: string;

  before(async () => {
    await activateExtension();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-chatml-"));
    const file = path.join(scratch, "tiny-chatml.gguf");
    // The CLI the README documents, from the built bundle.
    await promisify(execFile)(process.execPath, [path.join(repoRoot(), "dist", "cli.js"), "fixture", file, "--chat-template", "chatml"], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
    });
    await config().update("engine", "local", G);
    await config().update("modelPath", file, G);
    await config().update("maxTokens", 8, G);
  });

  after(async () => {
    for (const key of ["engine", "modelPath", "maxTokens", "inlineCompletions.multiline"]) await config().update(key, undefined, G);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("the chat prompts a ChatML model in ChatML", async () => {
    await vscode.commands.executeCommand("mixtral.newChat");
    const { answer, notices } = await sendChat("Hi");
    assert.deepEqual(
      notices.filter((n) => n.level === "error"),
      [],
    );
    assert.ok(answer, "the engine answered");
    const last = await lastPrompt();
    assert.equal(last.feature, "chat");
    assert.deepEqual(split(last.segments), {
      special: ["<|im_start|>system\n", "<|im_end|>\n<|im_start|>user\n", "<|im_end|>\n<|im_start|>assistant\n"],
      plain: [DEFAULT_SYSTEM_PROMPT, "Hi"],
    });
  });

  it("a command prompts it in ChatML", async () => {
    const doc = await vscode.workspace.openTextDocument({ language: "javascript", content: "function add(a, b) {\n  return a + b;\n}\n" });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "add types", apply: false });
    const last = await lastPrompt();
    assert.equal(last.feature, "refactor");
    const { special, plain } = split(last.segments);
    assert.deepEqual(special, ["<|im_start|>system\n", "<|im_end|>\n<|im_start|>user\n", "<|im_end|>\n<|im_start|>assistant\n"]);
    assert.ok(plain[1].includes("return a + b;") && plain[1].includes("add types"), plain[1]);
  });

  it("inline completions prompt it in ChatML, the answer primed", async () => {
    await config().update("inlineCompletions.multiline", "never", G);
    const doc = await vscode.workspace.openTextDocument({
      language: "typescript",
      content: "export function total(xs: number[]) {\n  return xs.\n}\n",
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 12, 1, 12);
    const stats = async () => (await vscode.commands.executeCommand<InlineCompletionStats>(STATS_COMMAND))!;
    const before = (await stats()).modelRequests;
    await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    for (let i = 0; i < 600 && (await lastPrompt()).feature !== "inlineCompletion"; i++) await sleep(50);
    const last = await lastPrompt();
    assert.equal(last.feature, "inlineCompletion");
    assert.ok((await stats()).modelRequests > before);
    const { special, plain } = split(last.segments);
    // No end of turn after the primed answer: the model continues the cursor line.
    assert.deepEqual(special, ["<|im_start|>user\n", "<|im_end|>\n<|im_start|>assistant\n"]);
    assert.equal(plain[1], "```typescript\n  return xs.");
  });

  it("the Mixtral fixture's chat prompt stays Mixtral's exact segments", async () => {
    await config().update("modelPath", await ensureTinyModel(), G);
    await vscode.commands.executeCommand("mixtral.newChat");
    const { answer } = await sendChat("Hi");
    assert.ok(answer, "the engine answered");
    const last = await lastPrompt();
    assert.deepEqual(
      last.segments,
      buildMixtralPrompt([
        { role: "system", content: DEFAULT_SYSTEM_PROMPT },
        { role: "user", content: "Hi" },
      ]),
    );
  });
});
