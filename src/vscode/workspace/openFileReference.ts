// Opens a `path:line` reference from a chat answer: the path is resolved inside the workspace's
// folders only (relative to each, or after a multi-root folder's name; never `..` or absolute), so
// a model cannot make the chat open a file elsewhere on the machine. Opening is read-only.
import * as path from "node:path";
import * as vscode from "vscode";

/** The file the reference names, or undefined when no workspace folder holds it. */
export async function resolveFileReference(reference: string): Promise<vscode.Uri | undefined> {
  const rel = reference.replace(/\\/g, "/").replace(/^\.\//, "");
  if (rel === "" || path.posix.isAbsolute(rel) || rel.split("/").includes("..")) return undefined;
  const folders = vscode.workspace.workspaceFolders ?? [];
  const candidates: vscode.Uri[] = [];
  for (const f of folders) {
    candidates.push(vscode.Uri.joinPath(f.uri, ...rel.split("/")));
    if (rel.startsWith(`${f.name}/`)) candidates.push(vscode.Uri.joinPath(f.uri, ...rel.slice(f.name.length + 1).split("/")));
  }
  for (const uri of candidates) {
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) return uri;
    } catch {
      // Not in this folder: try the next.
    }
  }
  return undefined;
}

/** Opens the file with the cursor at the start of the line, centred; an error message when it cannot. */
export async function openFileReference(reference: string, line: number): Promise<string | undefined> {
  const uri = await resolveFileReference(reference);
  if (!uri) return `${reference} is not a file in this workspace.`;
  const doc = await vscode.workspace.openTextDocument(uri);
  const l = Math.min(Math.max(1, line), doc.lineCount) - 1;
  const editor = await vscode.window.showTextDocument(doc, {
    selection: new vscode.Range(l, 0, l, 0),
    preview: true,
    viewColumn: vscode.ViewColumn.One,
  });
  editor.revealRange(new vscode.Range(l, 0, l, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return undefined;
}
