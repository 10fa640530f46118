// Smoke test in the real extension host: the extension is installed, activates, and its
// manifest declares what the rest of the suite relies on.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { ourExtension } from "./extension";
import { EXTENSION_ID } from "../../src/core/config/extensionDataDir";
import { ChatViewProvider } from "../../src/vscode/chat/ChatViewProvider";

interface Manifest {
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string }[];
    viewsContainers?: { activitybar?: { id: string }[] };
    views?: Record<string, { id: string }[]>;
    configuration?: { properties?: Record<string, unknown> };
  };
}

describe("extension activation", () => {
  it("is installed and activates", async () => {
    const extension = ourExtension();
    assert.ok(extension, `${EXTENSION_ID} is not among ${vscode.extensions.all.map((e) => e.id).join(", ")}`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it("loads the esbuild bundle named by main", async () => {
    const extension = ourExtension();
    assert.ok(extension);
    assert.equal((extension.packageJSON as { main?: string }).main, "./dist/extension.js");
    const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(extension.extensionUri, "dist", "extension.js"));
    assert.ok(stat.size > 0);
  });

  it("contributes the Mixtral commands, view and settings", () => {
    const manifest = ourExtension()?.packageJSON as Manifest;
    const commands = (manifest.contributes?.commands ?? []).map((c) => c.command);
    for (const id of [
      "mixtral.explainSelection",
      "mixtral.newChat",
      "mixtral.stopGenerating",
      "mixtral.selectModel",
      "mixtral.doctor",
      "mixtral.showLog",
    ]) {
      assert.ok(commands.includes(id), `command ${id} is not contributed`);
    }
    assert.ok(
      commands.every((c) => c.startsWith("mixtral.")),
      "every command id starts with mixtral.",
    );
    assert.deepEqual(
      manifest.contributes?.viewsContainers?.activitybar?.map((c) => c.id),
      ["mixtral"],
    );
    assert.ok(manifest.contributes?.views?.mixtral?.some((v) => v.id === ChatViewProvider.viewId));
    assert.ok(!(manifest.activationEvents ?? []).includes("*"), "never activate on *");
    const settings = Object.keys(manifest.contributes?.configuration?.properties ?? {});
    assert.ok(settings.includes("mixtral.modelPath") && settings.includes("mixtral.quantization"));
  });

  it("registers every command it contributes", async () => {
    const extension = ourExtension();
    assert.ok(extension);
    await extension.activate();
    const contributed = ((extension.packageJSON as Manifest).contributes?.commands ?? []).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
    );
  });

  it("reads its settings through the configuration API", () => {
    const config = vscode.workspace.getConfiguration("mixtral");
    assert.equal(config.get("quantization"), "auto");
    assert.equal(config.inspect("contextSize")?.defaultValue, 8192);
  });
});
