// Settings → the right remote client. The API key is attached only when it was stored for the
// origin of mixtral.remote.url.
import type { Settings } from "../config/settings";
import { RemoteProtocolError } from "./remoteErrors";
import { OpenAiClient } from "./OpenAiClient";
import type { RemoteApiKey, RemoteClientOptions } from "./RemoteClientBase";
import { TgiClient } from "./TgiClient";

export function createRemoteClient(
  settings: Pick<Settings, "engine" | "remoteUrl" | "remoteModel" | "remoteHeaders"> & Partial<Pick<Settings, "contextSize">>,
  key: RemoteApiKey | undefined,
  options: Partial<RemoteClientOptions> = {},
): TgiClient | OpenAiClient {
  if (!settings.remoteUrl) {
    throw new RemoteProtocolError(
      `mixtral.engine is "${settings.engine}" but mixtral.remote.url is empty.`,
      "Set mixtral.remote.url to the server's base URL, e.g. http://127.0.0.1:8080. In a remote window (SSH, WSL, containers, code-server) it is a machine setting: set it in the Remote settings, not the User settings.",
    );
  }
  const all: RemoteClientOptions = {
    ...options,
    baseUrl: settings.remoteUrl,
    model: settings.remoteModel || undefined,
    headers: settings.remoteHeaders,
    contextSize: settings.contextSize,
    apiKey: key,
  };
  return settings.engine === "tgi" ? new TgiClient(all) : new OpenAiClient(all);
}
