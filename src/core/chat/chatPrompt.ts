// From the transcript to the model's prompt: system text, slash commands (/explain, /tests, /fix,
// /doc reuse the command templates), and trimming old exchanges so the prompt plus the answer
// fit the context window.
import type { Attachment } from "../../shared/protocol";
import type { PromptSegment } from "../../shared/engineProtocol";
import { DEFAULT_SYSTEM_PROMPT, type FeatureName } from "../prompt/defaultTemplates";
import type { ChatMessage } from "../prompt/mixtralFormat";
import { renderFeatureTemplate, type TemplateOverrides } from "../prompt/templates";
import type { PromptTemplateError } from "../errors";
import { fitChat, type CountTokens } from "../prompt/budget";
import { buildPromptForModel, type ModelPromptInfo } from "../prompt/chatTemplate";

export const SLASH_COMMANDS: Readonly<Record<string, Exclude<FeatureName, "inlineCompletion">>> = {
  "/explain": "explain",
  "/tests": "writeTests",
  "/fix": "fix",
  "/doc": "document",
};

export interface SlashExpansion {
  feature: string;
  /** The full user message for the model (the template with the code in it). */
  content: string;
  warning?: PromptTemplateError;
}

/** Expands `/explain [extra words]` etc. with the attached code; undefined for ordinary text
 *  or a slash command without code to work on. */
export function expandSlashCommand(
  text: string,
  attachments: readonly Attachment[],
  overrides: TemplateOverrides = {},
): SlashExpansion | undefined {
  const m = /^\s*(\/[a-z]+)(?:\s+([\s\S]*))?$/.exec(text);
  const feature = m ? SLASH_COMMANDS[m[1]] : undefined;
  if (!m || !feature || attachments.length === 0) return undefined;
  const question = (m[2] ?? "").trim();
  const [first, ...rest] = attachments;
  // Several attachments: the first is "the selection", the rest go in as extra snippets.
  const rendered = renderFeatureTemplate(
    feature,
    {
      filePath: first.fileName,
      language: first.languageId,
      selection: first.code,
      startLine: first.startLine,
      endLine: first.endLine,
      snippets: rest.map((a) => ({ path: `${a.fileName}:${a.startLine}-${a.endLine}`, text: a.code })),
    },
    overrides,
  );
  // None of these four templates uses {{ question }}: the user's extra words follow the template.
  const content = question ? `${rendered.text}\n\n${question}` : rendered.text;
  return { feature, content, warning: rendered.warning };
}

export interface ChatPrompt {
  messages: ChatMessage[];
  segments: PromptSegment[];
  /** How many earlier messages were left out to fit. */
  droppedMessages: number;
}

export interface ChatPromptOptions {
  /** `mixtral.systemPrompt`; empty: the built-in one. */
  systemPrompt?: string;
  /** The context size in tokens. */
  contextSize: number;
  /** Tokens kept free for the answer (mixtral.maxTokens). */
  reserveTokens: number;
  /** The model's own tokenizer (InferenceBackend.countTokens). */
  countTokens: CountTokens;
  /** The loaded model's chat template: its format when it is not Mixtral's (budgets are still
   *  counted on Mixtral's turn shape, close for other formats). Default: Mixtral's. */
  model?: ModelPromptInfo;
}

/** The chat prompt within the context, counted in the model's tokens: the system text and the
 *  newest exchanges are kept, the oldest dropped first (with a notice to show in the chat). */
export async function buildChatPrompt(
  history: readonly ChatMessage[],
  options: ChatPromptOptions,
): Promise<ChatPrompt & { promptTokens: number; notice?: string }> {
  const system: ChatMessage = { role: "system", content: options.systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT };
  const fitted = await fitChat({
    messages: [system, ...history.filter((m) => m.role !== "system")],
    contextSize: options.contextSize,
    reserveTokens: options.reserveTokens,
    countTokens: options.countTokens,
  });
  return {
    messages: fitted.messages,
    segments: buildPromptForModel(fitted.messages, options.model ?? {}).segments,
    droppedMessages: fitted.droppedMessages,
    promptTokens: fitted.promptTokens,
    notice: fitted.notice,
  };
}
