// The doctor's view of a remote engine: can we reach it, what it serves, and how long a tiny request
// takes (the server's description, then a one-token generation).
import type { Settings } from "../config/settings";
import type { ModelInfo } from "../../shared/engineProtocol";
import { createRemoteClient } from "./createRemoteClient";
import type { RemoteApiKey, RemoteClientOptions } from "./RemoteClientBase";

export interface RemoteHealth {
  ok: boolean;
  engine: "tgi" | "openai";
  url: string;
  /** e.g. "TGI 3.0.1 at https://…" or "llamacpp at http://…". */
  serverKind?: string;
  model?: string;
  info?: ModelInfo;
  /** GET /info or /v1/models. */
  infoLatencyMs?: number;
  /** A one-token generation, from the request to the first token. */
  generateLatencyMs?: number;
  /** Whether an API key was sent (never the key). */
  keySent: boolean;
  /** The error's message and hint when something failed. */
  error?: string;
  hint?: string;
}

export async function checkRemoteHealth(
  settings: Pick<Settings, "engine" | "remoteUrl" | "remoteModel" | "remoteHeaders">,
  key: RemoteApiKey | undefined,
  options: Partial<RemoteClientOptions> = {},
  signal?: AbortSignal,
): Promise<RemoteHealth> {
  const engine = settings.engine === "tgi" ? "tgi" : "openai";
  const health: RemoteHealth = { ok: false, engine, url: settings.remoteUrl, keySent: false };
  let client;
  try {
    client = createRemoteClient(settings, key, {
      timeouts: { connectMs: 5_000, firstByteMs: 30_000, idleMs: 30_000 },
      maxRetries: 0,
      ...options,
    });
    health.keySent = client.keySent;
    const t0 = performance.now();
    const info = await client.refreshInfo(signal);
    health.infoLatencyMs = performance.now() - t0;
    health.info = info;
    health.model = info.name;
    health.serverKind = info.gpuName;
    const result = await client.generate(
      {
        slot: "completion",
        prompt: [{ type: "bos" }, { type: "text", text: "[INST] Say OK. [/INST]" }],
        messages: [{ role: "user", content: "Say OK." }],
        maxTokens: 1,
        temperature: 0,
      },
      () => undefined,
      signal,
    );
    health.generateLatencyMs = result.stats.ttftMs || result.stats.totalMs;
    health.ok = true;
  } catch (err) {
    health.error = err instanceof Error ? err.message : String(err);
    health.hint = (err as { hint?: string }).hint;
  } finally {
    client?.dispose();
  }
  return health;
}
