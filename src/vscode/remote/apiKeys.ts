// API keys for remote engines, in VS Code's SecretStorage, one per origin (scheme://host:port).
// A key is handed out only for the origin it was stored for, so changing mixtral.remote.url to
// another host never sends it there. Keys are never logged.
import type * as vscode from "vscode";
import type { RemoteApiKey } from "../../core/remote";

const PREFIX = "mixtral.remote.apiKey:";

/** The origin of a URL, or undefined when it is not an http(s) URL. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export async function getApiKey(secrets: vscode.SecretStorage, url: string): Promise<RemoteApiKey | undefined> {
  const origin = originOf(url);
  if (!origin) return undefined;
  const key = await secrets.get(PREFIX + origin);
  return key ? { origin, key } : undefined;
}

export async function storeApiKey(secrets: vscode.SecretStorage, url: string, key: string): Promise<string> {
  const origin = originOf(url);
  if (!origin) throw new Error(`"${url}" is not an http(s) URL.`);
  await secrets.store(PREFIX + origin, key);
  return origin;
}

export async function deleteApiKey(secrets: vscode.SecretStorage, url: string): Promise<string | undefined> {
  const origin = originOf(url);
  if (!origin) return undefined;
  await secrets.delete(PREFIX + origin);
  return origin;
}
