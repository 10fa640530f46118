// What InlineProposals keeps per document (a Session) and per answer being written (a Ticket).
import type * as vscode from "vscode";
import type { Proposal } from "../../core/edits/proposal";

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
  /** Told once that a save wrote the pending lines (auto save would repeat it every second). */
  warnedSave = false;
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
