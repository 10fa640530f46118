// "Mixtral: Set Remote API Key" and "Mixtral: Clear Remote API Key", for the origin of
// mixtral.remote.url.
import * as vscode from "vscode";
import type { Settings } from "../../core/config/settings";
import { InvalidOptionsError } from "../../core/errors";
import { CommandIds } from "../commandIds";
import { describeError, notifyError } from "../describeError";
import { deleteApiKey, originOf, storeApiKey } from "./apiKeys";

export function registerRemoteKeyCommands(
  secrets: vscode.SecretStorage,
  settings: () => Settings,
  log: vscode.LogOutputChannel,
  /** Called after a change so the backend is rebuilt with (or without) the key. */
  onDidChangeKey: () => void,
): vscode.Disposable {
  const needUrl = (): string | undefined => {
    const url = settings().remoteUrl;
    if (originOf(url)) return url;
    void notifyError(
      describeError(
        new InvalidOptionsError(
          "mixtral.remote.url is not set to a server's http(s) address.",
          "Set it first; the key is stored for that address.",
        ),
      ),
    );
    return undefined;
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CommandIds.setRemoteApiKey, async () => {
      const url = needUrl();
      if (!url) return;
      const origin = originOf(url);
      const key = await vscode.window.showInputBox({
        title: "Mixtral: Remote API Key",
        prompt: `API key for ${origin} (sent only to this origin, stored in VS Code's secret storage)`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : "Enter a key, or press Escape to cancel."),
      });
      if (!key) return;
      await storeApiKey(secrets, url, key.trim());
      log.info(`[remote] API key stored for ${origin}`);
      onDidChangeKey();
      void vscode.window.showInformationMessage(`Mixtral: API key stored for ${origin}.`);
    }),
    vscode.commands.registerCommand(CommandIds.clearRemoteApiKey, async () => {
      const url = needUrl();
      if (!url) return;
      const origin = await deleteApiKey(secrets, url);
      log.info(`[remote] API key cleared for ${origin}`);
      onDidChangeKey();
      void vscode.window.showInformationMessage(`Mixtral: API key cleared for ${origin}.`);
    }),
  );
}
