// Next-edit suggestions in the editor. After an edit and a pause (mixtral.nextEdit.debounceMs) it
// asks NextEditService (src/core/nextEdit) for the next edit in the active editor and shows it
// (NextEditView). Rules:
//   - any edit cancels a pending request at once and dismisses what is shown (typing elsewhere
//     dismisses; the next request, after the pause, sees the new text);
//   - Tab (mixtral.acceptNextEdit, only while mixtral.nextEditVisible and neither VS Code's
//     inline suggestion, the suggest widget nor a snippet wants it) jumps to a change elsewhere,
//     then accepts it when the cursor is there: one edit, one undo step; the next suggestion is
//     asked for at once (prefetch), so a chain of edits needs no pause;
//   - Escape dismisses; moving the cursor keeps the suggestion (the hint follows the cursor, the
//     change shows in place once the cursor is near it); another editor dismisses it;
//   - a document with an edits-in-place proposal (mixtral.proposalPending, or an answer streaming
//     into it) gets no requests and shows nothing: that proposal owns the document until decided.
import * as vscode from "vscode";
import { EditHistory } from "../../core/nextEdit/editHistory";
import { nextEditDecision, type NextEditDecision } from "../../core/nextEdit/enablement";
import { NextEditService, type NextEditOutcome } from "../../core/nextEdit/NextEditService";
import type { NextEditSuggestion } from "../../core/nextEdit/suggestion";
import { CommandIds } from "../commandIds";
import { SECTION } from "../Config";
import { describeError } from "../describeError";
import { languageEnabled } from "../completion/snapshots";
import { Disposable, toDisposable } from "../lifecycle";
import type { Services } from "../services";
import { EditRecorder, isSourceDocument, pathOf } from "./EditRecorder";
import { isNear, NextEditView, type ShownState } from "./NextEditView";

export interface NextEditHooks {
  /** True while an edits-in-place proposal is pending or streaming in `doc`. */
  proposalActive(doc: vscode.TextDocument): boolean;
}

interface Current {
  editor: vscode.TextEditor;
  version: number;
  suggestion: NextEditSuggestion;
}

/** Test-mode view of the state (mixtral._test.nextEdit). */
export interface NextEditTestState {
  shown?: ShownState;
  requests: number;
  outcomes: string[];
  busy: boolean;
  decision: NextEditDecision;
}

export class NextEditController extends Disposable {
  private readonly history = new EditHistory();
  private readonly recorder = this._register(new EditRecorder(this.history));
  private readonly view = this._register(new NextEditView());
  private readonly service: NextEditService;
  private current: Current | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set while we apply an accepted suggestion: that change is not "typing". */
  private applying = false;
  private requests = 0;
  private readonly outcomes: string[] = [];
  private readonly warned = new Set<string>();

