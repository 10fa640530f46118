// The workspace's part of a prompt's system text and of Show Last Prompt's list, for the chat and
// the commands: the instruction files for the file in question, after the user's (or the
// built-in) system text.
import * as vscode from "vscode";
import { DEFAULT_SYSTEM_PROMPT } from "../../core/prompt/defaultTemplates";
import { systemWithInstructions, type RenderedInstructions } from "../../core/workspaceContext/instructions";
import type { Attachment } from "../../shared/protocol";
import type { Services } from "../services";

export interface PromptWorkspaceContext {
  systemPrompt: string;
  /** For Show Last Prompt: instruction files, then attached code as path:start-end. */
  sources: string[];
}

export function describeAttachments(attachments: readonly Pick<Attachment, "fileName" | "startLine" | "endLine">[]): string[] {
  return attachments.map((a) => `${a.fileName}:${a.startLine}-${a.endLine}`);
}

export function instructionSources(instructions: RenderedInstructions): string[] {
  return instructions.used.map((p) => (instructions.shortened.includes(p) ? `${p} (shortened)` : p));
}

/** The system text for `uri`'s prompt (the active editor's file when undefined is passed on). */
export async function systemPromptFor(
  services: Services,
  uri: vscode.Uri | undefined,
  contextSize: number,
): Promise<{ systemPrompt: string; instructions: RenderedInstructions }> {
  const base = services.config.settings.systemPrompt.trim() || DEFAULT_SYSTEM_PROMPT;
  const instructions = await services.workspace.instructionsFor(uri, contextSize);
  return { systemPrompt: systemWithInstructions(base, instructions), instructions };
}

/** The chat's: the file in question is the active editor's (the chat has no file of its own). */
export async function chatWorkspaceContext(
  services: Services,
  lastUser: { attachments?: Attachment[] } | undefined,
  contextSize: number,
): Promise<PromptWorkspaceContext> {
  const { systemPrompt, instructions } = await systemPromptFor(services, vscode.window.activeTextEditor?.document.uri, contextSize);
  return { systemPrompt, sources: [...instructionSources(instructions), ...describeAttachments(lastUser?.attachments ?? [])] };
}
