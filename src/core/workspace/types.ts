// The workspace index's contract: what the indexer (src/core/workspace + its worker) offers to
// the VS Code adapters, the CLI and bench/retrieval. Paths are relative to their root, with "/".
// Lines are 1-based and inclusive.

/** One folder of the workspace (a multi-root workspace has several). */
export interface IndexRoot {
  /** Shown to the user and used to tell roots apart in results (the folder's name); unique among the roots. */
  readonly name: string;
  /** Absolute path on disk. */
  readonly path: string;
}

export interface IndexOptions {
  readonly roots: readonly IndexRoot[];
  /** Glob patterns relative to each root, from files.exclude and search.exclude (true entries). */
  readonly excludeGlobs: readonly string[];
  /** Files larger than this are skipped (default 1 MiB, setting mixtral.workspace.maxFileSize). */
  readonly maxFileBytes: number;
  /** At most this many files are indexed (default 50,000, setting mixtral.workspace.maxFiles). */
  readonly maxFiles: number;
  /** Where the index is persisted (the extension's workspace storage); undefined: memory only. */
  readonly storageDir?: string;
}

export interface IndexProgress {
  readonly phase: "loading" | "scanning" | "indexing" | "saving" | "ready";
  readonly done: number;
  readonly total: number;
}

export interface IndexStats {
  readonly files: number;
  readonly chunks: number;
  readonly symbols: number;
  /** Files left out because maxFiles was reached (0 when all fit). */
  readonly filesOverCap: number;
  readonly skipped: { readonly binary: number; readonly tooLarge: number; readonly minified: number; readonly unreadable: number };
  readonly buildMs: number;
}

export type SymbolKind = "function" | "method" | "class" | "interface" | "type" | "enum" | "module" | "variable";

/** A search result: one chunk (a symbol's definition or a window of lines). */
export interface SearchHit {
  readonly root: string;
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  /** The symbol the chunk defines, when it is a code chunk ("Class.method" for methods). */
  readonly symbol?: string;
  readonly score: number;
  /** The chunk's text (for prompts and tool results). */
  readonly text: string;
}

export interface SymbolLocation {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly root: string;
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  /** The definition's text, its doc comment included. */
  readonly text: string;
}

export interface ReferenceLocation {
  readonly root: string;
  readonly path: string;
  readonly line: number;
  /** The line's text, trimmed. */
  readonly lineText: string;
}

export interface SearchOptions {
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/** What every consumer of the index uses; implemented once, by the host-side index client. */
export interface WorkspaceIndex {
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  definitions(name: string, options?: SearchOptions): Promise<SymbolLocation[]>;
  references(name: string, options?: SearchOptions): Promise<ReferenceLocation[]>;
  /** A token-budgeted outline of the files and symbols that matter most to the query. */
  repoMap(query: string, tokenBudget: number, options?: SearchOptions): Promise<string>;
  /** Exact (or regex) text search through ripgrep. */
  grep(pattern: string, options?: SearchOptions & { readonly regex?: boolean }): Promise<ReferenceLocation[]>;
  stats(): IndexStats | undefined;
}
