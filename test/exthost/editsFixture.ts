// The document and the scripted refactor shared by the edits-in-place tests (inlineEdits.test.ts,
// streamedEdits.test.ts): two functions, each typed by the answer, so the proposal has two hunks.
import * as vscode from "vscode";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { activateExtension } from "./extension";

export const HEAD = "// math helpers\n";
export const TAIL = "\nexport { add, sub };\n";
export const BODY = "function add(a, b) {\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}\n";
export const ADD = "function add(a: number, b: number) {\n";
export const SUB = "function sub(a: number, b: number) {\n";
export const ANSWER_CODE = `${ADD}  return a + b;\n}\n\n${SUB}  return a - b;\n}`;
export const ORIGINAL = HEAD + BODY + TAIL;
/** Both hunks pending: each original line followed by its proposed line. */
export const SHOWN = HEAD + `function add(a, b) {\n${ADD}  return a + b;\n}\n\nfunction sub(a, b) {\n${SUB}  return a - b;\n}\n` + TAIL;

/** What the test hook `mixtral._test.proposal` reports about the active document's proposal. */
export interface ProposalState {
  pending: boolean;
  streaming: boolean;
  decisions: string[];
  hunks: number;
  decorated?: { removed: number[]; added: number[]; tail: number[]; writing?: number };
}
export const proposalState = () => vscode.commands.executeCommand<ProposalState>("mixtral._test.proposal");

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;

/** The scripted OpenAI-compatible server that answers the refactor with ANSWER_CODE, set as the
 *  extension's engine. */
export async function startEditsServer(): Promise<ScriptedOpenAi> {
  await activateExtension();
  const server = await startScriptedOpenAi({ flavour: "openai", answer: `Typed:\n\n\`\`\`typescript\n${ANSWER_CODE}\n\`\`\`\n` });
  await config().update("remote.url", server.url, G);
  await config().update("engine", "openai", G);
  await config().update("maxTokens", 512, G);
  return server;
}

/** Puts the settings back, closes the editors and the server. */
export async function stopEditsServer(server: ScriptedOpenAi | undefined): Promise<void> {
  for (const key of ["engine", "remote.url", "maxTokens"]) await config().update(key, undefined, G);
  await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  await server?.close();
}
