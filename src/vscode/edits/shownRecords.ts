// What a window reload (or a crash of the extension host) must not leave behind: a proposal being
// streamed or waiting for the user has its proposed lines in the document, and so in VS Code's
// backup of it (hot exit) or on disk after an auto save, but the proposal itself lived in the old
// extension host. Each one is recorded in workspaceState as it changes: where it is, what the
// document shows there (the last few renderings, since the last write may not have reached the
// storage) and the user's text for each. When a document is opened and still shows one of them at
// that place, its proposed lines are taken out: the user's lines are back exactly.
import * as vscode from "vscode";
import type { Proposal } from "../../core/edits/proposal";
import type { TextEdit } from "../../core/edits/regionEdits";
import { writeEdit } from "./writeEdit";

const KEY = "mixtral.shownProposals";
/** Renderings kept per document: the newest may be lost when the window goes away mid-write. */
const KEEP = 3;

interface Shown {
  readonly text: string;
  /** The region's text without the proposed lines: pending changes rejected, decided ones kept. */
  readonly users: string;
}
interface Entry {
  readonly start: number;
  readonly shown: readonly Shown[];
}

export class ShownRecords {
  private entries: Record<string, Entry>;

  constructor(private readonly memento: vscode.Memento) {
    this.entries = { ...memento.get<Record<string, Entry>>(KEY, {}) };
  }

  /** After every change of a document's proposal (undefined: it has none any more). */
  note(uri: string, p: Proposal | undefined): void {
    const before = this.entries[uri];
    if (!p?.active) {
      if (!before) return;
      delete this.entries[uri];
    } else {
      if (before?.start === p.start && before.shown[0]?.text === p.text) return;
      const previous = before?.start === p.start ? before.shown.filter((s) => s.text !== p.text) : [];
      this.entries[uri] = { start: p.start, shown: [{ text: p.text, users: p.textWith("rejected") }, ...previous].slice(0, KEEP) };
    }
    this.save();
  }

  /** For a document just opened: the edit that takes out the proposed lines of a proposal shown
   *  there by an earlier extension host, when the document still shows it. The record goes. */
  recover(uri: string, read: (offset: number, length: number) => string): TextEdit | undefined {
    const entry = this.entries[uri];
    if (!entry) return undefined;
    delete this.entries[uri];
    this.save();
    const hit = entry.shown.find((s) => s.text !== s.users && read(entry.start, s.text.length) === s.text);
    return hit && { offset: entry.start, length: hit.text.length, text: hit.users };
  }

  /** Takes the leftover proposed lines out of `doc` just opened; true when there were some. */
  async takeOut(doc: vscode.TextDocument): Promise<boolean> {
    const edit = this.recover(doc.uri.toString(), (offset, length) =>
      doc.getText(new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length))),
    );
    return !!edit && (await writeEdit(doc, edit)) === "done";
  }

  /** The memento holds the new value at once and writes it to storage in order. */
  private save(): void {
    const snapshot = { ...this.entries };
    void this.memento.update(KEY, Object.keys(snapshot).length ? snapshot : undefined).then(undefined, () => undefined);
  }
}
