// The index's own status bar item: shown while the index is built (click to cancel), after a
// cancel or a failure (click to build again), and hidden when the index is ready or off, so an
// idle index costs the status bar nothing.
import * as vscode from "vscode";
import { CommandIds } from "../commandIds";
import { Disposable } from "../lifecycle";
import type { IndexState, WorkspaceIndexService } from "./WorkspaceIndexService";

const PHASES: Record<string, string> = {
  loading: "loading",
  scanning: "finding files",
  indexing: "indexing",
  saving: "saving",
  ready: "ready",
};

export class IndexStatusItem extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem("mixtral.workspaceIndex", vscode.StatusBarAlignment.Right, 99));

  constructor(service: WorkspaceIndexService) {
    super();
    this.item.name = "Mixtral Workspace Index";
    this._register(service.onDidChangeState((s) => this.render(s)));
    this.render(service.state);
  }

  /** What the item shows now (for the extension-host tests); "" when hidden. */
  text = "";

  private render(s: IndexState): void {
    switch (s.kind) {
      case "building": {
        const p = s.progress;
        const count = p && p.total > 0 ? ` ${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")}` : "";
        this.show(
          `$(sync~spin) Mixtral: ${PHASES[p?.phase ?? "scanning"] ?? "indexing"}${count}`,
          "Mixtral Local is indexing this workspace on this machine (nothing leaves it). Click to cancel.",
          CommandIds.cancelWorkspaceIndexing,
        );
        return;
      }
      case "cancelled":
        this.show(
          "$(circle-slash) Mixtral: index cancelled",
          "Workspace indexing was cancelled: @workspace and the codebase tools search only what was indexed. Click to build the index.",
          CommandIds.rebuildWorkspaceIndex,
        );
        return;
      case "failed":
        this.show(
          "$(warning) Mixtral: index failed",
          `The workspace index could not be built: ${s.message}\nClick to try again; Mixtral: Show Log has the details.`,
          CommandIds.rebuildWorkspaceIndex,
        );
        return;
      default:
        this.text = "";
        this.item.hide();
    }
  }

  private show(text: string, tooltip: string, command: string): void {
    this.text = text;
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.show();
  }
}
