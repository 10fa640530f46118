// The index's options from VS Code's state: the workspace folders (multi-root), the true entries of
// files.exclude and search.exclude (per folder, merged), the mixtral.workspace limits and the
// extension's workspace storage.
import * as path from "node:path";
import * as vscode from "vscode";
import type { WorkspaceSettings } from "../../core/config/workspaceSettings";
import type { IndexOptions, IndexRoot } from "../../core/workspace/types";

/** Local folders only: the indexer reads the disk (a virtual folder has no path to read). */
export function indexRoots(): IndexRoot[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.filter((f) => f.uri.scheme === "file").map((f) => ({ name: f.name, path: f.uri.fsPath }));
}

/** `files.exclude` and `search.exclude` entries set to true (a `{ when }` condition is not a plain
 *  exclusion: VS Code applies it only beside a sibling file, so it is left to the index's rules). */
export function excludeGlobs(): string[] {
  const out = new Set<string>();
  const scopes: (vscode.WorkspaceFolder | undefined)[] = [undefined, ...(vscode.workspace.workspaceFolders ?? [])];
  for (const scope of scopes) {
    for (const section of ["files.exclude", "search.exclude"]) {
      const entries = vscode.workspace.getConfiguration(undefined, scope).get<Record<string, unknown>>(section) ?? {};
      for (const [glob, on] of Object.entries(entries)) if (on === true) out.add(glob);
    }
  }
  return [...out];
}

export function indexOptions(settings: WorkspaceSettings, storageUri: vscode.Uri | undefined): IndexOptions {
  return {
    roots: indexRoots(),
    excludeGlobs: excludeGlobs(),
    maxFileBytes: settings.maxFileSizeKb * 1024,
    maxFiles: settings.maxFiles,
    storageDir: storageUri?.scheme === "file" ? path.join(storageUri.fsPath, "workspace-index") : undefined,
  };
}

/** Which root a file belongs to and its path there ("/"-separated), or undefined outside them. */
export function locate(uri: vscode.Uri, roots: readonly IndexRoot[]): { root: string; path: string } | undefined {
  if (uri.scheme !== "file") return undefined;
  for (const r of roots) {
    const rel = path.relative(r.path, uri.fsPath);
    if (rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel)) return { root: r.name, path: rel.split(path.sep).join("/") };
  }
  return undefined;
}
