// A model download in VS Code's cancellable progress notification: the bar follows the bytes,
// the message the sha256 check after them; every step also goes to `onState` (the status bar).
import * as vscode from "vscode";
import type { QuantLevelId } from "../../core/models/catalog";
import { downloadFile, type DownloadResult } from "../../core/models/downloader";
import { fmtGB } from "../../core/models/fit";
import { abortSignalFrom } from "../cancellation";
import type { DownloadState } from "./PausedDownloads";

export async function downloadWithProgress(
  level: QuantLevelId,
  file: { url: string; target: string; token?: string },
  onState: (state: DownloadState) => void,
): Promise<DownloadResult> {
  const { url, target, token } = file;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Downloading Mixtral ${level}`, cancellable: true },
    async (progress, cancel) => {
      const ac = abortSignalFrom(cancel);
      // The bar tracks the download; hashing afterwards only changes the message (the bar is full).
      let reported = 0;
      let last = "";
      try {
        return await downloadFile({
          url,
          targetPath: target,
          token,
          signal: ac.signal,
          onProgress: (p) => {
            const fraction = p.totalBytes ? p.bytes / p.totalBytes : 0;
            const pct = Math.floor(fraction * 100);
            if (`${p.phase}${pct}` === last) return;
            last = `${p.phase}${pct}`;
            if (p.phase === "downloading") {
              progress.report({
                increment: pct - reported,
                message: `${fmtGB(p.bytes)} of ${p.totalBytes ? fmtGB(p.totalBytes) : "?"}`,
              });
              reported = pct;
            } else {
              progress.report({ message: `verifying sha256 ${pct} %` });
            }
            onState({ level, state: p.phase, fraction });
          },
        });
      } finally {
        ac.dispose();
      }
    },
  );
}
