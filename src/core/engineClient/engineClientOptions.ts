// What the local engine's supervisor (EngineClient) is configured with, and what a load takes.
import type { EngineLogLevel } from "./EngineProcess";
import type { RestartPolicyOptions } from "./restartPolicy";

export interface EngineClientOptions {
  /** Absolute path of dist/engine.js (the caller knows where the extension is installed). */
  enginePath: string;
  /** Default process.execPath; ELECTRON_RUN_AS_NODE=1 is always set for the child. */
  execPath?: string;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** The engine's own log and the library's (llama.cpp) log. Default: dropped. */
  onLog?: (level: EngineLogLevel, message: string) => void;
  /** Kill the child when a generation shows no sign of life for this long. Default 120 s; 0 = off. */
  hangTimeoutMs?: number;
  /** Unload the model after this long without requests. Default 15 min; 0 = never. */
  idleUnloadMs?: number;
  /** Default: 3 restarts in 5 minutes, after 0.5 / 2 / 5 s. */
  restart?: RestartPolicyOptions;
  /** Default 30 s for the child to say "ready". */
  startTimeoutMs?: number;
  /** A SIGKILL we did not send, after the child used at least this fraction of the machine's
   *  memory, is reported as the system running out of memory. Default 0.5. */
  outOfMemoryFraction?: number;
}

export interface LoadCallbacks {
  onProgress?: (fraction: number, message?: string) => void;
  /** Aborting a load stops the engine process (the fastest way to give the memory back). */
  signal?: AbortSignal;
}

/** A load's progress, as every listener of EngineClient.onDidLoadProgress gets it. */
export interface LoadProgress {
  fraction: number;
  message?: string;
}
