// Owns inline completions: the provider for every language, the status item, the toggle command
// and the failure policy (never a popup per request: log, status bar, one notification per cause).
//
//   new InlineCompletionController(services)   registers everything; dispose() removes it.
//   controller.stats                            counters from the completion service.
// Commands: mixtral.toggleInlineCompletions (contributed); in test mode only,
// mixtral._test.inlineCompletionStats (returns the counters so extension-host tests can check,
// for example, that a cache hit did not reach the engine).
import * as vscode from "vscode";
import { CompletionService, type CompletionStats } from "../../core/completion/CompletionService";
import type { CompletionOutcome } from "../../core/completion/types";
import { CommandIds } from "../commandIds";
import { describeError, showErrorWithActions } from "../describeError";
import { SECTION } from "../Config";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";
import { CompletionStatusItem } from "./CompletionStatusItem";
import { InlineCompletionProvider } from "./InlineCompletionProvider";
import { languageEnabled } from "./snapshots";

export interface InlineCompletionStats extends CompletionStats {
  skipped: Record<string, number>;
  lastSuggestion?: string;
}

export const STATS_COMMAND = "mixtral._test.inlineCompletionStats";
/** After a failure, automatic requests pause this long (explicit ones still go through). */
const FAILURE_PAUSE_MS = 5_000;

export class InlineCompletionController extends Disposable {
  private readonly service: CompletionService;
  private readonly status = this._register(new CompletionStatusItem());
  private readonly notified = new Set<string>();
  private failedAt = 0;
  private lastError?: string;
  private busy = false;
  private readonly skipped: Record<string, number> = {};
  private lastSuggestion?: string;

  constructor(private readonly services: Services) {
    super();
    this.service = new CompletionService({
      getBackend: (signal) => services.engine.getBackend(signal),
      settings: () => {
        const s = services.config.settings;
        return { maxTokens: s.inlineMaxTokens, multiline: s.inlineMultiline, template: s.prompts.inlineCompletion };
      },
      onPrompt: (prompt) => {
        services.prompts.record({ feature: "inlineCompletion", segments: prompt.segments });
        if (prompt.templateWarning) this.failure(prompt.templateWarning, false);
      },
      onBusyChange: (busy) => {
        this.busy = busy;
        this.refresh();
      },
    });
    const provider = new InlineCompletionProvider(services, this.service, {
      onOutcome: (o) => this.onOutcome(o),
      pausedAfterFailure: () => Date.now() - this.failedAt < FAILURE_PAUSE_MS,
      onSkip: (reason) => (this.skipped[reason] = (this.skipped[reason] ?? 0) + 1),
    });
    this._register(vscode.languages.registerInlineCompletionItemProvider({ pattern: "**" }, provider));
    this._register(vscode.commands.registerCommand(CommandIds.toggleInlineCompletions, () => this.toggle()));
    if (MIXTRAL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test)
      this._register(vscode.commands.registerCommand(STATS_COMMAND, () => this.stats));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.refresh()));
    this._register(
      services.config.onDidChange(() => {
        // A changed template or model invalidates what the cache learned.
        this.service.cache.clear();
        this.refresh();
      }),
    );
    this.refresh();
  }

  /** The service's counters, requests skipped before it by reason, and the last suggestion shown. */
  get stats(): InlineCompletionStats {
    return { ...this.service.stats, skipped: { ...this.skipped }, lastSuggestion: this.lastSuggestion };
  }

  /** Flips `mixtral.inlineCompletions.enabled` where it is set (workspace over user settings). */
  async toggle(): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const key = "inlineCompletions.enabled";
    const inspected = config.inspect<boolean>(key);
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update(key, !this.services.config.settings.inlineEnabled, target);
  }

  private onOutcome(outcome: CompletionOutcome): void {
    if (outcome.kind === "suggestion") {
      this.lastError = undefined;
      this.lastSuggestion = outcome.text;
    } else if (outcome.reason === "failed") {
      this.failure(outcome.error, true);
      return;
    } else if (outcome.reason !== "superseded" && outcome.reason !== "aborted") {
      this.services.log.debug(`[completion] suggestion discarded: ${outcome.reason}`);
    }
    this.refresh();
  }

  /** Log it, show it in the status bar, and notify once per distinct cause. */
  private failure(error: unknown, pause: boolean): void {
    const description = describeError(error);
    const { message } = description;
    if (pause) {
      this.failedAt = Date.now();
      this.lastError = message;
    }
    this.refresh();
    const cause = `${error instanceof Error ? error.name : "Error"}: ${message}`;
    if (this.notified.has(cause)) {
      this.services.log.debug(`[completion] ${message}`);
      return;
    }
    this.notified.add(cause);
    this.services.log.warn(`[completion] ${message}`);
    void showErrorWithActions((m, ...titles) => vscode.window.showWarningMessage(m, ...titles), {
      ...description,
      message: `Inline completions: ${message}`,
    });
  }

  private refresh(): void {
    if (this.isDisposed) return;
    const settings = this.services.config.settings;
    const languageId = vscode.window.activeTextEditor?.document.languageId;
    if (!settings.inlineEnabled) this.status.set({ state: "off", reason: "disabled in settings" });
    else if (languageId && !languageEnabled(settings.inlineLanguages, languageId))
      this.status.set({ state: "off", reason: `disabled for ${languageId}` });
    else if (this.busy) this.status.set({ state: "thinking" });
    else if (this.lastError) this.status.set({ state: "error", message: this.lastError });
    else this.status.set({ state: "on" });
  }
}
