// Next-edit suggestions inside a real VS Code. A scripted OpenAI-compatible server on 127.0.0.1
// answers every request with the file rewritten so that the renamed parameter is also renamed at
// its use further down; the user's rename in the signature is made through the editor API. Then:
// the hint at the cursor, Tab (the command its keybinding runs) jumps, Tab accepts as one undo
// step, Esc dismisses, typing elsewhere dismisses. On the local engine (the tiny model), an edit
// sends the next-edit prompt to the engine, and "auto" stays off on its CPU.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { NextEditTestState } from "../../src/vscode/nextEdit/NextEditController";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { ensureTinyModel } from "../helpers/tinyModel";
import { NEXT_EDIT_BEFORE } from "../helpers/nextEditSample";
import { waitFor as waitForValue } from "../helpers/wait";

const BEFORE = NEXT_EDIT_BEFORE;
const EDITED = BEFORE.replace("count: number", "quantity: number");
const NEXT = EDITED.replace("${count}", "${quantity}");

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;
const SETTINGS = ["engine", "remote.url", "modelPath", "nextEdit.enabled", "nextEdit.debounceMs"];
const state = async () => (await vscode.commands.executeCommand<NextEditTestState>("mixtral._test.nextEdit"))!;

const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> =>
  waitForValue(what, probe, timeoutMs, async () => JSON.stringify(await state()));

/** Opens BEFORE and makes the user's rename in the signature, the cursor after it. */
async function renameInSignature(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content: BEFORE, language: "typescript" });
  const editor = await vscode.window.showTextDocument(doc);
  const at = BEFORE.indexOf("count: number");
  const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + "count".length));
  editor.selection = new vscode.Selection(range.end, range.end);
  await editor.edit((b) => b.replace(range, "quantity"));
  const end = doc.positionAt(at + "quantity".length);
  editor.selection = new vscode.Selection(end, end);
  assert.equal(doc.getText(), EDITED);
  return editor;
}

const shown = () => waitFor("a suggestion shown", async () => (await state()).shown);

describe("next-edit suggestions", function () {
  this.timeout(120_000);

  describe("from a remote OpenAI-compatible server", () => {
    let server: ScriptedOpenAi;
    before(async () => {
      await vscode.extensions.getExtension("mixtral-local.mixtral-local")?.activate();
      server = await startScriptedOpenAi({ flavour: "llamaServer", answer: `${NEXT}\`\`\`\n` });
      await config().update("remote.url", server.url, G);
      await config().update("engine", "openai", G);
      await config().update("nextEdit.debounceMs", 50, G);
    });
    afterEach(async () => {
      await vscode.commands.executeCommand("mixtral.dismissNextEdit");
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    });
    after(async () => {
      for (const key of SETTINGS) await config().update(key, undefined, G);
      await server?.close();
    });

    it("is on by default with a remote server; after the rename, a hint at the cursor; Tab jumps, Tab accepts as one undo step", async () => {
      assert.deepEqual((await state()).decision, { on: true });
      const editor = await renameInSignature();
      const s = await shown();
      assert.deepEqual(
        { ...s, hint: undefined },
        { mode: "hint", startLine: 6, endLine: 6, removed: "count", inserted: "quantity", hint: undefined },
      );
      assert.equal(s.hint, "⇥ Tab to jump to line 7 (Mixtral next edit; Esc dismisses)");
      assert.equal(editor.document.getText(), EDITED, "nothing written before it is accepted");
      const prompt = await vscode.commands.executeCommand<{ feature: string; text: string }>("mixtral._test.lastPrompt");
      assert.equal(prompt?.feature, "nextEdit");
      assert.ok(
        prompt?.text.includes(
          "-export function lineTotal(price: number, count: number): number {\n+export function lineTotal(price: number, quantity: number): number {",
        ),
        "the rename as a diff in the prompt",
      );

      await vscode.commands.executeCommand("mixtral.acceptNextEdit");
      assert.equal(editor.selection.active.line, 6, "Tab jumped to the change");
      assert.equal((await state()).shown?.mode, "inline", "shown in place once the cursor is there");
      assert.equal(editor.document.getText(), EDITED);

      await vscode.commands.executeCommand("mixtral.acceptNextEdit");
      assert.equal(editor.document.getText(), NEXT, "Tab accepted exactly the suggestion");
      // The prefetch asks at once; the server's answer is now the file as it is: nothing to show.
      await waitFor("the prefetched answer", async () => (await state()).outcomes.at(-1) === "none: unchanged" || undefined);
      assert.equal((await state()).shown, undefined);
      await vscode.commands.executeCommand("undo");
      assert.equal(editor.document.getText(), EDITED, "one undo takes the accepted suggestion back");
    });

    it("Esc dismisses the suggestion; the document is unchanged", async () => {
      const editor = await renameInSignature();
      await shown();
      await vscode.commands.executeCommand("mixtral.dismissNextEdit");
      assert.equal((await state()).shown, undefined);
      assert.equal(editor.document.getText(), EDITED);
    });

    it("typing elsewhere dismisses it at once", async () => {
      await config().update("nextEdit.debounceMs", 3000, G);
      try {
        const editor = await renameInSignature();
        // The suggestion comes after the (long) pause; the edit below comes well within the next one.
        await waitFor("the request", async () => (await state()).shown, 10_000);
        await editor.edit((b) => b.insert(new vscode.Position(10, 0), "// logs\n"));
        assert.equal((await state()).shown, undefined, "dismissed by the edit");
      } finally {
        await config().update("nextEdit.debounceMs", 50, G);
      }
    });
  });

  describe("on the local engine (tiny model)", () => {
    before(async () => {
      await config().update("modelPath", await ensureTinyModel(), G);
      await config().update("nextEdit.debounceMs", 50, G);
    });
    after(async () => {
      for (const key of SETTINGS) await config().update(key, undefined, G);
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    });

    it('sends the next-edit prompt to the engine when on; "auto" stays off on a CPU', async () => {
      await config().update("nextEdit.enabled", "on", G);
      const before = await state();
      await renameInSignature();
      const s = await waitFor(
        "the engine's answer",
        async () => {
          const now = await state();
          return now.requests > before.requests && !now.busy && now.outcomes.length > before.outcomes.length && now;
        },
        90_000,
      );
      assert.ok(!s.outcomes.at(-1)!.startsWith("failed"), s.outcomes.at(-1));
      const prompt = await vscode.commands.executeCommand<{ feature: string; text: string }>("mixtral._test.lastPrompt");
      assert.equal(prompt?.feature, "nextEdit");
      assert.ok(prompt?.text.includes("quantity<|user_cursor_is_here|>: number"));
      await config().update("nextEdit.enabled", "auto", G);
      const decision = (await state()).decision;
      assert.equal(decision.on, false);
      assert.match(decision.on ? "" : decision.reason, /CPU/);
    });
  });
});
