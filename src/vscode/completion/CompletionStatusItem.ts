// The inline-completion status item: on, off, thinking, error. Clicking it toggles completions.
import * as vscode from "vscode";
import { CommandIds } from "../commandIds";
import { Disposable } from "../lifecycle";

export type CompletionIndicator =
  { state: "on" } | { state: "off"; reason: string } | { state: "thinking" } | { state: "error"; message: string };

export class CompletionStatusItem extends Disposable {
  private readonly item = this._register(
    vscode.window.createStatusBarItem("mixtral.inlineCompletions", vscode.StatusBarAlignment.Right, 99),
  );
  private current: CompletionIndicator = { state: "on" };

  constructor() {
    super();
    this.item.name = "Mixtral Inline Completions";
    this.item.command = CommandIds.toggleInlineCompletions;
    this.render();
    this.item.show();
  }

  get indicator(): CompletionIndicator {
    return this.current;
  }

  set(indicator: CompletionIndicator): void {
    if (JSON.stringify(indicator) === JSON.stringify(this.current)) return;
    this.current = indicator;
    this.render();
  }

  private render(): void {
    const s = this.current;
    switch (s.state) {
      case "on":
        this.item.text = "$(sparkle)";
        this.item.tooltip = "Mixtral inline completions: on (click to turn off)";
        break;
      case "off":
        this.item.text = "$(circle-slash) $(sparkle)";
        this.item.tooltip = `Mixtral inline completions: off, ${s.reason} (click to toggle)`;
        break;
      case "thinking":
        this.item.text = "$(loading~spin)";
        this.item.tooltip = "Mixtral inline completions: thinking…";
        break;
      case "error":
        this.item.text = "$(warning) $(sparkle)";
        this.item.tooltip = `Mixtral inline completions: the last request failed: ${s.message}`;
        break;
    }
    this.item.backgroundColor = s.state === "error" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    this.item.accessibilityInformation = { label: `Mixtral inline completions: ${s.state}` };
  }
}
