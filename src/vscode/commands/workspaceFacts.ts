// Plain facts about the workspace for the test-framework guess: a bounded file list and the
// config files that name test frameworks.
import * as vscode from "vscode";
import type { WorkspaceFacts } from "../../core/commands/testFramework";

async function readText(name: string): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, name));
    return new TextDecoder().decode(bytes.slice(0, 200_000));
  } catch {
    return undefined; // Absent files are the common case.
  }
}

export async function workspaceFacts(languageId: string): Promise<WorkspaceFacts> {
  const files = vscode.workspace.workspaceFolders
    ? (await vscode.workspace.findFiles("**/*", "**/{node_modules,.git,dist,out,target,.venv}/**", 500)).map((u) =>
        vscode.workspace.asRelativePath(u, false),
      )
    : [];
  const python = (await Promise.all(["pyproject.toml", "setup.cfg", "requirements.txt", "requirements-dev.txt"].map(readText)))
    .filter(Boolean)
    .join("\n");
  const other = (await Promise.all(["Cargo.toml", "go.mod", "pom.xml", "build.gradle"].map(readText))).filter(Boolean).join("\n");
  return {
    languageId,
    files,
    packageJson: await readText("package.json"),
    pythonConfig: python || undefined,
    otherConfig: other || undefined,
  };
}