  constructor(
    private readonly services: Services,
    private readonly hooks: NextEditHooks,
  ) {
    super();
    this.service = new NextEditService({
      getBackend: (signal) => services.engine.getBackend(signal),
      settings: () => ({ template: services.config.settings.prompts.nextEdit, speculation: services.config.settings.speculativeDecoding }),
      onPrompt: (prompt, segments) => {
        services.prompts.record({ feature: "nextEdit", segments });
        if (prompt.templateWarning) this.warnOnce(prompt.templateWarning.message);
      },
    });
    this._register(toDisposable(() => this.stop()));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)));
    this._register(vscode.window.onDidChangeTextEditorSelection((e) => this.cursorMoved(e.textEditor)));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.dismiss()));
    this._register(
      services.config.onDidChange(() => {
        if (!this.decision().on) this.stop();
      }),
    );
    const reg = (id: string, fn: () => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(CommandIds.acceptNextEdit, () => this.acceptOrJump());
    reg(CommandIds.dismissNextEdit, () => this.stop());
    reg(CommandIds.toggleNextEdit, () => this.toggle());
    if (MIXTRAL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test) {
      reg("mixtral._test.nextEdit", (): NextEditTestState => ({
        shown: this.view.state,
        requests: this.requests,
        outcomes: [...this.outcomes],
        busy: this.service.busy,
        decision: this.decision(),
      }));
    }
  }

  /** Whether suggestions run now (mixtral.nextEdit.enabled and what the engine is). */
  decision(): NextEditDecision {
    const s = this.services.config.settings;
    const info = this.services.engine.status().info;
    return nextEditDecision(s.nextEditEnabled, {
      engine: s.engine,
      backend: info?.backend,
      gpuLayers: info?.gpuLayers,
      layerCount: info?.layerCount,
    });
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    const ours = this.applying;
    const userEdit = !ours && e.document === vscode.window.activeTextEditor?.document && !this.hooks.proposalActive(e.document);
    this.recorder.changed(e, ours || userEdit);
    // Output channels and other non-source documents change all the time: not edits.
    if (ours || e.contentChanges.length === 0 || !isSourceDocument(e.document)) return;
    if (this.current?.editor.document === e.document || this.service.busy) this.stop();
    // Undo and Redo step back through edits already made: nothing new to predict from.
    if (userEdit && e.reason === undefined) this.schedule(this.services.config.settings.nextEditDebounceMs);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.request();
    }, delayMs);
  }

  private async request(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || this.isDisposed || !this.decision().on) return;
    const doc = editor.document;
    if (!isSourceDocument(doc) || this.hooks.proposalActive(doc)) return;
    if (!languageEnabled(this.services.config.settings.nextEditLanguages, doc.languageId)) return;
    const version = doc.version;
    this.requests++;
    const outcome = await this.service.suggest(
      { path: pathOf(doc), languageId: doc.languageId, text: doc.getText(), cursor: doc.offsetAt(editor.selection.active) },
      this.history.diffs(),
    );
    this.settled(outcome);
    if (outcome.kind !== "suggestion" || this.isDisposed) return;
    // Only onto the text it was made for, in the editor still active.
    if (doc.version !== version || vscode.window.activeTextEditor !== editor || this.hooks.proposalActive(doc)) return;
    this.current = { editor, version, suggestion: outcome.suggestion };
    this.view.show(editor, outcome.suggestion);
  }

  private settled(o: NextEditOutcome): void {
    const label =
      o.kind === "suggestion"
        ? `suggestion (${o.figures.ms.toFixed(0)} ms${o.figures.earlyStopped ? `, stopped early: ${o.figures.linesSaved} lines from the original` : ""})`
        : o.kind === "none"
          ? `none: ${o.reason}`
          : "failed";
    this.outcomes.push(label);
    if (this.outcomes.length > 50) this.outcomes.shift();
    if (o.kind === "failed") this.warnOnce(describeError(o.error).message);
    else this.services.log.debug(`[nextEdit] ${label}`);
  }

  /** Failures never pop up on their own while typing: logged, one warning per distinct cause. */
  private warnOnce(message: string): void {
    if (this.warned.has(message)) return this.services.log.debug(`[nextEdit] ${message}`);
    this.warned.add(message);
    this.services.log.warn(`[nextEdit] ${message}`);
  }

  private cursorMoved(editor: vscode.TextEditor): void {
    const c = this.current;
    if (!c || c.editor !== editor || this.applying) return;
    this.view.show(editor, c.suggestion);
  }

  /** Tab: jump to a change elsewhere, or accept the one at the cursor. */
  async acceptOrJump(): Promise<void> {
    const c = this.current;
    const editor = vscode.window.activeTextEditor;
    if (!c || !editor || c.editor.document !== editor.document || editor.document.version !== c.version) return this.dismiss();
    const doc = editor.document;
    const s = c.suggestion;
    const range = new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end));
    if (!isNear(doc, s, editor.selection.active)) {
      editor.selection = new vscode.Selection(range.start, range.start);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      this.view.show(editor, s);
      return;
    }
    if (doc.getText(range) !== s.removed) return this.dismiss();
    this.stop();
    this.history.close();
    this.applying = true;
    let applied = false;
    try {
      applied = await editor.edit((b) => b.replace(range, s.inserted), { undoStopBefore: true, undoStopAfter: true });
    } finally {
      this.applying = false;
    }
    if (!applied) return;
    // The accepted change is an edit of its own in the history; the cursor goes to its end.
    this.history.close();
    const end = doc.positionAt(s.start + s.inserted.length);
    editor.selection = new vscode.Selection(end, end);
    // Prefetch: the next edit of a chain is asked for now, without the pause.
    this.schedule(0);
  }

  dismiss(): void {
    this.current = undefined;
    this.view.clear();
  }

  /** Cancels the pending request and the scheduled one, and dismisses what is shown. */
  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.service.cancel();
    this.dismiss();
  }

  /** Status bar menu and palette: on (from "auto" that is off here, or "off") or off. */
  async toggle(): Promise<void> {
    const on = this.decision().on;
    const config = vscode.workspace.getConfiguration(SECTION);
    const inspected = config.inspect<string>("nextEdit.enabled");
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update("nextEdit.enabled", on ? "off" : "on", target);
    if (!on) this.history.clear();
    void vscode.window.showInformationMessage(`Mixtral: next-edit suggestions are ${on ? "off" : "on"}.`);
  }
}
