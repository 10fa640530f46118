// In an untrusted folder VS Code takes restricted settings from the user's settings only. The
// folder's .vscode/settings.json (test/fixtures/untrusted-workspace) sets the engine, two prompt
// templates (text the model obeys) and, as the control, maxTokens (not restricted): the extension
// must see the first three at their defaults and the control as the folder set it.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { PROMPT_NAMES } from "../../src/core/config/settings";
import { activateExtension, ourExtension } from "../exthost/extension";

describe("untrusted workspace: restricted settings", () => {
  before(async () => {
    await activateExtension();
  });

  it("runs untrusted (the harness opened the folder with workspace trust on)", () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it("lists mixtral.engine and every mixtral.prompts.* setting as restricted in the manifest", () => {
    const manifest = ourExtension()?.packageJSON as {
      capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
      contributes: { configuration: { properties: Record<string, unknown> } };
    };
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, "limited");
    for (const key of ["mixtral.engine", ...PROMPT_NAMES.map((n) => `mixtral.prompts.${n}`)])
      assert.ok(restricted.includes(key), `${key} is not restricted`);
    // VS Code matches the keys exactly: each one must name a real setting.
    for (const key of restricted) assert.ok(key in manifest.contributes.configuration.properties, `${key} is not a setting`);
  });

  it("ignores the folder's mixtral.engine and prompt templates; applies its unrestricted maxTokens", async () => {
    const c = vscode.workspace.getConfiguration("mixtral");
    assert.equal(c.get("maxTokens"), 77, "the control: the folder's settings were read");
    assert.equal(c.get("engine"), "local");
    assert.equal(c.get("prompts.explain"), "");
    assert.equal(c.get("prompts.inlineCompletion"), "");
    // What the extension itself runs with (its Config reads the same settings).
    const status = await vscode.commands.executeCommand<{ engine: string }>("mixtral._test.status");
    assert.equal(status.engine, "local");
  });
});
