// Ownership of disposables, after vscode-pull-request-github's lifecycle.ts: every listener,
// item, channel and timer belongs to exactly one owner and is disposed with it.
import type * as vscode from "vscode";

export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // Disposal must continue for the rest even if one owner misbehaves.
      }
    }
  }
}

export function toDisposable(fn: () => void): vscode.Disposable {
  return { dispose: fn };
}
