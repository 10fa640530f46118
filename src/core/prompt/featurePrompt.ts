// The commands' prompts (explain, refactor, …): the system text and the feature's rendered
// template, in the model's format. Inline completion builds its own prompt, ordered for KV reuse
// while typing: src/core/completion/completionPrompt.ts.
import type { PromptSegment } from "../../shared/engineProtocol";
import type { PromptTemplateError } from "../errors";
import { DEFAULT_SYSTEM_PROMPT, type FeatureName } from "./defaultTemplates";
import { buildMixtralPrompt, type ChatMessage } from "./mixtralFormat";
import { renderFeatureTemplate, type PromptVariables, type TemplateOverrides } from "./templates";

export interface FeaturePromptOptions {
  /** `mixtral.systemPrompt`; "" or undefined: DEFAULT_SYSTEM_PROMPT. */
  systemPrompt?: string;
  /** `mixtral.prompts.<name>` overrides. */
  overrides?: TemplateOverrides;
}

export interface FeaturePrompt {
  /** The conversation (system + one user message); give it to buildPromptForModel for a model
   *  with another format. */
  messages: ChatMessage[];
  /** Mixtral's segments for `messages`. */
  segments: PromptSegment[];
  /** The user's template was broken and the built-in one was used: tell the user once. */
  warning?: PromptTemplateError;
  /** What the prompt carries from the workspace (instruction files, other files' definitions),
   *  for Show Last Prompt; set by the caller that added them. */
  sources?: string[];
}

const systemText = (options: FeaturePromptOptions): string => options.systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT;

/** explain, refactor, writeTests, fix, document, ask. */
export function buildFeaturePrompt(
  name: Exclude<FeatureName, "inlineCompletion">,
  variables: PromptVariables,
  options: FeaturePromptOptions = {},
): FeaturePrompt {
  const rendered = renderFeatureTemplate(name, variables, options.overrides);
  const messages: ChatMessage[] = [
    { role: "system", content: systemText(options) },
    { role: "user", content: rendered.text },
  ];
  return { messages, segments: buildMixtralPrompt(messages), warning: rendered.warning };
}
