// What the chat view may do to the editor, each on an explicit click: apply a code block (as an
// ordinary undoable edit), open a link after showing its real URL, and read the selection or
// file to attach.
import * as vscode from "vscode";
import { LIMITS, safeLinkTarget, type Attachment, type CodeActionKind } from "../../shared/protocol";
import { Disposable } from "../lifecycle";

// Fence names the model writes, mapped to VS Code language ids.
const LANGUAGE_ALIASES: Record<string, string> = {
  ts: "typescript",
  tsx: "typescriptreact",
  js: "javascript",
  jsx: "javascriptreact",
  py: "python",
  sh: "shellscript",
  bash: "shellscript",
  zsh: "shellscript",
  shell: "shellscript",
  yml: "yaml",
  md: "markdown",
  rs: "rust",
  rb: "ruby",
  "c++": "cpp",
  cs: "csharp",
  kt: "kotlin",
  golang: "go",
};

export class EditorActions extends Disposable {
  /** The webview takes focus when clicked, so remember the last text editor the user was in. */
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
    );
  }

  private editor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active) return active;
    if (this.lastEditor && vscode.window.visibleTextEditors.includes(this.lastEditor)) return this.lastEditor;
    return vscode.window.visibleTextEditors[0];
  }

  async applyCode(action: CodeActionKind, code: string, fenceLanguage: string): Promise<void> {
    switch (action) {
      case "copy":
        await vscode.env.clipboard.writeText(code);
        vscode.window.setStatusBarMessage("$(check) Code copied", 2000);
        return;
      case "newFile": {
        const language = await this.languageId(fenceLanguage);
        const doc = await vscode.workspace.openTextDocument({ content: code, language });
        await vscode.window.showTextDocument(doc, { preview: false });
        return;
      }
      case "insert":
      case "replace": {
        const editor = this.editor();
        if (!editor) {
          void vscode.window.showInformationMessage("Open a file in the editor first, then try again.");
          return;
        }
        const replace = action === "replace" && !editor.selection.isEmpty;
        const ok = await editor.edit((b) => {
          if (replace) b.replace(editor.selection, code);
          else b.insert(editor.selection.active, code);
        });
        if (!ok) {
          void vscode.window.showWarningMessage("The editor refused the edit (is the file read-only?).");
          return;
        }
        if (action === "replace" && !replace)
          vscode.window.setStatusBarMessage("Nothing was selected: the code was inserted at the cursor", 4000);
        await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
        return;
      }
      default: {
        const never: never = action;
        this.log.warn(`[chat] unknown code action ${String(never)}`);
      }
    }
  }

  /** Shows the real URL in a modal and opens it only if the user agrees. */
  async openLink(href: string): Promise<void> {
    const target = safeLinkTarget(href);
    if (!target) {
      this.log.warn(`[chat] refused to open a link with a blocked scheme: ${href.slice(0, 200)}`);
      return;
    }
    const choice = await vscode.window.showWarningMessage(
      "Open this link from the chat?",
      { modal: true, detail: `${target}\n\nThe link was written by the model. Check the address before opening it.` },
      "Open",
    );
    if (choice === "Open") await vscode.env.openExternal(vscode.Uri.parse(target, true));
  }

  /** The selection (or the cursor line when nothing is selected), or the whole file. */
  attachment(what: "selection" | "file"): Attachment | { error: string } {
    const editor = this.editor();
    if (!editor) return { error: "Open a file in the editor to attach it." };
    const doc = editor.document;
    if (what === "file") return fileAttachment(doc);
    let range: vscode.Range;
    if (editor.selection.isEmpty) range = doc.lineAt(editor.selection.active.line).range;
    else range = new vscode.Range(editor.selection.start, editor.selection.end);
    return rangeAttachment(doc, range);
  }

  private async languageId(fence: string): Promise<string> {
    const id = LANGUAGE_ALIASES[fence.toLowerCase()] ?? fence.toLowerCase();
    const known = await vscode.languages.getLanguages();
    return known.includes(id) ? id : "plaintext";
  }
}

/** The whole document as an attachment: the attach-file chip and an `@`-mention both end here. */
export function fileAttachment(doc: vscode.TextDocument): Attachment | { error: string } {
  return rangeAttachment(doc, new vscode.Range(0, 0, doc.lineCount, 0));
}

function rangeAttachment(doc: vscode.TextDocument, requested: vscode.Range): Attachment | { error: string } {
  const range = doc.validateRange(requested);
  const code = doc.getText(range);
  if (code.length > LIMITS.codeChars)
    return {
      error: `That is too large to attach (${code.length.toLocaleString()} characters; the limit is ${LIMITS.codeChars.toLocaleString()}). Select a part of it.`,
    };
  // A selection ending at column 0 of a line does not include that line.
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  return {
    fileName: vscode.workspace.asRelativePath(doc.uri, false),
    languageId: doc.languageId.slice(0, LIMITS.languageIdChars),
    startLine: range.start.line + 1,
    endLine: Math.max(range.start.line + 1, endLine),
    code,
  };
}
