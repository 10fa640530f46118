// What InlineProposals keeps per document (a Session) and per answer being written (a Ticket).
import * as vscode from "vscode";
import type { Proposal } from "../../core/edits/proposal";
import type { TextEdit } from "../../core/edits/regionEdits";

/** The selected lines of a document, followed while the answer is generated. */
export interface Ticket {
  readonly doc: vscode.TextDocument;
  /** undefined once the user edited inside the lines before the answer's first line was shown. */
  region: { start: number; length: number } | undefined;
  /** Offsets of the selection inside the (whole-line) region, from its start and from its end. */
  readonly head: number;
  readonly tail: number;
  superseded: boolean;
  /** Stops the answer: Cancel, a newer edit, the document closed, the lines edited. */
  readonly abort: AbortController;
  /** The proposal being streamed, from the answer's first line of code on. */
  session?: Session;
  /** The newest code not shown yet; the redraws run one at a time, in order, the newest winning. */
  latest?: string;
  chain: Promise<void>;
}

/** One document's proposal. */
export class Session {
  /** Told once that an auto save wrote the pending lines (it would repeat it every second). */
  warnedSave = false;
  /** Between a save's will and did events: the edit that shows the proposed lines again. */
  saving?: () => TextEdit | undefined;
  constructor(
    readonly doc: vscode.TextDocument,
    readonly proposal: Proposal,
    readonly title: string,
    readonly fileName: string,
    /** The selected lines' text before anything was shown. */
    readonly original: string,
    /** While the answer streams: its ticket, to stop it. */
    public ticket?: Ticket,
  ) {}
}

/** A ticket following the whole lines of `range`. */
export function newTicket(doc: vscode.TextDocument, range: vscode.Range, dispose: () => void): Ticket & vscode.Disposable {
  const start = doc.offsetAt(new vscode.Position(range.start.line, 0));
  const end =
    range.end.character === 0 && range.end.line > range.start.line
      ? doc.offsetAt(range.end)
      : range.end.line + 1 < doc.lineCount
        ? doc.offsetAt(new vscode.Position(range.end.line + 1, 0))
        : doc.getText().length;
  return {
    doc,
    region: { start, length: end - start },
    head: doc.offsetAt(range.start) - start,
    tail: end - doc.offsetAt(range.end),
    superseded: false,
    abort: new AbortController(),
    chain: Promise.resolve(),
    dispose,
  };
}
