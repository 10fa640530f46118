// Using a GGUF the user already has: the Open dialog, the pre-check, and the in-place upgrade of a
// December-2023 (per-expert tensor) file. Split from ModelManager, which keeps the picker and
// downloads.
import * as path from "node:path";
import * as vscode from "vscode";
import { GgufPrecheckError, precheckGguf } from "../../core/gguf/ggufPrecheck";
import { needsLayoutUpgrade, upgradeLayout } from "../../core/models/upgradeLayout";
import { SECTION } from "../Config";
import { abortSignalFrom } from "../cancellation";
import { describeError, notifyError } from "../describeError";

/** Open dialog → checks the file → mixtral.modelPath (user settings: it names a path). */
export async function chooseModelFile(showError: (message: string) => void, log: vscode.LogOutputChannel): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: "Use This Model",
    filters: { "GGUF models": ["gguf"] },
  });
  const file = picked?.[0]?.fsPath;
  if (!file) return;
  if (await needsLayoutUpgrade(file).catch(() => false)) {
    const ok = await offerLayoutUpgrade(file, log);
    if (!ok) return;
  }
  try {
    await precheckGguf(file);
  } catch (err) {
    if (err instanceof GgufPrecheckError) {
      showError(describeError(err).message);
      return;
    }
    throw err;
  }
  await vscode.workspace.getConfiguration(SECTION).update("modelPath", file, vscode.ConfigurationTarget.Global);
}

/** The old-layout upgrade, with progress and cancel. Resolves true when the file is usable. */
export async function offerLayoutUpgrade(file: string, log: vscode.LogOutputChannel): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `${path.basename(file)} stores each Mixtral expert as a separate tensor (the December 2023 layout), which this llama.cpp refuses. Upgrade it in place? The data is only moved, not re-quantized; it needs free space for one copy while it runs.`,
    { modal: true },
    "Upgrade in Place",
  );
  if (choice !== "Upgrade in Place") return false;
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Upgrading ${path.basename(file)}`, cancellable: true },
      async (progress, cancel) => {
        const ac = abortSignalFrom(cancel);
        let last = 0;
        try {
          return await upgradeLayout(file, {
            signal: ac.signal,
            onProgress: (f) => {
              const pct = Math.floor(f * 100);
              if (pct > last) {
                progress.report({ increment: pct - last });
                last = pct;
              }
            },
          });
        } finally {
          ac.dispose();
        }
      },
    );
    log.info(`[models] upgrade of ${file}: ${r.status}`);
    return r.status !== "cancelled";
  } catch (err) {
    void notifyError(describeError(err));
    return false;
  }
}
