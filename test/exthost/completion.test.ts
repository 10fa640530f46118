// Inline completions inside the real extension host, on the tiny generated model: a suggestion
// appears on request and Tab (inlineSuggest.commit) inserts it; the cache answers a repeat without
// the engine; the enabled switch and language exclusions hold; a storm of edits stays orderly.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { STATS_COMMAND, type InlineCompletionStats as Stats } from "../../src/vscode/completion/InlineCompletionController";
import { ensureTinyModel } from "../helpers/tinyModel";
import { activateExtension } from "./extension";
import { sleep, waitFor } from "../helpers/wait";

const stats = async (): Promise<Stats> => (await vscode.commands.executeCommand<Stats>(STATS_COMMAND))!;

async function editorAt(content: string, language: string, line: number, character: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  const editor = await vscode.window.showTextDocument(doc);
  const pos = new vscode.Position(line, character);
  editor.selection = new vscode.Selection(pos, pos);
  return editor;
}

const config = () => vscode.workspace.getConfiguration("mixtral");

describe("inline completions", function () {
  this.timeout(180_000);

  before(async () => {
    await config().update("modelPath", await ensureTinyModel(), vscode.ConfigurationTarget.Global);
    await config().update("inlineCompletions.multiline", "never", vscode.ConfigurationTarget.Global);
    await activateExtension();
  });

  after(async () => {
    for (const key of ["inlineCompletions.enabled", "inlineCompletions.languages", "inlineCompletions.multiline", "modelPath"]) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("shows a suggestion on request and Tab inserts it; a repeat comes from the cache", async () => {
    const editor = await editorAt("export function total(xs: number[]) {\n  return xs.\n}\n", "typescript", 1, 12);
    const before = await stats();
    await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    const after = await waitFor("a model suggestion", async () => {
      const s = await stats();
      return s.suggestions > before.suggestions ? s : undefined;
    });
    assert.ok(after.lastSuggestion && after.lastSuggestion.trim().length > 0);
    assert.equal(after.peakRunning, 1);

    // Same position again: the cache answers, the engine is not asked.
    await vscode.commands.executeCommand("editor.action.inlineSuggest.hide");
    await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    const cached = await waitFor("a cache hit", async () => {
      const s = await stats();
      return s.cacheHits > after.cacheHits ? s : undefined;
    });
    assert.equal(cached.modelRequests, after.modelRequests);

    const suggestion = cached.lastSuggestion!;
    await waitFor(
      "the suggestion to be committed",
      async () => {
        await vscode.commands.executeCommand("editor.action.inlineSuggest.commit");
        return editor.document.lineAt(1).text !== "  return xs." || undefined;
      },
      20_000,
    );
    assert.equal(editor.document.lineAt(1).text, "  return xs." + suggestion);
  });

  it("asks nothing when inline completions are disabled", async () => {
    await config().update("inlineCompletions.enabled", false, vscode.ConfigurationTarget.Global);
    try {
      await editorAt("const a = 1;\nconst b = \n", "typescript", 1, 10);
      const before = await stats();
      await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
      const after = await waitFor("a skipped request", async () => {
        const s = await stats();
        return (s.skipped.disabled ?? 0) > (before.skipped.disabled ?? 0) ? s : undefined;
      });
      assert.equal(after.requests, before.requests);
      assert.equal(after.modelRequests, before.modelRequests);
    } finally {
      await config().update("inlineCompletions.enabled", undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it("honours language exclusions", async () => {
    await config().update("inlineCompletions.languages", { "*": true, python: false }, vscode.ConfigurationTarget.Global);
    await editorAt("def f(x):\n    return x\n", "python", 1, 12);
    const before = await stats();
    await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    const after = await waitFor("a skipped request", async () => {
      const s = await stats();
      return (s.skipped.language ?? 0) > (before.skipped.language ?? 0) ? s : undefined;
    });
    assert.equal(after.requests, before.requests);
  });

  it("stays orderly under 30 edits a second for 5 seconds", async () => {
    await config().update("inlineCompletions.languages", undefined, vscode.ConfigurationTarget.Global);
    const editor = await editorAt("function main() {\n  \n}\n", "typescript", 1, 2);
    const before = await stats();
    const text = "const values = [1, 2, 3].map((v) => v * 2); console.log(values); ";
    for (let i = 0; i < 150; i++) {
      await vscode.commands.executeCommand("type", { text: text[i % text.length] });
      await sleep(33);
    }
    // Let the last request settle, then check nothing failed and never two ran at once.
    const after = await waitFor("requests to settle", async () => {
      const s = await stats();
      return s.requests > before.requests ? s : undefined;
    });
    await sleep(1000);
    const final = await stats();
    assert.ok(editor.document.lineAt(1).text.length > 100);
    assert.equal(final.peakRunning, 1);
    assert.equal(final.discarded.failed ?? 0, before.discarded.failed ?? 0);
    assert.ok(after.requests > before.requests);
  });
});
