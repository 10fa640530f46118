// The GGUF's own `tokenizer.chat_template`, rendered with @huggingface/jinja, for two jobs:
// 1. recognise the format (render a probe conversation and compare its shape with the known Mistral
//    formats), so model info can say which one is in use;
// 2. build the prompt of a model that is not Mixtral-style from its own template.
// For Mixtral-v0.1-style files we never use the template's text: it is a string form of the format,
// and its tokenization differs from the reference (see mixtralFormat.ts); buildMixtralPrompt is exact.
import { Template } from "./jinja";
import type { PromptSegment } from "../../shared/engineProtocol";
import { PromptTemplateError } from "../errors";
import { buildMixtralPrompt, validateConversation, withSystem, type ChatMessage, type MixtralPromptOptions } from "./mixtralFormat";

export type PromptFormatId = "mixtral-v0.1" | "mistral-v3" | "mistral-tekken" | "other";

export interface PromptFormat {
  id: PromptFormatId;
  /** For model info, e.g. "Mixtral Instruct v0.1 ([INST] … [/INST])". */
  label: string;
}

const PROBE: ChatMessage[] = [
  { role: "user", content: "U1" },
  { role: "assistant", content: "A1" },
  { role: "user", content: "U2" },
];

/** Renders a chat template as transformers does (bos/eos strings, add_generation_prompt). */
export function renderChatTemplate(
  template: string,
  messages: readonly ChatMessage[],
  options: { bosToken?: string; eosToken?: string; addGenerationPrompt?: boolean } = {},
): string {
  let parsed: Template;
  try {
    parsed = new Template(template);
  } catch (err) {
    throw new PromptTemplateError(`The model's chat template does not parse: ${(err as Error).message}`);
  }
  try {
    return parsed.render({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      bos_token: options.bosToken ?? "<s>",
      eos_token: options.eosToken ?? "</s>",
      add_generation_prompt: options.addGenerationPrompt ?? true,
    });
  } catch (err) {
    throw new PromptTemplateError(`The model's chat template failed: ${(err as Error).message}`);
  }
}

/** What of a model decides its prompt (ModelInfo carries these; a remote server's has none). */
export interface ModelPromptInfo {
  chatTemplate?: string;
  bosToken?: string;
  eosToken?: string;
}

// Every prompt asks for the format (a completion per keystroke): the last answer is kept.
let lastFormat: { template: string | undefined; format: PromptFormat } | undefined;

/** Which format a chat template produces. No template: Mixtral's (this extension's model). */
export function describePromptFormat(template?: string): PromptFormat {
  if (lastFormat && lastFormat.template === template) return lastFormat.format;
  const format = recognise(template);
  lastFormat = { template, format };
  return format;
}

function recognise(template?: string): PromptFormat {
  if (!template || template.trim() === "") {
    return { id: "mixtral-v0.1", label: "Mixtral Instruct v0.1 ([INST] … [/INST]; the file has no chat template)" };
  }
  let text: string;
  try {
    text = renderChatTemplate(template, PROBE, { bosToken: "<s>", eosToken: "</s>" });
  } catch {
    return { id: "other", label: "the model's own chat template (it did not render a probe conversation)" };
  }
  // Spaces around the markers are where the tokenizer versions differ (mistral-common's v1/v3/tekken).
  if (/^<s>\s?\[INST\] U1 \[\/INST\]\s?A1<\/s>\s?\[INST\] U2 \[\/INST\]\s*$/.test(text)) {
    return { id: "mixtral-v0.1", label: "Mixtral Instruct v0.1 ([INST] … [/INST])" };
  }
  if (/^<s>\[INST\] U1\[\/INST\] ?A1<\/s>\[INST\] U2\[\/INST\]\s*$/.test(text)) {
    return { id: "mistral-v3", label: "Mistral v3 ([INST] control tokens)" };
  }
  if (/^<s>\[INST\]U1\[\/INST\]A1<\/s>\[INST\]U2\[\/INST\]\s*$/.test(text)) {
    return { id: "mistral-tekken", label: "Mistral Tekken ([INST] control tokens, no spaces)" };
  }
  return { id: "other", label: "the model's own chat template" };
}

/** Mistral v3 and Tekken: [INST]/[/INST] are control tokens; each message is its own encode(), as in
 *  mistral-common. (mistral-common puts the system text in the LAST user message for these; we keep
 *  it in the first so that each turn's tokens extend the previous turn's.) */
