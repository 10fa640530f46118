// What the adapters (chat view, commands, inline completions, status bar) get from the
// composition root in extension.ts. One instance per activation.
import type * as vscode from "vscode";
import type { InferenceBackend } from "../core/engine/types";
import type { ErrorCode } from "../core/errors";
import type { ModelInfo, PromptSegment } from "../shared/engineProtocol";
import type { Config } from "./Config";
import type { ErrorDescription } from "./describeError";

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

export interface LastPrompt {
  feature: string;
  segments: PromptSegment[];
  text: string;
  tokenCount?: number;
  at: number;
}

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  /** A ready backend. Loads the model on first use, with progress in the status bar; rejects with
   *  typed errors from src/core/errors.ts (ModelNotInstalledError, InsufficientMemoryError…). */
  getBackend(signal?: AbortSignal): Promise<InferenceBackend>;
  status(): EngineStatus;
  readonly onDidChangeStatus: vscode.Event<EngineStatus>;
  /** Remembered for "Mixtral: Show Last Prompt". */
  recordPrompt(prompt: Omit<LastPrompt, "at" | "text">): void;
  lastPrompt(): LastPrompt | undefined;
  /** Turns any error into one user-facing message with a next step (never throws). */
  describeError(err: unknown): ErrorDescription;
}
