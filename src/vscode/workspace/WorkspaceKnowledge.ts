// Workspace knowledge for this window, one owner: the index service and its status item, the
// instruction files, the language-model tools and the two index commands; and what the chat and
// the commands ask of it (retrieved code, instructions, the definitions a selection uses).
import * as vscode from "vscode";
import type { Snippet } from "../../core/prompt/templates";
import type { RenderedInstructions } from "../../core/workspaceContext/instructions";
import { definitionSnippets, usedIdentifiers } from "../../core/workspaceContext/selectionSymbols";
import { mentionsWorkspace } from "../../core/workspaceContext/retrieval";
import { CommandIds } from "../commandIds";
import type { Config } from "../Config";
import { Disposable } from "../lifecycle";
import { retrievalBudget, retrieveForChat, type ChatRetrieval } from "./chatRetrieval";
import { IndexStatusItem } from "./IndexStatusItem";
import { locate, indexRoots } from "./indexOptions";
import { Instructions } from "./Instructions";
import { WorkspaceIndexService } from "./WorkspaceIndexService";
import { registerWorkspaceTools } from "./workspaceTools";

/** `@workspace` waits this long for a build in progress before it searches what there is. */
const CHAT_BUILD_WAIT_MS = 10_000;
/** Names of a selection looked up at most (each is one index query). */
const MAX_NAMES = 16;

export class WorkspaceKnowledge extends Disposable {
  readonly service: WorkspaceIndexService;
  private readonly instructions: Instructions;
  private readonly statusItem: IndexStatusItem;

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
  ) {
    super();
    this.service = this._register(new WorkspaceIndexService(context, log, config));
    this.statusItem = this._register(new IndexStatusItem(this.service));
    this.instructions = this._register(new Instructions(config, log));
    for (const d of registerWorkspaceTools(this.service)) this._register(d);
    this._register(vscode.commands.registerCommand(CommandIds.rebuildWorkspaceIndex, () => this.rebuild()));
    this._register(vscode.commands.registerCommand(CommandIds.cancelWorkspaceIndexing, () => this.service.cancel()));
    if (MIXTRAL_TEST_HOOKS && context.extensionMode === vscode.ExtensionMode.Test) {
      // Read-only views for the extension-host tests; not in the production bundle.
      this._register(
        vscode.commands.registerCommand("mixtral._test.workspaceIndex", async (wait?: boolean) => {
          if (wait) await this.service.whenBuilt();
          return {
            state: this.service.state,
            statusBarText: this.statusItem.text,
            running: this.service.running,
            instructionsNotice: this.instructions.lastNotice,
          };
        }),
      );
    }
  }

  private rebuild(): void {
    if (!this.config.settings.workspace.enabled) {
      void vscode.window
        .showInformationMessage(
          "Mixtral: workspace knowledge is off. Turn on mixtral.workspace.enabled to index this workspace.",
          "Open Setting",
        )
        .then((c) => {
          if (c) void vscode.commands.executeCommand("workbench.action.openSettings", "mixtral.workspace.enabled");
        });
      return;
    }
    this.service.rebuild();
  }

  /** The instruction files for a prompt about `uri` (undefined: the workspace as a whole). */
  instructionsFor(uri: vscode.Uri | undefined, contextSize: number): Promise<RenderedInstructions> {
    return this.instructions.forFile(uri, contextSize);
  }

  /** `@workspace` and automatic context for a chat message; never throws (a failed search is logged
   *  and said, and the message goes without it). */
  async forChat(text: string, contextSize: number, signal?: AbortSignal): Promise<ChatRetrieval> {
    try {
      // A question asked right after the window opened: a small workspace is indexed in seconds,
      // so wait a little for it rather than answer from half an index (the notice says if it was).
      if (mentionsWorkspace(text) && (this.service.state.kind === "waiting" || this.service.state.kind === "building")) {
        await Promise.race([this.service.whenBuilt(), new Promise((r) => setTimeout(r, CHAT_BUILD_WAIT_MS))]);
      }
      const started = Date.now();
      const retrieved = await retrieveForChat({
        text,
        settings: this.config.settings.workspace,
        contextSize,
        index: this.service.index(),
        state: this.service.state,
        multiRoot: indexRoots().length > 1,
        signal,
      });
      if (retrieved.attachments.length)
        this.log.info(
          `[index] ${mentionsWorkspace(text) ? "@workspace" : "automatic context"}: ${describeChunks(retrieved.attachments)} in ${Date.now() - started} ms`,
        );
      return retrieved;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`[index] retrieval for the chat failed: ${message}`);
      return { text, attachments: [], notice: `The workspace search failed (${message}); the message was sent without workspace code.` };
    }
  }

  /** The definitions, in other files, of the names `code` uses, within the budget. Empty when the
   *  feature is off or the index is not ready (a command never waits for a build). */
  async definitionsFor(code: string, uri: vscode.Uri | undefined, contextSize: number, signal?: AbortSignal): Promise<Snippet[]> {
    const index = this.service.index();
    if (!index || this.service.state.kind !== "ready") return [];
    try {
      const names = usedIdentifiers(code, MAX_NAMES);
      const defs = (await Promise.all(names.map((n) => index.definitions(n, { limit: 2, signal })))).flat();
      return definitionSnippets(defs, uri && locate(uri, indexRoots()), retrievalBudget(this.config.settings.workspace, contextSize));
    } catch (err) {
      this.log.warn(`[index] definitions for the selection failed: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }
}

function describeChunks(attachments: readonly { fileName: string; startLine: number; endLine: number }[]): string {
  return attachments.map((a) => `${a.fileName}:${a.startLine}-${a.endLine}`).join(", ");
}
