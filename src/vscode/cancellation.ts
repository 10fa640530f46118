// The one bridge from VS Code's CancellationToken to the AbortSignal that core, the engine client
// and the downloads take (ARCHITECTURE: converted once, at the edge).
import type * as vscode from "vscode";

export interface TokenAbort extends vscode.Disposable {
  /** Aborted when the token is cancelled (at once when it already was), or by `abort()`. */
  readonly signal: AbortSignal;
  /** Aborts the signal for another reason than the token (a Stop button, a second source). */
  abort(): void;
}

/** An AbortSignal that follows `token`; dispose it when the work is done (it drops the listener). */
export function abortSignalFrom(token: vscode.CancellationToken): TokenAbort {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, abort: () => controller.abort(), dispose: () => listener.dispose() };
}
