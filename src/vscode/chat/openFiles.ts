// The open editor tabs behind the chat's `@`-mentions: lists them (no contents) for the view and,
// when a message is sent, reads each mentioned file through the attach-file code. The view can
// only name files the host offered or that are open in a tab: a forged handle reads nothing.
import * as fs from "node:fs";
import * as vscode from "vscode";
import { countLines, rankOpenFiles, type OpenFileCandidate } from "../../core/chat/openFiles";
import type { Attachment, OpenFileItem } from "../../shared/protocol";
import { Disposable } from "../lifecycle";
import { fileAttachment } from "./editorActions";

/** Handles remembered from past listings; older ones are forgotten first. */
const MAX_OFFERED = 500;
/** A tab without a loaded document gets its lines counted from disk up to this size; a larger
 *  file is listed with its size instead. */
const MAX_COUNTED_BYTES = 512 * 1024;

export class OpenFiles extends Disposable {
  /** URI string → activation tick; the tab API itself has no most-recently-used order. */
  private readonly lastActive = new Map<string, number>();
  private tick = 0;
  private readonly offered = new Map<string, vscode.Uri>();
  /** Files of unloaded tabs, by URI, as last read from disk. */
  private readonly onDisk = new Map<string, { mtimeMs: number; size: number; lineCount: number }>();

  constructor() {
    super();
    this.touch(vscode.window.activeTextEditor?.document.uri);
    this._register(vscode.window.onDidChangeActiveTextEditor((e) => this.touch(e?.document.uri)));
    // Also catches tabs activated without a text editor taking focus (e.g. while the chat has it).
    this._register(
      vscode.window.tabGroups.onDidChangeTabs((e) =>
        [...e.opened, ...e.changed].filter((t) => t.isActive).forEach((t) => this.touch(tabUri(t))),
      ),
    );
  }

  async list(query: string): Promise<OpenFileItem[]> {
    const pending: Promise<OpenFileCandidate>[] = [];
    const uris = new Map<string, vscode.Uri>();
    const groups = vscode.window.tabGroups;
    const docs = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    for (const group of groups.all) {
      for (const tab of group.tabs) {
        const uri = tabUri(tab);
        if (!uri) continue;
        const key = uri.toString();
        uris.set(key, uri);
        // Tabs restored at startup have no tick yet: the visible ones rank above the rest.
        const fallback = tab.isActive ? (group === groups.activeTabGroup ? 0.5 : 0.25) : 0;
        const doc = docs.get(key);
        const base = {
          id: key,
          path: vscode.workspace.asRelativePath(uri, false),
          languageId: doc?.languageId ?? "plaintext",
          lastActive: this.lastActive.get(key) ?? fallback,
        };
        pending.push(
          doc ? Promise.resolve({ ...base, lineCount: attachedLines(doc) }) : this.fromDisk(uri).then((length) => ({ ...base, ...length })),
        );
      }
    }
    const candidates = await Promise.all(pending);
    for (const key of this.onDisk.keys()) if (!uris.has(key)) this.onDisk.delete(key);
    const items = rankOpenFiles(candidates, query);
    for (const item of items) {
      this.offered.delete(item.id);
      this.offered.set(item.id, uris.get(item.id) as vscode.Uri);
      if (this.offered.size > MAX_OFFERED) this.offered.delete(this.offered.keys().next().value as string);
    }
    return items;
  }

  /** The attachments with every mention replaced by the file's current text, read now. */
  async resolve(attachments: readonly Attachment[]): Promise<{ attachments: Attachment[] } | { error: string }> {
    const out: Attachment[] = [];
    for (const a of attachments) {
      if (a.mention === undefined) {
        out.push(a);
        continue;
      }
      const uri = this.uriFor(a.mention);
      if (!uri) return { error: `${a.fileName} is no longer open. Type @ to pick it again.` };
      let doc: vscode.TextDocument;
      try {
        doc = await vscode.workspace.openTextDocument(uri);
      } catch (err) {
        return { error: `Could not read ${a.fileName}: ${err instanceof Error ? err.message : String(err)}` };
      }
      const resolved = fileAttachment(doc);
      if ("error" in resolved) return { error: `${a.fileName}: ${resolved.error}` };
      out.push(resolved);
    }
    return { attachments: out };
  }

  private uriFor(handle: string): vscode.Uri | undefined {
    const offered = this.offered.get(handle);
    if (offered) return offered;
    // After a window reload the draft's handles outlive this map: accept files open in a tab.
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const uri = tabUri(tab);
        if (uri?.toString() === handle) return uri;
      }
    }
    return undefined;
  }

  /**
   * Lines (and size) of a tab's file whose document is not loaded: tabs restored at startup get
   * one only when shown. Opening the document just to count would load it for every extension
   * (language servers included), so the file is read instead, off the extension host's thread,
   * and again only after it changed.
   */
  async fromDisk(uri: vscode.Uri): Promise<{ lineCount: number; sizeBytes?: number }> {
    if (uri.scheme !== "file") return { lineCount: 0 };
    try {
      const st = await fs.promises.stat(uri.fsPath);
      if (!st.isFile()) return { lineCount: 0 };
      const key = uri.toString();
      let known = this.onDisk.get(key);
      if (!known || known.mtimeMs !== st.mtimeMs || known.size !== st.size) {
        known = {
          mtimeMs: st.mtimeMs,
          size: st.size,
          lineCount: st.size <= MAX_COUNTED_BYTES ? countLines(await fs.promises.readFile(uri.fsPath)) : 0,
        };
        this.onDisk.set(key, known);
      }
      return { lineCount: known.lineCount, sizeBytes: known.size };
    } catch {
      // Deleted or unreadable since the tab was restored: list it without a length.
      return { lineCount: 0 };
    }
  }

  private touch(uri: vscode.Uri | undefined): void {
    if (uri) this.lastActive.set(uri.toString(), ++this.tick);
  }
}

/** Text files only: diffs, notebooks, webviews and terminals are not offered. */
function tabUri(tab: vscode.Tab): vscode.Uri | undefined {
  return tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
}

/** The line count an attach-file chip would show (a final empty line is not counted). */
function attachedLines(doc: vscode.TextDocument): number {
  const n = doc.lineCount;
  return n > 1 && doc.lineAt(n - 1).text === "" ? n - 1 : n;
}
