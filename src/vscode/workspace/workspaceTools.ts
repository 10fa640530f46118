// Workspace knowledge for VS Code's chat and agent, whatever model runs it: three read-only
// language-model tools (declared in package.json's languageModelTools with their input schemas and
// #-names): codebase search, symbol lookup and the repo map. No sign-in, nothing leaves the machine.
import * as vscode from "vscode";
import type { WorkspaceIndex } from "../../core/workspace/types";
import { partialNote, searchText, symbolsText } from "../../core/workspaceContext/toolText";
import type { IndexState } from "./WorkspaceIndexService";

export const TOOL_NAMES = { codebase: "mixtral_codebase", symbols: "mixtral_symbols", repoMap: "mixtral_repoMap" } as const;

/** A tool waits this long for an index that is still being built, then answers from what it has. */
const BUILD_WAIT_MS = 20_000;

export interface ToolIndex {
  index(): WorkspaceIndex | undefined;
  readonly state: IndexState;
  whenBuilt(): Promise<void>;
}

interface CodebaseInput {
  query?: unknown;
  limit?: unknown;
}
interface SymbolsInput {
  name?: unknown;
  include?: unknown;
}
interface RepoMapInput {
  query?: unknown;
  tokenBudget?: unknown;
}

function text(value: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
}

function requiredString(v: unknown, field: string, tool: string): string {
  if (typeof v !== "string" || v.trim() === "") throw new Error(`${tool}: "${field}" must be a non-empty string.`);
  return v.trim().slice(0, 2000);
}

function clampNumber(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;
}

function signalOf(token: vscode.CancellationToken): AbortSignal {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort();
  token.onCancellationRequested(() => abort.abort());
  return abort.signal;
}

export function registerWorkspaceTools(source: ToolIndex): vscode.Disposable[] {
  const multiRoot = () => (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  /** The index, after waiting a while for a build in progress; a note when it is still partial. */
  const ready = async (): Promise<{ index: WorkspaceIndex; note: string }> => {
    const index = source.index();
    if (!index)
      throw new Error(
        `Workspace knowledge is off in Mixtral Local (${source.state.kind === "off" ? source.state.reason : "no index"}); the user can turn on the setting mixtral.workspace.enabled.`,
      );
    if (source.state.kind === "building") await Promise.race([source.whenBuilt(), new Promise((r) => setTimeout(r, BUILD_WAIT_MS))]);
    const s = source.state;
    return { index, note: s.kind === "building" && s.progress ? partialNote(s.progress.done, s.progress.total) : "" };
  };

  const codebase: vscode.LanguageModelTool<CodebaseInput> = {
    prepareInvocation: (o) => ({ invocationMessage: `Searching the codebase for "${String(o.input.query ?? "").slice(0, 80)}"` }),
    async invoke(o, token) {
      const query = requiredString(o.input.query, "query", TOOL_NAMES.codebase);
      const { index, note } = await ready();
      const hits = await index.search(query, { limit: clampNumber(o.input.limit, 1, 20, 8), signal: signalOf(token) });
      return text(searchText(query, hits, multiRoot()) + note);
    },
  };

  const symbols: vscode.LanguageModelTool<SymbolsInput> = {
    prepareInvocation: (o) => ({ invocationMessage: `Looking up the symbol ${String(o.input.name ?? "").slice(0, 80)}` }),
    async invoke(o, token) {
      const name = requiredString(o.input.name, "name", TOOL_NAMES.symbols);
      const include = o.input.include === "definitions" || o.input.include === "references" ? o.input.include : "both";
      const { index, note } = await ready();
      const signal = signalOf(token);
      const defs = include === "references" ? undefined : await index.definitions(name, { limit: 10, signal });
      const refs = include === "definitions" ? undefined : await index.references(name, { limit: 50, signal });
      return text(symbolsText(name, defs, refs, multiRoot()) + note);
    },
  };

  const repoMap: vscode.LanguageModelTool<RepoMapInput> = {
    prepareInvocation: () => ({ invocationMessage: "Outlining the repository" }),
    async invoke(o, token) {
      const query = typeof o.input.query === "string" ? o.input.query.slice(0, 2000) : "";
      const { index, note } = await ready();
      const map = await index.repoMap(query, clampNumber(o.input.tokenBudget, 200, 8000, 1500), { signal: signalOf(token) });
      return text((map.trim() || "The workspace index holds no files.") + note);
    },
  };

  return [
    vscode.lm.registerTool(TOOL_NAMES.codebase, codebase),
    vscode.lm.registerTool(TOOL_NAMES.symbols, symbols),
    vscode.lm.registerTool(TOOL_NAMES.repoMap, repoMap),
  ];
}
