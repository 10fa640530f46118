// What code a command acts on: the selection; with none, the enclosing function or block (from
// the document's symbols); with none of those, the current line. Turned into a plain snapshot
// once, here at the edge.
import * as vscode from "vscode";

export interface CodeTarget {
  document: vscode.TextDocument;
  range: vscode.Range;
  code: string;
  /** Document version when the target was taken; apply refuses if it changed since. */
  version: number;
  /** How the range was chosen, for the chat chip and the prompt. */
  origin: "selection" | "symbol" | "line";
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  fileName: string;
  relativePath: string;
  languageId: string;
}

const CONTAINER_KINDS = new Set([
  vscode.SymbolKind.Function,
  vscode.SymbolKind.Method,
  vscode.SymbolKind.Constructor,
  vscode.SymbolKind.Class,
  vscode.SymbolKind.Interface,
  vscode.SymbolKind.Enum,
  vscode.SymbolKind.Struct,
  vscode.SymbolKind.Module,
  vscode.SymbolKind.Namespace,
]);

async function enclosingSymbol(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Range | undefined> {
  let symbols: (vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined;
  try {
    symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>(
      "vscode.executeDocumentSymbolProvider",
      document.uri,
    );
  } catch {
    return undefined; // No symbol provider for this language: fall back to the line.
  }
  let best: vscode.Range | undefined;
  const visit = (list: (vscode.DocumentSymbol | vscode.SymbolInformation)[]): void => {
    for (const s of list) {
      const range = "range" in s ? s.range : s.location.range;
      if (!range.contains(position)) continue;
      // The innermost function-like symbol wins.
      if (CONTAINER_KINDS.has(s.kind) && (!best || best.contains(range))) best = range;
      if ("children" in s && s.children) visit(s.children);
    }
  };
  visit(symbols ?? []);
  return best;
}

export async function codeTarget(editor: vscode.TextEditor, options: { allowWholeFileFallback?: boolean } = {}): Promise<CodeTarget> {
  const { document, selection } = editor;
  let range: vscode.Range;
  let origin: CodeTarget["origin"];
  if (!selection.isEmpty) {
    range = new vscode.Range(selection.start, selection.end);
    origin = "selection";
  } else {
    const sym = await enclosingSymbol(document, selection.active);
    if (sym) {
      range = sym;
      origin = "symbol";
    } else if (options.allowWholeFileFallback && document.lineCount <= 400) {
      range = new vscode.Range(0, 0, document.lineCount - 1, document.lineAt(document.lineCount - 1).text.length);
      origin = "symbol";
    } else {
      range = document.lineAt(selection.active.line).range;
      origin = "line";
    }
  }
  // Whole lines read better in a prompt and in a diff.
  const full = new vscode.Range(range.start.line, 0, range.end.line, document.lineAt(range.end.line).text.length);
  const useFull = origin !== "selection" || (range.start.character === 0 && range.end.character === 0 && range.end.line > range.start.line);
  if (useFull && origin === "selection") {
    // A selection ending at column 0 of the next line means "up to the previous line".
    range = new vscode.Range(range.start.line, 0, range.end.line - 1, document.lineAt(range.end.line - 1).text.length);
  } else if (origin !== "selection") {
    range = full;
  }
  return {
    document,
    range,
    code: document.getText(range),
    version: document.version,
    origin,
    startLine: range.start.line + 1,
    endLine: range.end.line + 1,
    fileName: document.fileName.split(/[\\/]/).pop() ?? document.fileName,
    relativePath: vscode.workspace.asRelativePath(document.uri, false),
    languageId: document.languageId,
  };
}
