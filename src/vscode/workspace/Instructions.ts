// The workspace's instruction files for the prompts (AGENTS.md at the folder's root, the nearest
// nested AGENTS.md above the file in question, .github/copilot-instructions.md), read fresh for
// each prompt (they are small). In an untrusted workspace they are text someone else wrote that
// the model would obey, so they are not used; the user is told once, with a way to trust it.
import * as path from "node:path";
import * as vscode from "vscode";
import {
  nestedAgentsCandidates,
  renderInstructions,
  ROOT_INSTRUCTION_FILES,
  type InstructionFile,
  type RenderedInstructions,
} from "../../core/workspaceContext/instructions";
import type { Config } from "../Config";
import { Disposable } from "../lifecycle";

/** An instruction file larger than this is read only this far (the budget cuts it anyway). */
const MAX_READ_BYTES = 64 * 1024;
/** The instructions' share of the context, at most MAX_TOKENS. */
const CONTEXT_SHARE = 8;
const MAX_TOKENS = 1500;

const NONE: RenderedInstructions = { text: "", used: [], shortened: [] };

export class Instructions extends Disposable {
  private toldUntrusted = false;
  /** Test mode: the last untrusted-workspace message shown. */
  lastNotice: string | undefined;

  constructor(
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** The instructions for a prompt about `uri` (or the whole workspace), within the budget. */
  async forFile(uri: vscode.Uri | undefined, contextSize: number): Promise<RenderedInstructions> {
    if (!this.config.settings.workspace.instructions) return NONE;
    const inFolder = uri && vscode.workspace.getWorkspaceFolder(uri);
    const folder = inFolder ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) return NONE;
    const relInFolder = inFolder && uri ? path.posix.relative(folder.uri.path, uri.path) : undefined;
    const files: InstructionFile[] = [];
    for (const candidate of nestedAgentsCandidates(relInFolder)) {
      const text = await read(folder.uri, candidate);
      if (text !== undefined) {
        files.push({ path: candidate, text });
        break;
      }
    }
    for (const name of ROOT_INSTRUCTION_FILES) {
      const text = await read(folder.uri, name);
      if (text !== undefined) files.push({ path: name, text });
    }
    if (files.length === 0) return NONE;
    if (!vscode.workspace.isTrusted) {
      this.tellUntrusted(files.map((f) => f.path));
      return NONE;
    }
    return renderInstructions(files, Math.min(MAX_TOKENS, Math.floor(contextSize / CONTEXT_SHARE)));
  }

  private tellUntrusted(paths: string[]): void {
    if (this.toldUntrusted) return;
    this.toldUntrusted = true;
    const message = `Mixtral: this workspace is not trusted, so its instructions for AI assistants (${paths.join(", ")}) are not added to prompts. Trust the workspace to use them.`;
    this.lastNotice = message;
    this.log.info(`[instructions] ${message}`);
    void vscode.window.showInformationMessage(message, "Manage Workspace Trust").then((choice) => {
      if (choice) void vscode.commands.executeCommand("workbench.trust.manage");
    });
  }
}

async function read(folder: vscode.Uri, relative: string): Promise<string | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, ...relative.split("/")));
    return new TextDecoder().decode(bytes.subarray(0, MAX_READ_BYTES));
  } catch {
    return undefined; // Absent is the common case.
  }
}
