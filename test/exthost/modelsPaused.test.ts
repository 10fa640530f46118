// Downloads interrupted in an earlier session (a reload, a restart, a crash), as the user finds
// them: a `.partial` (and maybe a lock) in the models folder, written here as the downloader would
// have left it, with a real HTTP mirror on 127.0.0.1 serving the tiny model. The picker row says
// paused with its percent and picking it resumes with a Range request; the status bar says so for
// the configured level; a live lock of another process reads "downloading in another window"
// until that process dies; discard deletes the bytes only after the confirmation.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { writePartialInfo } from "../../src/core/models/partialDownloads";
import { FaultServer } from "../unit/models/faultServer";
import { config, FILE, G, pickRow, startMirror, sleep, state, step, stepsTo, waitFor } from "./modelsHelpers";

describe("model management: paused downloads found on disk", function () {
  this.timeout(180_000);
  let model: Buffer;
  let server: FaultServer;
  const dirs: string[] = [];
  const kept = () => Math.floor(model.length * 0.43);
  const pct = () => Math.floor((kept() * 100) / model.length);
  const mb = (n: number) => (n / 1e6).toFixed(1);

  /** A models folder holding what an interrupted download leaves: the first bytes as `.partial`,
   *  the size sidecar, and optionally a lock of the given pid. Then points the settings at it. */
  async function interruptedDownload(lockPid?: number): Promise<{ dir: string; target: string }> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mixtral-paused-"));
    dirs.push(dir);
    const target = path.join(dir, FILE);
    await fs.writeFile(`${target}.partial`, model.subarray(0, kept()));
    await writePartialInfo(`${target}.partial`, { url: server.url(`/mirror/${FILE}`), totalBytes: model.length });
    if (lockPid !== undefined)
      await fs.writeFile(`${target}.lock`, JSON.stringify({ pid: lockPid, host: os.hostname(), since: Date.now() }));
    await config().update("modelsDirectory", dir, G);
    return { dir, target };
  }

  async function rowFor(level: string) {
    const opened = (await state()).pickerCloses;
    const running = vscode.commands.executeCommand("mixtral.selectModel");
    await sleep(500);
    const s = await waitFor("the picker's items", async () => {
      const now = await state();
      return now.pickItems.some((i) => i.label.endsWith(` ${level}`) && !/\$\((check|pass|warning)\)/.test(i.label)) && now;
    });
    await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    await running;
    assert.ok((await state()).pickerCloses > opened);
    return { row: s.pickItems.find((i) => i.label.endsWith(` ${level}`))!, items: s.pickItems };
  }

  before(async () => {
    let hub: Record<string, string>;
    ({ model, server, hub } = await startMirror());
    server.handler = (req, res) => server.serve(req, res, { dripMs: 10, dripBytes: 256 * 1024, extraHeaders: hub });
    await config().update("engine", "local", G);
    await config().update("modelPath", undefined, G);
    await config().update("quantization", "Q8_0", G);
    await config().update("modelSource", `${server.origin}/mirror/`, G);
    await vscode.commands.executeCommand("notifications.clearAll");
  });

  after(async () => {
    for (const key of ["engine", "modelPath", "quantization", "modelSource", "modelsDirectory"]) await config().update(key, undefined, G);
    await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    await vscode.commands.executeCommand("notifications.clearAll");
    await server?.stop();
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  it("the picker row says paused with percent and bytes; picking it resumes with Range past a dead process's lock", async () => {
    const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore", env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } });
    await new Promise((r) => dead.once("exit", r));
    const { dir, target } = await interruptedDownload(dead.pid);
    const { row } = await rowFor("Q8_0");
    assert.equal(row.label, "$(debug-pause) Q8_0");
    assert.equal(row.description, `paused at ${pct()} % (${mb(kept())} of ${mb(model.length)} MB) — pick to resume`);
    assert.match(
      row.detail ?? "",
      /^\d+\.\d GB · 8\.5 bits\/weight · .* · (Fits|Does not fit) · needs RAM /,
      "size, fit and quality stay on the row",
    );
    await waitFor(
      "the status bar to say paused",
      async () => (await state()).statusBarText === `$(debug-pause) Mixtral Q8_0: download paused ${pct()} %`,
    );

    const before = server.requests.length;
    const questions = async () => (await state()).messages.filter((m) => m.includes("is not downloaded yet")).length;
    const asked = await questions();
    step("picking the paused Q8_0 row");
    const { running } = await pickRow(stepsTo(/ Q8_0$/), "Q8_0");
    await Promise.race([running, sleep(60_000)]);
    assert.ok(existsSync(target), `the download finished: ${JSON.stringify((await state()).messages)}`);
    assert.equal(server.requests[before]?.range, `bytes=${kept()}-`, "the resume asked for the rest only");
    assert.equal(server.requests.length, before + 1, "one request, no restart from zero");
    assert.ok(readFileSync(target).equals(model), "byte for byte the served model");
    assert.deepEqual(await fs.readdir(dir), [FILE], "no .partial, sidecar or lock left");
    assert.equal(await questions(), asked, "no second question before resuming");
    await waitFor("the status bar to stop saying paused", async () => !(await state()).statusBarText.includes("paused"));
  });

  it("the status bar and its menu offer Resume and Discard; discard deletes only after the confirmation", async () => {
    const { target } = await interruptedDownload();
    const s = await waitFor("the status bar to say paused", async () => {
      const now = await state();
      return now.statusBarText === `$(debug-pause) Mixtral Q8_0: download paused ${pct()} %` && now;
    });
    assert.equal(s.paused?.bytes, kept());

    const menu = vscode.commands.executeCommand("mixtral.statusMenu");
    const labels = await waitFor("the menu", async () => {
      const m = (await state()).statusBarMenu;
      return m.length > 0 && m;
    });
    await sleep(300);
    await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    await menu;
    assert.deepEqual(labels.slice(0, 2), [`$(debug-continue) Resume Download (Q8_0, ${pct()} %)`, "$(trash) Discard Paused Download…"]);

    const { items } = await rowFor("Q8_0");
    assert.ok(items.some((i) => i.separator && i.label === "Paused downloads"));
    // Dismissing the confirmation keeps every byte.
    await vscode.commands.executeCommand("mixtral._test.answerConfirm", undefined);
    await (
      await pickRow(stepsTo(/Discard Paused Q8_0 Download/), "Discard Paused Q8_0 Download…")
    ).running;
    assert.equal((await fs.stat(`${target}.partial`)).size, kept(), "kept when the user did not confirm");

    await vscode.commands.executeCommand("mixtral._test.answerConfirm", "Discard Download");
    await (
      await pickRow(stepsTo(/Discard Paused Q8_0 Download/), "Discard Paused Q8_0 Download…")
    ).running;
    assert.deepEqual(await fs.readdir(path.dirname(target)), [], "the partial and its sidecar are gone");
    assert.ok((await state()).messages.includes(`Discarded the paused download of Mixtral Q8_0 (${mb(kept())} MB freed).`));
    await waitFor("the status bar to stop saying paused", async () => !(await state()).statusBarText.includes("paused"));
  });

  it("a live lock of another process reads 'downloading in another window' until it dies, then resumes from the menu's command", async () => {
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)"], {
      stdio: "ignore",
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
    });
    try {
      const { target } = await interruptedDownload(other.pid);
      await waitFor(
        "the status bar to say another window",
        async () => (await state()).statusBarText === `$(sync~spin) Mixtral Q8_0: downloading in another window ${pct()} %`,
      );
      const menu = vscode.commands.executeCommand("mixtral.statusMenu");
      const labels = await waitFor("the menu", async () => {
        const m = (await state()).statusBarMenu;
        return m[0]?.includes("Another Window") && m;
      });
      await sleep(300);
      await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
      await menu;
      assert.ok(!labels.some((l) => l.includes("Resume") || l.includes("Discard")), `no resume offered: ${labels.join(" | ")}`);
      assert.ok(existsSync(`${target}.partial`));

      other.kill();
      await new Promise((r) => other.once("exit", r));
      await waitFor(
        "the status bar to notice the other process is gone",
        async () => (await state()).statusBarText.includes("download paused"),
        15_000,
      );
      const before = server.requests.length;
      await vscode.commands.executeCommand("mixtral.resumeDownload", "Q8_0");
      assert.ok(readFileSync(target).equals(model));
      assert.equal(server.requests[before]?.range, `bytes=${kept()}-`);
      assert.deepEqual(await fs.readdir(path.dirname(target)), [FILE]);
    } finally {
      other.kill();
    }
  });

  it("when the other process completes the file, this window stops saying 'another window' and offers nothing to resume", async () => {
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)"], {
      stdio: "ignore",
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
    });
    try {
      const { dir, target } = await interruptedDownload(other.pid);
      await waitFor("the status bar to say another window", async () =>
        (await state()).statusBarText.includes("downloading in another window"),
      );
      // What the other process does at the end: the verified file at its name, partial and lock gone.
      await fs.writeFile(`${target}.tmp`, model);
      await fs.rename(`${target}.tmp`, target);
      for (const f of [`${target}.partial`, `${target}.partial.json`, `${target}.lock`]) await fs.rm(f);
      const s = await waitFor(
        "the status bar to move on",
        async () => {
          const now = await state();
          return !/another window|paused/.test(now.statusBarText) && now;
        },
        15_000,
      );
      assert.equal(s.paused, undefined);
      assert.deepEqual(await fs.readdir(dir), [FILE]);
      const { row } = await rowForInstalled("Q8_0");
      assert.equal(row.label, "$(check) Q8_0", "the picker shows it downloaded");
    } finally {
      other.kill();
    }
  });

  async function rowForInstalled(level: string) {
    const running = vscode.commands.executeCommand("mixtral.selectModel");
    await sleep(500);
    const s = await waitFor("the picker's items", async () => {
      const now = await state();
      return now.pickItems.some((i) => i.label === `$(check) ${level}`) && now;
    });
    await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    await running;
    return { row: s.pickItems.find((i) => i.label.endsWith(` ${level}`))! };
  }
});
