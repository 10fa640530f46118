// A GPU pack that cannot run here, inside a real VS Code: the real Vulkan pack, installed from its
// tarball with "Install GPU Pack from File…", on this machine without a Vulkan loader. The engine
// tests it with a short decode, falls back to the CPU, and says so once with the reason and the
// fix: in the model's notices and as ⚠ in the status bar (the log and the notification carry the
// same words).
import * as assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { isFallbackNotice } from "../../src/core/gpu/gpuFailure";
import type { GpuPackStatus } from "../../src/core/gpu/packStatus";
import type { EngineStatus } from "../../src/vscode/services";
import { gpuPacksLib, NODE_LLAMA_CPP_VERSION } from "../helpers/gpuPackFixture";
import { ensureTinyModel } from "../helpers/tinyModel";
import { config, G, state, waitFor } from "./modelsHelpers";
import { activateExtension } from "./extension";

const VULKAN_NOTICE =
  "Vulkan was not used: no usable Vulkan driver was found (the Vulkan loader libvulkan.so.1 and a GPU's Vulkan driver are needed). Using CPU instead (much slower). " +
  "To fix: install the Vulkan loader and your GPU's Vulkan driver (Debian/Ubuntu: `apt install libvulkan1 mesa-vulkan-drivers`; NVIDIA's driver includes its own).";

describe("GPU fallback shown in VS Code", function () {
  this.timeout(180_000);
  let root: string | undefined;

  before(async () => {
    await activateExtension();
    await config().update("engine", "local", G);
    await config().update("modelPath", await ensureTinyModel(), G);
    await config().update("maxTokens", 4, G);
  });

  after(async () => {
    for (const key of ["engine", "modelPath", "maxTokens"]) await config().update(key, undefined, G);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await vscode.commands.executeCommand("notifications.clearAll");
    // Leave the test profile's global storage without packs (and decode-test results) for the other suites.
    if (root) await fs.rm(path.dirname(root), { recursive: true, force: true });
  });

  it("a Vulkan pack that cannot load here is passed over, with its reason and fix in the notices and a warning in the status bar", async () => {
    const tarball = await (await gpuPacksLib()).cachedPackTarball("linux-x64-vulkan", NODE_LLAMA_CPP_VERSION);
    assert.equal(await vscode.commands.executeCommand<boolean>("mixtral.installGpuPackFromFile", tarball), true);
    root = (await vscode.commands.executeCommand<{ status?: GpuPackStatus }>("mixtral._test.gpuPacks")).status?.root;
    assert.ok(root, "no packs folder");

    const doc = await vscode.workspace.openTextDocument({ content: "function add(a, b) {\n  return a + b;\n}\n", language: "javascript" });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand("mixtral.explainSelection");
    const status = await waitFor(
      "the model loaded",
      async () => {
        const s = await vscode.commands.executeCommand<EngineStatus>("mixtral._test.status");
        return s.info ? s : undefined;
      },
      120_000,
    );
    assert.equal(status.info?.backend, "cpu");
    // (Next to the tiny model's own notice: its trained context is shorter than the default setting.)
    assert.deepEqual(status.info?.notices.filter(isFallbackNotice), [VULKAN_NOTICE]);
    const bar = await waitFor("the status bar's ready text", async () => {
      const text = (await state()).statusBarText;
      return text.includes("· cpu") ? text : undefined;
    });
    assert.match(bar, /^\$\(warning\) Mixtral /);
    assert.ok(await fs.stat(path.join(root, "probe-results.json")), "the decode test's result is remembered");
  });
});