function buildMistralControlPrompt(messages: readonly ChatMessage[], options: MixtralPromptOptions): PromptSegment[] {
  const { system, turns } = validateConversation(messages, options);
  const segments: PromptSegment[] = [{ type: "bos" }];
  turns.forEach((m, k) => {
    if (m.role === "user") {
      segments.push({ type: "text", text: "[INST]", special: true });
      segments.push({ type: "text", text: k === 0 ? withSystem(system, m.content) : m.content.trim() });
      segments.push({ type: "text", text: "[/INST]", special: true });
      return;
    }
    const open = k === turns.length - 1;
    const text = open ? m.content : m.content.trim();
    if (text) segments.push({ type: "text", text });
    if (!open) segments.push({ type: "eos" });
  });
  return segments;
}

// Private-use characters: no template filter changes them and no user text plausibly holds them.
const sentinel = (i: number): string => `\uE000${i}\uE001`;

/** A prompt from the model's own template. The template's text is tokenized with special tokens on
 *  (it holds the model's control tokens); every message text is its own run with special tokens OFF,
 *  so `<|im_end|>` typed by a user stays text. Limitation: each run is tokenized on its own, so a
 *  SentencePiece vocabulary adds a "▁" at the start of each message text; exact for BPE vocabularies
 *  without a space prefix (ChatML, Llama 3), approximate otherwise. */
export function buildPromptFromTemplate(
  template: string,
  messages: readonly ChatMessage[],
  options: MixtralPromptOptions & { bosToken?: string; eosToken?: string } = {},
): PromptSegment[] {
  validateConversation(messages, options); // the same role-order errors as every other format
  const last = messages[messages.length - 1];
  const priming = options.continueAssistant === true && last?.role === "assistant";
  const placeholders = messages.map((m, i) => ({ role: m.role, content: sentinel(i) }));
  const rendered = renderChatTemplate(template, placeholders, {
    bosToken: options.bosToken,
    eosToken: options.eosToken,
    addGenerationPrompt: !priming,
  });
  const segments: PromptSegment[] = [];
  let rest = rendered;
  for (let i = 0; i < messages.length; i++) {
    const at = rest.indexOf(sentinel(i));
    if (at < 0) {
      // Templates may drop or rewrite a message (e.g. no system role); we cannot place its text safely.
      throw new PromptTemplateError(`The model's chat template does not keep message ${i + 1} (${messages[i].role}) as written.`);
    }
    if (at > 0) segments.push({ type: "text", text: rest.slice(0, at), special: true });
    if (messages[i].content) segments.push({ type: "text", text: messages[i].content });
    rest = rest.slice(at + sentinel(i).length);
  }
  // A primed answer ends the prompt: what the template puts after it (end-of-turn) is dropped.
  if (!priming && rest) segments.push({ type: "text", text: rest, special: true });
  return segments;
}

/** The prompt for any model: exact Mistral formats when recognised, else the model's template. */
export function buildPromptForModel(
  messages: readonly ChatMessage[],
  model: ModelPromptInfo,
  options: MixtralPromptOptions = {},
): { segments: PromptSegment[]; format: PromptFormat } {
  const format = describePromptFormat(model.chatTemplate);
  switch (format.id) {
    case "mixtral-v0.1":
      return { segments: buildMixtralPrompt(messages, options), format };
    case "mistral-v3":
    case "mistral-tekken":
      return { segments: buildMistralControlPrompt(messages, options), format };
    case "other":
      return {
        segments: buildPromptFromTemplate(model.chatTemplate ?? "", messages, {
          ...options,
          bosToken: model.bosToken,
          eosToken: model.eosToken,
        }),
        format,
      };
    default: {
      const _exhaustive: never = format.id;
      return _exhaustive;
    }
  }
}

/** A prompt built in Mixtral's format (`mixtralSegments`, exact) for the model that will run it:
 *  unchanged when the model is Mixtral-style (or unknown, e.g. a remote server), rebuilt from
 *  `messages` in the model's own format otherwise. Commands and inline completions build their
 *  prompt before the model is loaded, so they call this once the backend is ready. */
export function segmentsForModel(
  messages: readonly ChatMessage[],
  mixtralSegments: PromptSegment[],
  model: ModelPromptInfo | undefined,
  options: MixtralPromptOptions = {},
): PromptSegment[] {
  if (describePromptFormat(model?.chatTemplate).id === "mixtral-v0.1") return mixtralSegments;
  return buildPromptForModel(messages, model ?? {}, options).segments;
}
