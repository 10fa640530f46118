// Shared by the model-management extension-host suites: the test hook's state, waiting, and driving
// the model picker and notifications with the workbench's own commands.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as vscode from "vscode";
import { DEFAULT_FILE_PATTERN } from "../../src/core/models/modelSource";
import type { ModelsTestState, PickerRow } from "../../src/vscode/testRecords";
import { ensureTinyModel } from "../helpers/tinyModel";
import { sleep, waitFor } from "../helpers/wait";
import { FaultServer } from "../unit/models/faultServer";
import { activateExtension } from "./extension";

type PickItems = PickerRow[];

export type ModelsState = ModelsTestState;

export const config = () => vscode.workspace.getConfiguration("mixtral");
export const G = vscode.ConfigurationTarget.Global;
/** The Q8_0 file name of the default source's layout, as both suites download it. */
export const FILE = DEFAULT_FILE_PATTERN.replace("{QUANT}", "Q8_0");

/** Activates the extension and starts a 127.0.0.1 "mirror" of the tiny model; `hub` holds the
 *  headers the hub's LFS redirect sends (the size and sha256 the downloader verifies). */
export async function startMirror(): Promise<{ model: Buffer; server: FaultServer; hub: Record<string, string> }> {
  await activateExtension();
  const model = readFileSync(await ensureTinyModel());
  const sha256 = createHash("sha256").update(model).digest("hex");
  const server = await new FaultServer(model).start();
  return { model, server, hub: { "x-linked-size": String(model.length), "x-linked-etag": `"${sha256}"` } };
}

export const state = async () => await vscode.commands.executeCommand<ModelsState>("mixtral._test.models");
// Progress lines for a run that hangs (the extension host's console reaches the runner's output).
export const step = (what: string) => console.log(`    [models] ${new Date().toISOString().slice(11, 23)} ${what}`);
export { sleep, waitFor };

/** Opens the picker and accepts the row `steps` below the first, as the keyboard would. Retries
 *  when the picker was not on screen yet when the keys arrived (it is then dismissed). `running`
 *  is the command's promise: it settles once what the pick started (a download) is over. */
export async function pickRow(steps: number | ((items: PickItems) => number), label: string): Promise<{ running: Thenable<unknown> }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const closes = (await state()).pickerCloses;
    const running = vscode.commands.executeCommand("mixtral.selectModel");
    await sleep(500 + attempt * 1000);
    if (typeof steps === "function") steps = steps((await state()).pickItems);
    step(`attempt ${attempt}: ${steps} × down`);
    for (let i = 0; i < steps; i++) await vscode.commands.executeCommand("workbench.action.quickOpenSelectNext");
    step("accept");
    await vscode.commands.executeCommand("workbench.action.acceptSelectedQuickOpenItem");
    step("accepted");
    await sleep(200);
    if ((await state()).pickerCloses === closes) await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    const s = await waitFor("the picker to close", async () => {
      const now = await state();
      return now.pickerCloses > closes && now;
    });
    if (s.lastPicked === undefined) {
      await running;
      continue;
    }
    assert.ok(s.lastPicked.endsWith(` ${label}`), `picked "${s.lastPicked}" instead of ${label}`);
    // Wrapped: an async function returning a thenable would wait for it (the whole download).
    return { running };
  }
  throw new Error("the model picker never took the selection");
}

/** Clicks the first button of the newest notification once `ready` holds. */
export async function clickNotification(what: string, ready: () => Promise<boolean>): Promise<void> {
  await waitFor(what, async () => ready());
  // The notification is added by the renderer after the extension host asked for it.
  await sleep(300);
  await vscode.commands.executeCommand("notification.acceptPrimaryAction");
}

/** Down-arrow presses from the first row to the first row whose label matches (separators are skipped). */
export function stepsTo(re: RegExp): (items: PickItems) => number {
  return (items) => {
    const rows = items.filter((i) => !i.separator);
    const index = rows.findIndex((i) => re.test(i.label));
    assert.ok(index >= 0, `no picker row matches ${re}: ${rows.map((r) => r.label).join(" | ")}`);
    return index;
  };
}
