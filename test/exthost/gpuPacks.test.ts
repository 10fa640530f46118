// GPU packs inside a real VS Code: "Mixtral: Enable GPU Acceleration…" downloads the real Vulkan
// pack of this build's manifest (the tarball verified at build time into .cache/gpu-packs/) from a
// mirror on 127.0.0.1 set in mixtral.gpu.packMirror, installs it into the extension's global
// storage, and the engine process is then started with MIXTRAL_GPU_PACKS naming that folder.
import * as assert from "node:assert/strict";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { EXTENSION_ID } from "../../src/core/config/extensionDataDir";
import { GPU_PACKS_ENV, gpuPackDir } from "../../src/core/gpu/packLayout";
import type { GpuPackStatus } from "../../src/core/gpu/packStatus";
import { gpuPacksLib, NODE_LLAMA_CPP_VERSION } from "../helpers/gpuPackFixture";
import { ensureTinyModel } from "../helpers/tinyModel";
import { FaultServer } from "../unit/models/faultServer";
import { config, G, waitFor } from "./modelsHelpers";
import { activateExtension } from "./extension";

type GpuTestState = { status?: GpuPackStatus; enginePid?: number; statusBarMenu: string[] };
const gpuState = async () => await vscode.commands.executeCommand<GpuTestState>("mixtral._test.gpuPacks");

describe("GPU packs: Enable GPU Acceleration through a mirror", function () {
  this.timeout(180_000);
  let server: FaultServer;
  let root: string | undefined;

  before(async () => {
    await activateExtension();
    const tarball = await (await gpuPacksLib()).cachedPackTarball("linux-x64-vulkan", NODE_LLAMA_CPP_VERSION);
    server = await new FaultServer(readFileSync(tarball)).start();
    await config().update("gpu.packMirror", `${server.origin}/npm/`, G);
    await config().update("engine", "local", G);
    await config().update("modelPath", await ensureTinyModel(), G);
    await config().update("maxTokens", 4, G);
  });

  after(async () => {
    for (const key of ["gpu.packMirror", "engine", "modelPath", "maxTokens"]) await config().update(key, undefined, G);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await vscode.commands.executeCommand("notifications.clearAll");
    await server?.stop();
    // Leave the test profile's global storage without packs for the other suites.
    if (root) await fs.rm(path.dirname(root), { recursive: true, force: true });
  });

  it("installs the pack into global storage and starts the engine with MIXTRAL_GPU_PACKS (linux-x64)", async () => {
    const ok = await vscode.commands.executeCommand<boolean>("mixtral.enableGpuAcceleration", "vulkan");
    assert.equal(ok, true, "the install failed (see the extension host's log)");
    assert.deepEqual(
      server.requests.map((r) => r.url),
      [`/npm/@node-llama-cpp/linux-x64-vulkan/-/linux-x64-vulkan-${NODE_LLAMA_CPP_VERSION}.tgz`],
    );
    const { status } = await gpuState();
    root = status?.root;
    assert.ok(root, "no packs folder");
    assert.ok(
      root.includes(`${path.sep}globalStorage${path.sep}${EXTENSION_ID}${path.sep}gpu-packs${path.sep}${NODE_LLAMA_CPP_VERSION}`),
      root,
    );
    assert.deepEqual(
      status?.installed.map((p) => p.name),
      ["linux-x64-vulkan"],
    );
    const pkg = JSON.parse(readFileSync(path.join(gpuPackDir(root, "linux-x64-vulkan"), "package.json"), "utf8")) as {
      name: string;
      version: string;
    };
    assert.deepEqual([pkg.name, pkg.version], ["@node-llama-cpp/linux-x64-vulkan", NODE_LLAMA_CPP_VERSION]);

    // A request starts the engine; its environment (read back from /proc) names the packs folder.
    const doc = await vscode.workspace.openTextDocument({ content: "function add(a, b) {\n  return a + b;\n}\n", language: "javascript" });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand("mixtral.explainSelection");
    const pid = await waitFor("the engine process", async () => (await gpuState()).enginePid, 60_000);
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    assert.ok(
      environ.includes(`${GPU_PACKS_ENV}=${root}`),
      `the engine's ${GPU_PACKS_ENV} is ${environ.find((e) => e.startsWith(GPU_PACKS_ENV)) ?? "unset"}`,
    );
    assert.ok(existsSync(root));
  });

  it("Install GPU Pack from File… installs a pinned tarball offline and refuses any other file", async () => {
    const lib = await gpuPacksLib();
    const requests = server.requests.length;
    // The CPU package is no pinned GPU pack: refused, and the installed Vulkan pack is untouched.
    const cpu = await lib.cachedPackTarball("linux-x64", NODE_LLAMA_CPP_VERSION);
    assert.equal(await vscode.commands.executeCommand<boolean>("mixtral.installGpuPackFromFile", cpu), false);
    const before = (await gpuState()).status;
    assert.deepEqual(
      before?.installed.map((p) => p.name),
      ["linux-x64-vulkan"],
    );
    const vulkan = await lib.cachedPackTarball("linux-x64-vulkan", NODE_LLAMA_CPP_VERSION);
    assert.equal(await vscode.commands.executeCommand<boolean>("mixtral.installGpuPackFromFile", vulkan), true);
    assert.equal(server.requests.length, requests, "an offline install downloaded something");
    assert.ok(existsSync(path.join(gpuPackDir(before!.root!, "linux-x64-vulkan"), "package.json")));
  });
});
