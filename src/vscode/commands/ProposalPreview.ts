// Streams a command's answer with a cancellable progress notification, then either returns the
// proposed code (refactor, fix, document: streamed into the file and shown in place by
// src/vscode/edits/InlineProposals, and side by side here on request) or opens it in a new editor
// (write tests).
import * as vscode from "vscode";
import { extractCode, reindent, streamedCode } from "../../core/commands/answerCode";
import type { FeatureName } from "../../core/prompt/defaultTemplates";
import type { FeaturePrompt } from "../../core/prompt/featurePrompt";
import { segmentsForModel } from "../../core/prompt/chatTemplate";
import { builtInPromptNotice } from "../../core/prompt/templates";
import { abortSignalFrom } from "../cancellation";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";
import type { CodeTarget } from "./codeTarget";

export const PROPOSAL_SCHEME = "mixtral-proposal";

export const TITLES: Record<string, string> = { refactor: "Refactor", fix: "Fix", document: "Documentation", writeTests: "Tests" };

export class ProposalPreview extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private counter = 0;

  constructor(private readonly services: Services) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? "";
  }

  /** Generates with a cancellable notification; returns the answer, or undefined when cancelled
   *  empty. `stream` sees the whole answer so far each time a line ends, and its `signal` stops the
   *  answer like the notification's Cancel; `stopped` says the answer was stopped by either. */
  private async generate(
    title: string,
    built: FeaturePrompt,
    feature: string,
    stream?: { signal: AbortSignal; onText(text: string): void },
  ): Promise<{ text: string; incomplete: boolean; reason?: string; stopped: boolean; stopReason: string } | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Mixtral: ${title}`, cancellable: true },
      async (progress, token) => {
        const cancel = abortSignalFrom(token);
        const signal = stream ? AbortSignal.any([cancel.signal, stream.signal]) : cancel.signal;
        try {
          progress.report({ message: "loading the model…" });
          const backend = await this.services.engine.getBackend(signal);
          // The loaded model decides the format: its own chat template when it is not Mixtral's.
          const segments = segmentsForModel(built.messages, built.segments, backend.modelInfo());
          this.services.prompts.record({ feature, segments, sources: built.sources });
          const s = this.services.config.settings;
          let text = "";
          progress.report({ message: "thinking…" });
          const result = await backend.generate(
            { slot: "chat", prompt: segments, messages: built.messages, maxTokens: s.maxTokens, temperature: s.temperature },
            (chunk) => {
              text += chunk;
              progress.report({ message: `writing… ${text.length} characters` });
              // Per line, not per token: each call may redraw the editor.
              if (chunk.includes("\n") && !signal.aborted) stream?.onText(text);
            },
            signal,
          );
          const stopped = signal.aborted;
          if (result.stopReason === "abort" && !result.text.trim())
            return stopped
              ? undefined
              : { text: "", incomplete: true, reason: result.incompleteReason, stopped, stopReason: result.stopReason };
          return {
            text: result.text,
            incomplete: result.incomplete || result.stopReason === "maxTokens",
            reason:
              result.incompleteReason ??
              (result.stopReason === "maxTokens"
                ? "it reached mixtral.maxTokens"
                : result.stopReason === "abort"
                  ? "you stopped it"
                  : undefined),
            stopped,
            stopReason: result.stopReason,
          };
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  /** Generates the feature's answer and returns its code, re-indented for the target's first
   *  line; undefined (having told the user) when there is nothing to propose. `onCode` receives
   *  the code's complete lines so far, re-indented, as they are written. An answer stopped by the
   *  user or by `signal` proposes nothing; one cut off by a failure (engine crash, connection lost)
   *  neither: its partial code is not a proposal. */
  async answerCode(
    feature: FeatureName,
    target: CodeTarget,
    built: FeaturePrompt,
    stream?: { signal: AbortSignal; onCode(code: string): void },
  ): Promise<{ code: string; note?: string } | undefined> {
    if (built.warning) void vscode.window.showWarningMessage(`Mixtral: ${builtInPromptNotice(built.warning)}`);
    const title = TITLES[feature] ?? feature;
    const indent = /^[ \t]*/.exec(target.document.lineAt(target.range.start.line).text)![0];
    let shown: string | undefined;
    const onText = (text: string) => {
      const code = streamedCode(text);
      if (code === undefined || code === shown) return;
      shown = code;
      stream?.onCode(reindent(code, indent));
    };
    const answer = await this.generate(
      `${title} ${target.fileName}:${target.startLine}-${target.endLine}`,
      built,
      feature,
      stream && { signal: stream.signal, onText },
    );
    if (!answer || answer.stopped) return undefined;
    if (answer.stopReason === "abort") {
      // The failure's words end with "the partial answer is kept" (true in the chat), not here.
      const why = (answer.reason ?? "the engine stopped").replace(/[;.]?\s*the partial answer is kept\.?$/i, "");
      void vscode.window.showWarningMessage(
        `Mixtral: the answer stopped before its end (${why}), so ${target.fileName} is as it was. Run the command again.`,
      );
      return undefined;
    }
    const extracted = extractCode(answer.text);
    if (!extracted || !extracted.code.trim()) {
      const open = await vscode.window.showWarningMessage("Mixtral answered without code, so there is nothing to apply.", "Show Answer");
      if (open)
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: answer.text, language: "markdown" }));
      return undefined;
    }
    const note = answer.incomplete ? `The answer was cut short (${answer.reason ?? "incomplete"}): review it carefully.` : undefined;
    return { code: reindent(extracted.code, indent), note };
  }

  /** The whole file before and after a proposal, side by side (read-only: the proposal's own
   *  Accept and Reject act on the file). */
  async showDiff(fileName: string, title: string, original: string, proposed: string): Promise<void> {
    const id = ++this.counter;
    const left = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${id}/original/${fileName}` });
    const right = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${id}/proposed/${fileName}` });
    this.docs.set(left.toString(), original);
    this.docs.set(right.toString(), proposed);
    await vscode.commands.executeCommand("vscode.diff", left, right, `Mixtral ${title}: ${fileName} ↔ proposal`, { preview: true });
  }

  /** Closes the side-by-side diffs once their proposal is decided. */
  async closeDiffs(): Promise<void> {
    this.docs.clear();
    await closeTabsWithScheme();
  }

  async toNewEditor(target: CodeTarget, built: FeaturePrompt, testFramework: string): Promise<void> {
    const answer = await this.generate(
      `Tests for ${target.fileName}:${target.startLine}-${target.endLine} (${testFramework})`,
      built,
      "writeTests",
    );
    if (!answer) return;
    const extracted = extractCode(answer.text);
    const language = languageFor(extracted?.language) ?? target.languageId;
    const content = extracted?.code ?? answer.text;
    const doc = await vscode.workspace.openTextDocument({ content, language: extracted ? language : "markdown" });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
    if (answer.incomplete) void vscode.window.showWarningMessage(`Mixtral: the tests were cut short (${answer.reason ?? "incomplete"}).`);
  }
}

async function closeTabsWithScheme(): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === PROPOSAL_SCHEME);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

const ALIASES: Record<string, string> = {
  ts: "typescript",
  js: "javascript",
  py: "python",
  rs: "rust",
  sh: "shellscript",
  bash: "shellscript",
  tsx: "typescriptreact",
  jsx: "javascriptreact",
  "c++": "cpp",
  cs: "csharp",
};
function languageFor(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const t = tag.toLowerCase();
  return ALIASES[t] ?? t;
}
