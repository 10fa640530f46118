// File changes for the index: a FileSystemWatcher over every folder (creates, changes and deletes,
// made in VS Code or outside it: a branch switch, a build, another editor) and saved documents.
// Events are batched (a branch switch fires thousands) and handed over as absolute paths.
import * as vscode from "vscode";
import { Disposable } from "../lifecycle";

/** Changes are gathered this long before the index hears of them. */
const BATCH_MS = 250;

export class IndexWatcher extends Disposable {
  private listeners: vscode.Disposable[] = [];
  private readonly changed = new Set<string>();
  private readonly deleted = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onBatch: (changed: string[], deleted: string[]) => void) {
    super();
    this._register({ dispose: () => this.stop() });
  }

  start(): void {
    if (this.listeners.length) return;
    const watcher = vscode.workspace.createFileSystemWatcher("**/*");
    this.listeners = [
      watcher,
      watcher.onDidCreate((u) => this.note(u, false)),
      watcher.onDidChange((u) => this.note(u, false)),
      watcher.onDidDelete((u) => this.note(u, true)),
      // A save is also a change on disk; the watcher may lag or miss it (remote file systems).
      vscode.workspace.onDidSaveTextDocument((d) => this.note(d.uri, false)),
    ];
  }

  stop(): void {
    this.listeners.splice(0).forEach((l) => l.dispose());
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.changed.clear();
    this.deleted.clear();
  }

  private note(uri: vscode.Uri, deleted: boolean): void {
    if (uri.scheme !== "file") return;
    const p = uri.fsPath;
    // The last event for a path wins: deleted then recreated is a change.
    (deleted ? this.changed : this.deleted).delete(p);
    (deleted ? this.deleted : this.changed).add(p);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const changed = [...this.changed];
    const deleted = [...this.deleted];
    this.changed.clear();
    this.deleted.clear();
    if (changed.length || deleted.length) this.onBatch(changed, deleted);
  }
}
