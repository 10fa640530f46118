// The one owner of the `mixtral` settings section and of the single configuration listener.
import * as vscode from "vscode";
import { classifyChange, normalizeSettings, type Settings } from "../core/config/settings";
import { Disposable } from "./lifecycle";

export const SECTION = "mixtral";

export class Config extends Disposable {
  private current: Settings;
  private readonly warned = new Set<string>();
  private readonly changeEmitter = this._register(new vscode.EventEmitter<{ kind: "engine" | "hot"; settings: Settings }>());
  /** Fires after a change with its kind: `engine` (reload the model) or `hot` (applied now). */
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.current = this.read();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const kind = classifyChange((k) => e.affectsConfiguration(k));
        if (kind === "none") return;
        this.current = this.read();
        this.changeEmitter.fire({ kind, settings: this.current });
      }),
    );
  }

  get settings(): Settings {
    return this.current;
  }

  private read(): Settings {
    const c = vscode.workspace.getConfiguration(SECTION);
    return normalizeSettings(
      (key) => c.get(key),
      (message) => {
        // One warning per distinct problem, not one per read.
        if (this.warned.has(message)) return;
        this.warned.add(message);
        this.log.warn(`[config] ${message}`);
      },
    );
  }
}
