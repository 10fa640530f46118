// Every feature's prompt: the system text and the feature's rendered template, in the model's format.
// Inline completion is special: Mixtral has no fill-in-the-middle tokens, so it is an [INST] request
// whose answer is primed with an opening fence and the cursor line's prefix (continueAssistant); the
// model's continuation of that line is the suggestion.
import type { PromptSegment } from "../../shared/engineProtocol";
import type { PromptTemplateError } from "../errors";
import { DEFAULT_SYSTEM_PROMPT, type FeatureName } from "./defaultTemplates";
import { buildMixtralPrompt, type ChatMessage } from "./mixtralFormat";
import { fenceFor, renderFeatureTemplate, type PromptVariables, type TemplateOverrides } from "./templates";

export interface FeaturePromptOptions {
  /** `mixtral.systemPrompt`; "" or undefined: DEFAULT_SYSTEM_PROMPT. */
  systemPrompt?: string;
  /** `mixtral.prompts.<name>` overrides. */
  overrides?: TemplateOverrides;
}

export interface FeaturePrompt {
  /** The conversation (system + one user message, plus the primed answer for inline completion);
   *  give it to buildPromptForModel for a model with another format. */
  messages: ChatMessage[];
  /** Mixtral's segments for `messages`. */
  segments: PromptSegment[];
  /** The user's template was broken and the built-in one was used: tell the user once. */
  warning?: PromptTemplateError;
}

const systemText = (options: FeaturePromptOptions): string => options.systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT;

/** explain, refactor, writeTests, fix, document, ask. */
export function buildFeaturePrompt(name: Exclude<FeatureName, "inlineCompletion">, variables: PromptVariables, options: FeaturePromptOptions = {}): FeaturePrompt {
  const rendered = renderFeatureTemplate(name, variables, options.overrides);
  const messages: ChatMessage[] = [
    { role: "system", content: systemText(options) },
    { role: "user", content: rendered.text },
  ];
  return { messages, segments: buildMixtralPrompt(messages), warning: rendered.warning };
}

export interface InlineCompletionPrompt extends FeaturePrompt {
  /** Spaces/tabs cut from the end of the primed line prefix (a trailing space would be a lone "▁"
   *  token, which the model rarely continues well). Pass the generated text through
   *  `completionText` to drop them again. */
  strippedWhitespace: string;
  /** Stop strings for generation: the closing fence. */
  stopStrings: string[];
}

export type InlineCompletionVariables = Pick<PromptVariables, "filePath" | "language" | "before" | "after" | "linePrefix" | "lineSuffix" | "snippets">;

export function buildInlineCompletionPrompt(variables: InlineCompletionVariables, options: FeaturePromptOptions = {}): InlineCompletionPrompt {
  const rendered = renderFeatureTemplate("inlineCompletion", variables, options.overrides);
  const linePrefix = variables.linePrefix ?? "";
  const kept = linePrefix.replace(/[ \t]+$/, "");
  const fence = fenceFor(variables.before ?? "", variables.after ?? "", linePrefix, variables.lineSuffix ?? "", ...(variables.snippets ?? []).map((s) => s.text));
  const messages: ChatMessage[] = [
    { role: "system", content: systemText(options) },
    { role: "user", content: rendered.text },
    { role: "assistant", content: `${fence}${variables.language ?? ""}\n${kept}` },
  ];
  return {
    messages,
    segments: buildMixtralPrompt(messages, { continueAssistant: true }),
    warning: rendered.warning,
    strippedWhitespace: linePrefix.slice(kept.length),
    stopStrings: [fence],
  };
}

/** The text to insert at the cursor, from what the model generated after the primed prefix. */
export function completionText(generated: string, strippedWhitespace: string): string {
  if (generated.startsWith(strippedWhitespace)) return generated.slice(strippedWhitespace.length);
  // The model chose other spacing than the document has: the document's spacing wins.
  return strippedWhitespace ? generated.replace(/^[ \t]+/, "") : generated;
}
