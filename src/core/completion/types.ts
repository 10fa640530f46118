// Plain snapshots the VS Code adapter hands to the completion core, and the results it gets back.
// Nothing here knows about `vscode`: the adapter copies a TextDocument into a DocumentSnapshot once.

export interface DocumentSnapshot {
  /** A stable id for the document (its URI as a string). */
  uri: string;
  /** Workspace-relative path shown to the model (never an absolute path of the user's machine). */
  path: string;
  languageId: string;
  text: string;
}

export interface CursorSnapshot extends DocumentSnapshot {
  /** Zero-based line and UTF-16 character of the cursor. */
  line: number;
  character: number;
}

export type MultilineMode = "auto" | "always" | "never";

/** What the completion core reads from settings on every request (hot settings). */
export interface CompletionSettings {
  /** Most tokens in one suggestion. Default 64. */
  maxTokens: number;
  /** Default "auto": multi-line only after a block opener or at the end of a signature. */
  multiline: MultilineMode;
  /** The user's Jinja override of the instruction; empty = built-in. */
  template: string;
}

export type CompletionSource = "model" | "cache" | "typedAhead";

export type NoCompletionReason = "superseded" | "aborted" | "empty" | "prose" | "repeated" | "failed";

export type CompletionOutcome =
  | { kind: "suggestion"; text: string; source: CompletionSource; evaluatedTokens?: number; promptTokens?: number }
  | { kind: "none"; reason: NoCompletionReason; error?: unknown };
