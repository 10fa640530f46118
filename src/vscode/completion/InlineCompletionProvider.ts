// VS Code's InlineCompletionItemProvider over the pure CompletionService. VS Code calls it on
// every keystroke and cancels the previous call's token; cached answers return at once, anything
// else waits out the debounce first (an explicit trigger does not wait).
import * as vscode from "vscode";
import type { CompletionService } from "../../core/completion/CompletionService";
import { sleep } from "../../core/sleep";
import type { CompletionOutcome } from "../../core/completion/types";
import type { Services } from "../services";
import { abortSignalFrom } from "../cancellation";
import { cursorSnapshot, languageEnabled, otherDocuments } from "./snapshots";

export interface ProviderHooks {
  /** Every outcome of a request that reached the service (for the status item and failures). */
  onOutcome(outcome: CompletionOutcome): void;
  /** Automatic requests are skipped while this is true (after a failure, to avoid a storm). */
  pausedAfterFailure(): boolean;
  /** A request answered without the service: completions off, language off, suggest widget open. */
  onSkip(reason: "disabled" | "language" | "suggestWidget" | "paused"): void;
}

export class InlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly services: Services,
    private readonly service: CompletionService,
    private readonly hooks: ProviderHooks,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = this.services.config.settings;
    if (!settings.inlineEnabled) return this.skip("disabled");
    if (!languageEnabled(settings.inlineLanguages, document.languageId)) return this.skip("language");
    // The suggest widget is open: its item would be inserted first, and our prompt would not know it.
    if (context.selectedCompletionInfo) return this.skip("suggestWidget");
    const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    const snapshot = cursorSnapshot(document, position);

    const hit = this.service.cached(snapshot);
    if (hit) {
      this.hooks.onOutcome(hit);
      return this.items(hit, position);
    }
    if (!explicit && this.hooks.pausedAfterFailure()) return this.skip("paused");

    const { signal, dispose } = abortSignalFrom(token);
    try {
      if (!explicit && !(await sleep(settings.inlineDebounceMs, signal))) return undefined;
      const outcome = await this.service.complete(snapshot, otherDocuments(document), signal);
      this.hooks.onOutcome(outcome);
      return this.items(outcome, position);
    } finally {
      dispose();
    }
  }

  private skip(reason: Parameters<ProviderHooks["onSkip"]>[0]): undefined {
    this.hooks.onSkip(reason);
    return undefined;
  }

  private items(outcome: CompletionOutcome, position: vscode.Position): vscode.InlineCompletionItem[] | undefined {
    if (outcome.kind !== "suggestion") return undefined;
    return [new vscode.InlineCompletionItem(outcome.text, new vscode.Range(position, position))];
  }
}
