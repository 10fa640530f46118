// The everyday verbs on code: explain, ask (into the chat), refactor, fix, document (as a
// previewed, undoable edit) and write tests (into a new editor). Each takes a CodeTarget, renders
// the feature's prompt in Mixtral's format, and streams the answer where the user can use it.
import * as vscode from "vscode";
import { checkCodeInput } from "../../core/commands/codeInput";
import { guessTestFramework } from "../../core/commands/testFramework";
import type { FeatureName } from "../../core/prompt/defaultTemplates";
import { buildFeaturePrompt, type FeaturePrompt } from "../../core/prompt/featurePrompt";
import type { PromptTemplateError } from "../../core/errors";
import { builtInPromptNotice, type PromptVariables, type Snippet } from "../../core/prompt/templates";
import { languageOf } from "../../core/workspaceContext/retrieval";
import { CommandIds } from "../commandIds";
import { describeError, notifyError } from "../describeError";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";
import { InlineProposals } from "../edits/InlineProposals";
import { codeTarget, type CodeTarget } from "./codeTarget";
import { MixtralCodeActions } from "./MixtralCodeActions";
import { ProposalPreview, TITLES } from "./ProposalPreview";
import { workspaceFacts } from "./workspaceFacts";
import { instructionSources, systemPromptFor } from "../workspace/promptContext";

/** What the commands need from the chat view (implemented by ChatViewProvider). */
export interface ChatSink {
  ask(request: {
    text: string;
    displayText?: string;
    attachments?: { fileName: string; languageId: string; startLine: number; endLine: number; code: string }[];
    feature?: string;
  }): Promise<void>;
}

const RECENT_KEY = "mixtral.recentRefactorInstructions";

/** Arguments a keybinding (or a test) may pass: `{ "instruction": "use async/await" }` skips the
 *  question. `apply` answers the proposal's Accept All (true) / Reject All (false) and is honoured
 *  only in the extension's test mode: in normal use, model output is accepted only by the user. */
export interface EditCommandArgs {
  instruction?: string;
  apply?: boolean;
}

function editArgs(arg: unknown): EditCommandArgs {
  if (typeof arg !== "object" || arg === null || arg instanceof vscode.Uri) return {};
  const a = arg as Record<string, unknown>;
  return {
    instruction: typeof a.instruction === "string" ? a.instruction : undefined,
    apply: typeof a.apply === "boolean" ? a.apply : undefined,
  };
}

export class CodeCommands extends Disposable {
  private readonly preview: ProposalPreview;
  private readonly inline: InlineProposals;

