// The one place the adapters construct the index's host-side client (src/core/workspace, branch
// index-core): the worker runs dist/indexer.js; this file maps the service's calls onto it.
import type { IndexOptions, IndexProgress, IndexStats, WorkspaceIndex } from "../../core/workspace/types";

export interface IndexClient extends WorkspaceIndex {
  /** Builds (or loads) the index; resolves with its stats, or undefined when cancelled. */
  start(): Promise<IndexStats | undefined>;
  cancel(): void;
  /** Files created or changed (absolute paths). */
  update(paths: readonly string[]): void;
  /** Files deleted (absolute paths). */
  remove(paths: readonly string[]): void;
  dispose(): void;
}

export function createIndexClient(options: IndexOptions, extensionPath: string, onProgress: (p: IndexProgress) => void, onLog: (message: string) => void): IndexClient {
  void options;
  void extensionPath;
  void onProgress;
  onLog("the index client is not merged yet");
  throw new Error("The workspace index is not available in this build.");
}
