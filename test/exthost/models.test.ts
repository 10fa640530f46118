// Model management inside a real VS Code: the picker's rows, a download from a real HTTP server on
// 127.0.0.1 (serving the tiny Mixtral model as a "mirror") through the picker and the notification
// buttons a user clicks, cancel and resume, and the doctor next to `mixtral-local doctor --json`.
// The quick pick and notifications are driven with the workbench's own commands
// (quickOpenSelectNext, acceptSelectedQuickOpenItem, notification.acceptPrimaryAction).
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { QUANT_LEVEL_IDS } from "../../src/core/models/catalog";
import { ensureTinyModel, repoRoot } from "../helpers/tinyModel";
import { FaultServer } from "../unit/models/faultServer";
import { clickNotification, config, FILE, G, pickRow, startMirror, sleep, state, step, waitFor } from "./modelsHelpers";

describe("model management", function () {
  this.timeout(180_000);
  let model: Buffer;
  let server: FaultServer;
  let serveOptions: { dripMs: number; dripBytes: number };
  const dirs: string[] = [];

  const newModelsDir = async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mixtral-models-"));
    dirs.push(dir);
    await config().update("modelsDirectory", dir, G);
    return dir;
  };

  before(async () => {
    let hub: Record<string, string>;
    ({ model, server, hub } = await startMirror());
    serveOptions = { dripMs: 30, dripBytes: 128 * 1024 };
    server.handler = (req, res) => server.serve(req, res, { ...serveOptions, extraHeaders: hub });
    await config().update("engine", "local", G);
    await config().update("modelPath", undefined, G);
    await config().update("quantization", "auto", G);
    await config().update("modelSource", `${server.origin}/mirror/`, G);
    await config().update("maxTokens", 8, G);
    await config().update("temperature", 0, G);
    await vscode.commands.executeCommand("notifications.clearAll");
  });

  after(async () => {
    for (const key of ["engine", "modelPath", "quantization", "modelSource", "modelsDirectory", "maxTokens", "temperature"])
      await config().update(key, undefined, G);
    await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    await vscode.commands.executeCommand("notifications.clearAll");
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await server?.stop();
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  it("the picker lists every level with file size, memory needed here, fit and quality cost", async () => {
    await newModelsDir();
    const running = vscode.commands.executeCommand("mixtral.selectModel");
    const { pickItems } = await waitFor("the picker's items", async () => {
      const s = await state();
      return s.pickItems.length > 0 && s;
    });
    await sleep(300);
    await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    await running;
    const rows = pickItems.filter((i) => !i.separator && /\b(Q\d|IQ\d)/.test(i.label));
    assert.deepEqual(
      rows.map((r) => r.label.split(" ").pop()),
      [...QUANT_LEVEL_IDS].reverse(),
    );
    for (const r of rows) {
      assert.match(r.description ?? "", /^\d+\.\d GB · [\d.]+ bits\/weight · /, r.label);
      assert.match(
        r.detail ?? "",
        /^(Fits|Does not fit) · needs RAM \d+\.\d GB( \+ VRAM \d+\.\d GB)? \((CPU only: )?\d+\/33 layers on GPU\) · /,
        r.label,
      );
      assert.match(r.detail ?? "", /perplexity|reference \(8-bit\)|no published perplexity figure/, r.label);
    }
    assert.ok(pickItems[0].label.includes("Auto"), "Auto comes first");
    assert.ok(pickItems.some((i) => i.label.includes("Choose a GGUF File on Disk")));
  });

  it("downloads a level picked in the picker, with progress in the status bar, then loads it and answers", async () => {
    const dir = await newModelsDir();
    const before = server.requests.length;
    const texts = new Set<string>();
    step("picking Q8_0");
    const { running } = await pickRow(2, "Q8_0");
    step("picked; clicking Download");
    await clickNotification("the offer to download", async () =>
      (await state()).messages.some((m) => m.startsWith("Mixtral Q8_0 is not downloaded yet")),
    );
    await waitFor("the download to start", async () => (await state()).downloads > 0, 10_000);
    step("downloading");
    let settled = false;
    void Promise.resolve(running).then(
      () => (settled = true),
      () => (settled = true),
    );
    const end = Date.now() + 60_000;
    while (!settled) {
      const s = await state();
      texts.add(s.statusBarText);
      if (Date.now() > end)
        assert.fail(`the download did not finish: ${JSON.stringify({ ...s, pickItems: undefined, requests: server.requests })}`);
      await sleep(20);
    }
    step("download settled");
    const target = path.join(dir, FILE);
    assert.ok(existsSync(target), "the model is at its final path");
    assert.ok(readFileSync(target).equals(model), "byte for byte the served model");
    assert.deepEqual((await fs.readdir(dir)).sort(), [FILE], "no .partial or .lock left");
    assert.ok(
      [...texts].some((t) => /Mixtral Q8_0: downloading \d+ %/.test(t)),
      `status texts: ${[...texts].join(" | ")}`,
    );
    assert.equal(server.requests.slice(before)[0].url, `/mirror/${FILE}`);

    const doc = await vscode.workspace.openTextDocument({ content: "function add(a, b) {\n  return a + b;\n}\n", language: "javascript" });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    step("explaining");
    await vscode.commands.executeCommand("mixtral.explainSelection");
    step("explained");
    const status = await vscode.commands.executeCommand<{ state: string; info?: { fileName: string; expertCount: number } }>(
      "mixtral._test.status",
    );
    assert.equal(status.state, "ready");
    assert.equal(status.info?.fileName, FILE);
    assert.equal(status.info?.expertCount, 8);
    const last = await vscode.commands.executeCommand<{ feature: string; tokenCount?: number }>("mixtral._test.lastPrompt");
    assert.equal(last?.feature, "explain");
    assert.ok((last?.tokenCount ?? 0) > 0, "the engine counted the prompt it answered");
    assert.match((await state()).statusBarText, /^\$\(check\) Mixtral /);
  });

  it("keeps the partial file on cancel, says it can resume, and resumes with a Range request", async () => {
    const dir = await newModelsDir();
    await config().update("quantization", "auto", G);
    // A toast left by the previous test would take the "Cancel" click below.
    await vscode.commands.executeCommand("notifications.clearAll");
    serveOptions = { dripMs: 100, dripBytes: 32 * 1024 };
    const offers = async () => (await state()).messages.filter((m) => m.startsWith("Mixtral Q8_0 is not downloaded yet")).length;
    const offered = await offers();
    const { running } = await pickRow(2, "Q8_0");
    await clickNotification("the offer to download", async () => (await offers()) > offered);
    await waitFor("a fifth of the file", async () => {
      const m = /downloading (\d+) %/.exec((await state()).statusBarText);
      return !!m && Number(m[1]) >= 20;
    }).catch(async (err: Error) =>
      assert.fail(`${err.message}: ${JSON.stringify({ ...(await state()), pickItems: undefined, requests: server.requests })}`),
    );
    // The newest notification is the progress one: its primary action is Cancel. The first click
    // sometimes misses it (about 1 run in 3, also at HEAD before the paused-download work); a
    // second one reaches it.
    for (let i = 0; i < 3 && (await state()).downloads > 0; i++) {
      await vscode.commands.executeCommand("notification.acceptPrimaryAction");
      await waitFor("the download to stop", async () => (await state()).downloads === 0, 1000).catch(async () =>
        step(`cancel click ${i} did not stop the download; last messages: ${(await state()).messages.slice(-3).join(" | ")}`),
      );
    }
    await running;
    const target = path.join(dir, FILE);
    const partial = `${target}.partial`;
    assert.ok(!existsSync(target), "nothing at the final path");
    const kept = (await fs.stat(partial)).size;
    assert.ok(kept > 0 && kept < model.length, `partial of ${kept} bytes`);
    const paused = (await state()).messages.at(-1) ?? "";
    assert.match(paused, /^Download of Mixtral Q8_0 paused at .*The partial file is kept; downloading again resumes where it stopped\.$/);
    assert.equal((await state()).downloads, 0);

    serveOptions = { dripMs: 10, dripBytes: 256 * 1024 };
    const before = server.requests.length;
    // "Resume" on the paused message (once the renderer has shown it). Like Cancel above, a click
    // sent before the renderer shows the toast misses it (seen 1 run in 4 on a loaded machine):
    // click again only while the mirror has seen no new request.
    for (let i = 0; i < 4 && server.requests.length === before; i++) {
      await clickNotification("the paused message", async () => true);
      await waitFor("the resume request", async () => server.requests.length > before, 3000).catch(() =>
        step(`resume click ${i} reached no notification; clicking again`),
      );
    }
    await waitFor("the resumed download to finish", async () => existsSync(target) && (await state()).downloads === 0, 60_000);
    assert.ok(readFileSync(target).equals(model));
    assert.equal(server.requests[before]?.range, `bytes=${kept}-`, "the resume asked for the rest only");
    assert.ok(!existsSync(partial) && !existsSync(`${target}.lock`));
  });

  it("the doctor reports the backend, CPU features, model file checks and decode ceiling, as the CLI's --json does", async () => {
    const tiny = await ensureTinyModel();
    await config().update("modelPath", tiny, G);
    await vscode.commands.executeCommand("mixtral.doctor");
    const doc = vscode.workspace.textDocuments.find((d) => d.getText().startsWith("# Mixtral Local: Doctor"));
    assert.ok(doc, "the doctor opened its report");
    const md = doc.getText();
    const expected = /- Expected: \*\*(\w+)\*\*/.exec(md)?.[1];
    assert.ok(expected, "the backend line");
    const features = /- CPU features: (.*)$/m.exec(md)?.[1] ?? "";
    assert.ok(md.includes(`## Model file\n\n- ${tiny} (mixtral.modelPath)`));
    assert.match(md, /- format: GGUF v\d+, \d+ tensors/);
    assert.match(md, /- experts: 8, 2 per token; layout: merged \(current\)/);
    assert.match(md, /- Decode ceiling: \*\*[\d.]+ tok\/s\*\* \(/, "a measured-bandwidth ceiling");

    const cli = path.join(repoRoot(), "out", "src", "cli", "main.js");
    const stdout = await new Promise<string>((resolve, reject) => {
      // ELECTRON_RUN_AS_NODE: under desktop VS Code process.execPath is Electron.
      execFile(
        process.execPath,
        [cli, "doctor", "--json", "--model", tiny],
        { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } },
        (err, out, errText) => (err ? reject(new Error(`${String(err)} ${errText}`)) : resolve(out)),
      );
    });
    const report = JSON.parse(stdout) as {
      backend: { expected: string };
      machine: { cpuFeatures: string[] };
      modelFile: { ok: boolean; findings: string[] };
      speed: { ceilingTokPerSec?: number; basis: string };
    };
    assert.equal(report.backend.expected, expected);
    assert.equal(report.machine.cpuFeatures.join(", ") || "unknown", features);
    assert.equal(report.modelFile.ok, true);
    for (const f of report.modelFile.findings) assert.ok(md.includes(`- ${f}`), `the preview lists "${f}"`);
    assert.ok((report.speed.ceilingTokPerSec ?? 0) > 0, "the CLI computes a ceiling too");
    assert.ok(md.includes(report.speed.basis.split(";")[0]), `same basis: ${report.speed.basis}`);
  });
});