  constructor(
    private readonly services: Services,
    private readonly chat: ChatSink,
  ) {
    super();
    this.preview = this._register(new ProposalPreview(services));
    this.inline = this._register(new InlineProposals(services, this.preview));
    const reg = (id: string, fn: (...args: unknown[]) => Promise<void>) =>
      this._register(vscode.commands.registerCommand(id, (...args: unknown[]) => this.guard(() => fn(...args))));
    reg(CommandIds.explainSelection, () => this.toChat("explain"));
    reg(CommandIds.askAboutSelection, () => this.toChat("ask"));
    reg(CommandIds.refactorSelection, (arg) => this.edit("refactor", editArgs(arg)));
    reg(CommandIds.fixProblems, (uri, range) =>
      uri instanceof vscode.Uri && range instanceof vscode.Range ? this.edit("fix", {}, uri, range) : this.edit("fix", editArgs(uri)),
    );
    reg(CommandIds.addDocumentation, (arg) => this.edit("document", editArgs(arg)));
    reg(CommandIds.writeTests, () => this.writeTests());
    this._register(
      vscode.languages.registerCodeActionsProvider({ scheme: "file" }, new MixtralCodeActions(), {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.Empty],
      }),
    );
  }

  /** True while an edits-in-place proposal is pending or streaming in `doc` (next-edit keeps out). */
  proposalActive(doc: vscode.TextDocument): boolean {
    return this.inline.active(doc);
  }

  /** Every command fails with one message that offers the next step; never throws into VS Code. */
  private async guard(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      const d = describeError(err);
      this.services.log.error(`[commands] ${d.message}`);
      await notifyError(d);
    }
  }

  private async target(options: { wholeFile?: boolean } = {}): Promise<CodeTarget | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage("Mixtral: open a file and select some code first.");
      return undefined;
    }
    if (editor.document.getText().trim() === "") {
      void vscode.window.showInformationMessage("Mixtral: this file is empty — write or paste some code, then select it.");
      return undefined;
    }
    const t = await codeTarget(editor, { allowWholeFileFallback: options.wholeFile });
    const check = checkCodeInput(t.code);
    if (!check.ok) {
      void vscode.window.showWarningMessage(`Mixtral: ${check.reason}`);
      return undefined;
    }
    if (check.trimmed) {
      void vscode.window.showWarningMessage(`Mixtral: ${check.notice}`);
      t.code = check.code;
    }
    return t;
  }

  private variables(t: CodeTarget, extra: Partial<PromptVariables> = {}): PromptVariables {
    return { filePath: t.relativePath, language: t.languageId, selection: t.code, startLine: t.startLine, endLine: t.endLine, ...extra };
  }

  private promptOptions() {
    const s = this.services.config.settings;
    return { systemPrompt: s.systemPrompt, overrides: s.prompts };
  }

  /** The workspace's part of a command's prompt: the definitions the selection uses from other
   *  files (template variable `snippets`) and the instruction files (system text). */
  private async withWorkspace(
    feature: Exclude<FeatureName, "inlineCompletion">,
    t: CodeTarget,
    variables: PromptVariables,
  ): Promise<FeaturePrompt> {
    const contextSize = this.services.engine.status().info?.contextSize ?? this.services.config.settings.contextSize;
    const snippets = await this.services.workspace.definitionsFor(t.code, t.document.uri, contextSize);
    const { systemPrompt, instructions } = await systemPromptFor(this.services, t.document.uri, contextSize);
    const built = buildFeaturePrompt(feature, { ...variables, snippets }, { ...this.promptOptions(), systemPrompt });
    return { ...built, sources: [...instructionSources(instructions), ...snippets.map((s) => s.path)] };
  }

  private async toChat(feature: "explain" | "ask"): Promise<void> {
    const t = await this.target();
    if (!t) return;
    let question: string | undefined;
    if (feature === "ask") {
      question = await vscode.window.showInputBox({
        title: "Mixtral: Ask about the selection",
        prompt: `${t.fileName}:${t.startLine}-${t.endLine}`,
        placeHolder: "What does this do when the list is empty?",
        ignoreFocusOut: true,
      });
      if (!question?.trim()) return;
    }
    // The chat adds the instruction files itself; the definitions go into the text and as chips.
    const contextSize = this.services.engine.status().info?.contextSize ?? this.services.config.settings.contextSize;
    const snippets = await this.services.workspace.definitionsFor(t.code, t.document.uri, contextSize);
    const built = buildFeaturePrompt(feature, this.variables(t, { question, snippets }), this.promptOptions());
    this.warnTemplate(built.warning);
    const user = built.messages.find((m) => m.role === "user")?.content ?? "";
    const where = `${t.fileName}:${t.startLine}${t.endLine !== t.startLine ? `-${t.endLine}` : ""}`;
    await this.chat.ask({
      text: user,
      displayText: feature === "explain" ? `Explain ${where}` : `${question} (${where})`,
      attachments: [
        { fileName: t.relativePath, languageId: t.languageId, startLine: t.startLine, endLine: t.endLine, code: t.code },
        ...snippets.map(snippetChip),
      ],
      feature,
    });
  }

  private warnTemplate(warning: PromptTemplateError | undefined): void {
    if (!warning) return;
    this.services.log.warn(`[prompt] ${warning.message}`);
    void vscode.window.showWarningMessage(`Mixtral: ${builtInPromptNotice(warning)}`);
  }

  private requireTrust(what: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage(`Mixtral: ${what} changes files, which needs a trusted workspace.`, "Manage Workspace Trust")
      .then((p) => p && vscode.commands.executeCommand("workbench.trust.manage"));
    return false;
  }

  private async edit(
    feature: "refactor" | "fix" | "document",
    args: EditCommandArgs,
    uri?: vscode.Uri,
    range?: vscode.Range,
  ): Promise<void> {
    if (!this.requireTrust(feature === "document" ? "Adding documentation" : feature === "fix" ? "Fixing problems" : "Refactoring")) return;
    if (uri && range) {
      // From a quick fix: select the diagnostic's lines first.
      const editor = await vscode.window.showTextDocument(uri);
      editor.selection = new vscode.Selection(range.start.line, 0, range.end.line, editor.document.lineAt(range.end.line).text.length);
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active) await this.inline.beforeNewEdit(active);
    const t = await this.target();
    if (!t) return;
    const extra: Partial<PromptVariables> = {};
    if (feature === "refactor") {
      const instruction = args.instruction?.trim() || (await this.askInstruction());
      if (!instruction) return;
      extra.instruction = instruction;
    }
    if (feature === "fix") {
      const diags = vscode.languages
        .getDiagnostics(t.document.uri)
        .filter((d) => d.range.intersection(t.range) || d.range.start.line === t.range.start.line);
      if (diags.length === 0) {
        void vscode.window.showInformationMessage(
          "Mixtral: no problems reported in the selection; select the lines with the problem, or use “Refactor Selection…”.",
        );
        return;
      }
      extra.diagnostics = diags.map((d) => ({
        line: d.range.start.line + 1,
        severity: (["error", "warning", "info", "hint"] as const)[d.severity],
        message: d.message,
        source: d.source,
      }));
    }
    // The selected lines are followed while the answer is written into them: typing elsewhere is fine.
    const ticket = this.inline.begin(t.document, t.range);
    const info = { title: TITLES[feature], fileName: t.fileName };
    try {
      const answer = await this.preview.answerCode(
        feature as FeatureName,
        t,
        await this.withWorkspace(feature, t, this.variables(t, extra)),
        {
          signal: ticket.abort.signal,
          onCode: (code) => this.inline.stream(ticket, code, info),
        },
      );
      if (!answer) return;
      const pending = await this.inline.propose(ticket, answer.code, { ...info, note: answer.note });
      // Test mode: `apply` answers for the user, as Accept All (true) or Reject All (false) would.
      if (MIXTRAL_TEST_HOOKS && this.services.context.extensionMode === vscode.ExtensionMode.Test && pending && args.apply !== undefined) {
        await vscode.commands.executeCommand(args.apply ? CommandIds.acceptProposal : CommandIds.rejectProposal, t.document.uri);
      }
    } finally {
      // Stopped, failed or thrown: whatever was streamed goes back out.
      await this.inline.end(ticket);
    }
  }

  private async askInstruction(): Promise<string | undefined> {
    const recent = this.services.context.globalState.get<string[]>(RECENT_KEY, []);
    const qp = vscode.window.createQuickPick();
    qp.title = "Mixtral: Refactor Selection";
    qp.placeholder = "What should change? e.g. “use async/await”, “extract a helper”";
    qp.items = recent.map((label) => ({ label, description: "recent" }));
    qp.ignoreFocusOut = true;
    const value = await new Promise<string | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.label ?? qp.value));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    const instruction = value?.trim();
    if (instruction)
      await this.services.context.globalState.update(RECENT_KEY, [instruction, ...recent.filter((r) => r !== instruction)].slice(0, 10));
    return instruction;
  }

  private async writeTests(): Promise<void> {
    const t = await this.target({ wholeFile: true });
    if (!t) return;
    const testFramework = guessTestFramework(await workspaceFacts(t.languageId));
    const built = await this.withWorkspace("writeTests", t, this.variables(t, { testFramework }));
    this.warnTemplate(built.warning);
    await this.preview.toNewEditor(t, built, testFramework);
  }
}

/** A definition from another file as a chat chip ("src/price.ts:3-5" → that file and lines). */
function snippetChip(s: Snippet): { fileName: string; languageId: string; startLine: number; endLine: number; code: string } {
  const m = /^(.*):(\d+)-(\d+)$/.exec(s.path);
  const fileName = m ? m[1] : s.path;
  return { fileName, languageId: languageOf(fileName), startLine: m ? Number(m[2]) : 1, endLine: m ? Number(m[3]) : 1, code: s.text };
}
