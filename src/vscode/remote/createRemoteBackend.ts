// The composition root's one call for a remote engine: settings + secret storage → a ready
// InferenceBackend (the server answered /info or /v1/models), or a typed error from core/remote.
import type * as vscode from "vscode";
import type { Settings } from "../../core/config/settings";
import { createRemoteClient, type InferenceBackend, type RemoteClientOptions } from "../../core/remote";
import { getApiKey } from "./apiKeys";

export async function createRemoteBackend(
  settings: Settings,
  secrets: vscode.SecretStorage,
  log: vscode.LogOutputChannel,
  options: Partial<RemoteClientOptions> = {},
  signal?: AbortSignal,
): Promise<InferenceBackend> {
  const key = await getApiKey(secrets, settings.remoteUrl);
  const client = createRemoteClient(settings, key, {
    ...options,
    // Messages carry URLs, statuses and timings only; never headers or keys.
    log: (level, message) => log[level](message),
  });
  try {
    const info = await client.refreshInfo(signal);
    log.info(`[remote] ${settings.engine} at ${client.origin}: ${info.description}${key ? " (API key sent)" : ""}`);
    for (const n of info.notices) log.warn(`[remote] ${n}`);
    return client;
  } catch (err) {
    client.dispose();
    throw err;
  }
}
