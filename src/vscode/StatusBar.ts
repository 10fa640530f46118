// The model status item: model and level, backend, state; click opens the Mixtral menu.
import * as vscode from "vscode";
import { isFallbackNotice } from "../core/gpu/gpuFailure";
import { ChatViewProvider } from "./chat/ChatViewProvider";
import { CommandIds } from "./commandIds";
import { Disposable } from "./lifecycle";
import type { PausedStatus } from "./models/PausedDownloads";
import type { EngineStatus, Services } from "./services";
import { testRecords } from "./testRecords";

const MENU_COMMAND = "mixtral.statusMenu";

export class StatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem("mixtral.status", vscode.StatusBarAlignment.Right, 100));

  constructor(private readonly services: Services) {
    super();
    this.item.name = "Mixtral Local";
    this.item.command = MENU_COMMAND;
    this._register(vscode.commands.registerCommand(MENU_COMMAND, () => this.showMenu()));
    this._register(services.engine.onDidChangeStatus((s) => this.render(s)));
    this.render(services.engine.status());
    this.item.show();
  }

  /** What the item shows now (for the extension-host tests). */
  get text(): string {
    return this.item.text;
  }

  /** Download progress from the ModelManager overrides the engine state while it runs. */
  private download: { level: string; state: string; fraction?: number } | undefined;

  setDownload(d: { level: string; state: string; fraction?: number }): void {
    this.download = d.state === "downloading" || d.state === "verifying" ? d : undefined;
    this.render(this.services.engine.status());
  }

  /** "Enable GPU Acceleration (CUDA, 143 MB)" while a GPU pack fits this machine and none is installed. */
  private gpuOffer: string | undefined;

  setGpuOffer(label: string | undefined): void {
    this.gpuOffer = label;
    this.render(this.services.engine.status());
  }

  /** An interrupted download of the configured level, found on disk (PausedDownloads). */
  private paused: PausedStatus | undefined;

  setPaused(p: PausedStatus | undefined): void {
    this.paused = p;
    this.render(this.services.engine.status());
  }

  private render(s: EngineStatus): void {
    this.item.backgroundColor = undefined;
    if (this.download) {
      const pct = this.download.fraction !== undefined ? ` ${(this.download.fraction * 100).toFixed(0)} %` : "";
      this.item.text = `$(cloud-download) Mixtral ${this.download.level}: ${this.download.state}${pct}`;
      this.item.tooltip = "Mixtral Local: downloading the model (cancel from the notification)";
      return;
    }
    // The engine has no model while the configured level is half-downloaded: say why, and how on.
    if (this.paused && s.state !== "loading" && s.state !== "ready" && s.state !== "generating") {
      const p = this.paused;
      this.item.text =
        p.state === "paused"
          ? `$(debug-pause) Mixtral ${p.level}: download paused${p.percent}`
          : `$(sync~spin) Mixtral ${p.level}: downloading in another window${p.percent}`;
      this.item.tooltip = `Mixtral Local: ${p.level} ${p.detail}. ${p.state === "paused" ? "Click to resume or discard it." : "This window will use the file once it is complete."}`;
      this.item.accessibilityInformation = { label: `Mixtral Local: ${p.level} ${p.detail}` };
      return;
    }
    const model = s.info ? `${s.info.quantization}` : "";
    const fallbacks = s.info?.notices.filter(isFallbackNotice) ?? [];
    const remote = s.engine !== "local" ? ` (${s.engine})` : "";
    switch (s.state) {
      case "noModel":
        this.item.text = "$(circle-slash) Mixtral: no model";
        break;
      case "idle":
        this.item.text = `$(circle-outline) Mixtral${remote}`;
        break;
      case "loading":
        this.item.text = `$(loading~spin) Mixtral: loading${s.progress !== undefined ? ` ${Math.round(s.progress * 100)} %` : ""}`;
        break;
      case "ready":
        // A GPU backend passed over (it failed its decode test or aborted): warn until fixed.
        this.item.text = `${fallbacks.length > 0 ? "$(warning)" : "$(check)"} Mixtral ${model}${remote}${s.info ? ` · ${s.info.backend}` : ""}`;
        break;
      case "generating":
        this.item.text = `$(sync~spin) Mixtral ${model}${s.tokensPerSecond ? ` · ${s.tokensPerSecond.toFixed(0)} tok/s` : ""}`;
        break;
      case "crashed":
      case "error":
        this.item.text = "$(error) Mixtral";
        break;
    }
    this.item.backgroundColor =
      s.state === "error" || s.state === "crashed" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    // The one command link the tooltip may run (the GPU offer); everything else in it is text.
    md.isTrusted = { enabledCommands: [CommandIds.enableGpuAcceleration] };
    md.appendMarkdown(`**Mixtral Local** — ${s.engine === "local" ? "local engine" : `remote (${s.engine})`}\n\n`);
    if (s.info)
      md.appendMarkdown(
        `${s.info.fileName}\n\n${s.info.description} · ${s.info.backend}${s.info.gpuName ? ` (${s.info.gpuName})` : ""}\n\n`,
      );
    for (const notice of fallbacks) md.appendText(`${notice}\n\n`);
    if (this.gpuOffer)
      md.appendMarkdown(
        `This machine has a GPU the engine does not use yet; it runs on the CPU until a GPU pack is installed: [${this.gpuOffer}](command:${CommandIds.enableGpuAcceleration})\n\n`,
      );
    if (s.message) md.appendText(s.message);
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `Mixtral Local: ${s.state}${s.message ? `. ${s.message}` : ""}` };
  }

  private pausedMenuItems(): (vscode.QuickPickItem & { command: string; args?: unknown[] })[] {
    const p = this.paused;
    if (!p) return [];
    if (p.state === "elsewhere")
      return [{ label: `$(sync~spin) ${p.level} Is Downloading in Another Window`, detail: p.detail, command: "" }];
    return [
      {
        label: `$(debug-continue) Resume Download (${p.level}${p.percent ? `,${p.percent}` : ""})`,
        detail: p.detail,
        command: CommandIds.resumeDownload,
        args: [p.level],
      },
      { label: `$(trash) Discard Paused Download…`, command: CommandIds.discardDownload, args: [p.level] },
      { label: "", kind: vscode.QuickPickItemKind.Separator, command: "" },
    ];
  }

  private async showMenu(): Promise<void> {
    const items: (vscode.QuickPickItem & { command: string; args?: unknown[] })[] = [
      ...this.pausedMenuItems(),
      ...(this.gpuOffer ? [{ label: `$(rocket) ${this.gpuOffer}`, command: CommandIds.enableGpuAcceleration }] : []),
      { label: "$(cloud-download) Select or Download Model…", command: CommandIds.selectModel },
      { label: "$(comment-discussion) Open Chat", command: `${ChatViewProvider.viewId}.focus` },
      { label: "$(sparkle) Toggle Inline Completions", command: CommandIds.toggleInlineCompletions },
      { label: "$(lightbulb-sparkle) Toggle Next-Edit Suggestions", command: CommandIds.toggleNextEdit },
      { label: "$(pulse) Doctor", command: CommandIds.doctor },
      { label: "$(gear) Settings", command: "workbench.action.openSettings", args: ["mixtral."] },
      { label: "$(output) Show Log", command: CommandIds.showLog },
    ];
    if (MIXTRAL_TEST_HOOKS) testRecords.statusBarMenu = items.map((i) => i.label);
    const pick = await vscode.window.showQuickPick(items, { title: "Mixtral Local", placeHolder: this.services.engine.status().message });
    if (pick?.command) await vscode.commands.executeCommand(pick.command, ...(pick.args ?? []));
  }
}
