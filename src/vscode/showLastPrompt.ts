// "Mixtral: Show Last Prompt": the exact text last sent to the model, in a new editor, with
// its token count, what speculation drafted, and where its context came from.
import * as vscode from "vscode";
import type { EngineHost } from "./EngineHost";
import { describeSources, describeSpeculation, type PromptLog } from "./PromptLog";

export async function showLastPrompt(prompts: PromptLog, host: EngineHost): Promise<unknown> {
  const last = prompts.last;
  if (!last) return vscode.window.showInformationMessage("Mixtral: no prompt has been sent yet in this window.");
  let count = last.tokenCount;
  if (count === undefined) {
    try {
      const backend = await host.getBackend();
      [count] = await backend.countTokens([last.text]);
    } catch {
      count = undefined; // The text is still worth showing without a count.
    }
  }
  const drafted = describeSpeculation(last.stats);
  const header = `<!-- Mixtral Local: last prompt (${last.feature}), ${count !== undefined ? `${count} tokens` : "token count unavailable"}, sent ${new Date(last.at).toLocaleTimeString()}${drafted ? `; ${drafted}` : ""}${describeSources(last.sources)} -->\n`;
  const doc = await vscode.workspace.openTextDocument({ content: header + last.text, language: "plaintext" });
  await vscode.window.showTextDocument(doc, { preview: true });
}
