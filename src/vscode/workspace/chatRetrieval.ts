// What a chat message gets from the workspace index before it is sent: with `@workspace`, the
// best chunks for the question; otherwise (mixtral.workspace.autoContext) the definitions of the
// symbols it names, when the index knows them. Both become attachments, shown as file:lines chips.
import type { WorkspaceSettings } from "../../core/config/workspaceSettings";
import type { SymbolLocation, WorkspaceIndex } from "../../core/workspace/types";
import { chunksWithinBudget, mentionsWorkspace, symbolCandidates, withoutWorkspaceMention } from "../../core/workspaceContext/retrieval";
import type { Attachment, OpenFileItem } from "../../shared/protocol";
import type { IndexState } from "./WorkspaceIndexService";

export interface ChatRetrieval {
  /** The text for the model (without `@workspace`); displayText is what the user typed. */
  text: string;
  displayText?: string;
  attachments: Attachment[];
  /** Said in the chat (index off, still building, nothing found). */
  notice?: string;
}

/** Candidates searched before the budget picks (more than fit, so small ones can fill gaps). */
const SEARCH_LIMIT = 16;
/** Automatic context takes at most this share of the workspace budget. */
const AUTO_SHARE = 0.5;

export interface RetrievalInput {
  text: string;
  settings: WorkspaceSettings;
  contextSize: number;
  index: WorkspaceIndex | undefined;
  state: IndexState;
  multiRoot: boolean;
  signal?: AbortSignal;
}

export function retrievalBudget(settings: WorkspaceSettings, contextSize: number): number {
  return Math.min(settings.contextTokens, Math.floor(contextSize / 4));
}

export async function retrieveForChat(input: RetrievalInput): Promise<ChatRetrieval> {
  const { text, settings, index, state } = input;
  const budget = retrievalBudget(settings, input.contextSize);
  if (!mentionsWorkspace(text))
    return {
      text,
      attachments: settings.autoContext && index && state.kind === "ready" ? await autoContext(input, Math.floor(budget * AUTO_SHARE)) : [],
    };
  const question = withoutWorkspaceMention(text);
  const shown = { text: question || text, displayText: text };
  if (!index)
    return {
      ...shown,
      attachments: [],
      notice: `@workspace: workspace knowledge is off (${state.kind === "off" ? state.reason : "no index"}), so no code was added. Turn on mixtral.workspace.enabled to use it.`,
    };
  const hits = await index.search(question || text, { limit: SEARCH_LIMIT, signal: input.signal });
  const attachments = chunksWithinBudget(hits, budget, input.multiRoot);
  const building =
    state.kind === "building"
      ? ` The index is still being built${state.progress && state.progress.total > 0 ? ` (${state.progress.done} of ${state.progress.total} files)` : ""}: the answer may miss code.`
      : "";
  if (attachments.length === 0)
    return {
      ...shown,
      attachments,
      notice: `@workspace: nothing in the workspace index matched the question, so no code was added.${building}`,
    };
  return { ...shown, attachments, notice: building ? `@workspace:${building}` : undefined };
}

/** Definitions of the symbols the message names (exact names the index defines), in order. */
async function autoContext(input: RetrievalInput, budget: number): Promise<Attachment[]> {
  const names = symbolCandidates(input.text);
  if (names.length === 0 || budget <= 0 || !input.index) return [];
  const defs: SymbolLocation[] = [];
  for (const name of names) {
    const found = await input.index.definitions(name, { limit: 2, signal: input.signal });
    defs.push(...found.filter((d) => d.name === name || d.name.endsWith(`.${name}`)));
  }
  return chunksWithinBudget(defs, budget, input.multiRoot, 4);
}

/** The `@workspace` entry of the `@` list, when the query could still become "workspace". */
export function workspaceMentionItems(query: string, enabled: boolean): OpenFileItem[] {
  if (!enabled || !"workspace".startsWith(query.trim().toLowerCase())) return [];
  return [
    {
      id: "@workspace",
      kind: "workspace",
      name: "workspace",
      description: "search this workspace's code for the question",
      path: "@workspace",
      languageId: "plaintext",
      lineCount: 0,
    },
  ];
}
