// What the adapters (chat view, commands, inline completions, status bar, models, GPU packs) get
// from the composition root in extension.ts, one part per concern: the VS Code context, the log and
// the settings; the engine (EngineHost); the last prompt (PromptLog). Errors become words through
// describeError.ts, which needs none of them. One instance per activation.
import type * as vscode from "vscode";
import type { InferenceBackend } from "../core/engineClient/types";
import type { ErrorCode } from "../core/errors";
import type { ModelInfo } from "../shared/engineProtocol";
import type { Config } from "./Config";
import type { PromptLog } from "./PromptLog";
import type { WorkspaceKnowledge } from "./workspace/WorkspaceKnowledge";

export type EngineState = "noModel" | "idle" | "loading" | "ready" | "generating" | "crashed" | "error";

export interface EngineStatus {
  state: EngineState;
  /** Words for the user: what is happening, or what went wrong and what to do. */
  message?: string;
  /** 0..1 while loading or downloading. */
  progress?: number;
  info?: ModelInfo;
  /** "local", "tgi" or "openai". */
  engine: "local" | "tgi" | "openai";
  /** With state "error": what failed, so the chat header offers that error's actions. */
  code?: ErrorCode;
  /** Last measured decode speed. */
  tokensPerSecond?: number;
}

/** The inference backend and its status (EngineHost): the local engine or a remote server. */
export interface Engine {
  /** A ready backend. Loads the model on first use, with progress in the status bar; rejects with
   *  typed errors from src/core/errors.ts (ModelNotInstalledError, InsufficientMemoryError…). */
  getBackend(signal?: AbortSignal): Promise<InferenceBackend>;
  status(): EngineStatus;
  readonly onDidChangeStatus: vscode.Event<EngineStatus>;
  /** Drops the backend (new settings, a new API key, a GPU pack); the next request builds a new one. */
  resetBackend(reason: string): void;
  /** The local model file the current settings name, when it is on disk (nothing is loaded). */
  modelPath(): Promise<string | undefined>;
}

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  readonly engine: Engine;
  /** Remembered for "Mixtral: Show Last Prompt". */
  readonly prompts: PromptLog;
  /** The workspace index, its instruction files and what the chat and commands retrieve from it. */
  readonly workspace: WorkspaceKnowledge;
}
