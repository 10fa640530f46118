// The inline-completion prompt. Mixtral-8x7B-Instruct has no fill-in-the-middle tokens, so the
// request is an [INST] instruction (the `inlineCompletion` template of src/core/prompt, which the
// user may override) and the answer is primed with an opening code fence and the cursor line's
// text, which the model then continues; the closing fence is the natural stop. The fence is the
// template's own (longer than any backtick run in the code, so a ``` in a Markdown file or a
// template string neither closes the block nor stops the answer). Spaces at the end of the cursor
// line are left out of the primed text: SentencePiece would make a trailing space a lone "▁" token,
// which the model rarely continues well (it writes " 42", not "42"); `completionText` takes them
// off the answer again.
//
// Order (least changing first, so consecutive keystrokes reuse the engine's KV prefix):
//   BOS, "[INST] instructions, file path and language"  (fixed per file)
//   + snippets from other open files  (change at most once per snippet-query grid step)
//   + code AFTER the cursor           (unchanged while typing: insertions happen before it)
//   + code BEFORE the cursor line     (unchanged while typing on a line; Enter appends one line)
//   + " [/INST]"
//   then the primed answer "```lang\n" + linePrefix: the only part that changes per keystroke.
// "after" sits in front of "before" because pressing Enter appends to "before": with "after"
// behind it, every Enter would re-evaluate all of "after" as well.
// Each text run is tokenized on its own (see mixtralFormat.ts), so a keystroke re-tokenizes only
// the answer run: the engine evaluates the few tokens of the cursor line, not the whole prompt.
import type { PromptSegment } from "../../shared/engineProtocol";
import type { PromptTemplateError } from "../errors";
import { buildMixtralPrompt, type ChatMessage } from "../prompt/mixtralFormat";
import { fenceOf, renderFeatureTemplate, type PromptVariables } from "../prompt/templates";
import type { CompletionContext } from "./completionContext";
import type { Snippet } from "./snippets";

export interface CompletionPrompt {
  /** In Mixtral's format; segmentsForModel gives the loaded model's when it has another. */
  segments: PromptSegment[];
  /** The request and its primed answer, for a model with another format. */
  messages: ChatMessage[];
  /** The user message (between [INST] and [/INST]). */
  instruction: string;
  /** The primed start of the answer: fence + cursor line prefix without its trailing spaces. */
  answerPrefix: string;
  /** The spaces/tabs cut from the end of the cursor line prefix; see `completionText`. */
  strippedWhitespace: string;
  /** The fence that opens the answer; the model closes the block with it. */
  fence: string;
  stopStrings: string[];
  /** Set when the user's template is broken and the built-in one was used. */
  templateWarning?: PromptTemplateError;
}

const FENCE_TAGS: Record<string, string> = {
  typescriptreact: "tsx",
  javascriptreact: "jsx",
  shellscript: "bash",
  csharp: "cs",
  plaintext: "text",
};

export function fenceTag(languageId: string): string {
  return FENCE_TAGS[languageId] ?? languageId.replace(/[^A-Za-z0-9_+-]/g, "");
}

export function promptVariables(ctx: CompletionContext, snippets: readonly Snippet[]): PromptVariables {
  return {
    filePath: ctx.path,
    language: ctx.languageId,
    // The template ends the block itself; a trailing newline would render as an empty line.
    before: ctx.before.replace(/\n$/, ""),
    after: ctx.afterLines,
    linePrefix: ctx.linePrefix,
    lineSuffix: ctx.lineSuffix,
    snippets: snippets.map((s) => ({ path: s.path, text: s.text })),
  };
}

export interface BuildPromptOptions {
  multiline: boolean;
  /** The user's `mixtral.prompts.inlineCompletion` template ("" = built-in). */
  template?: string;
}

export function buildCompletionPrompt(ctx: CompletionContext, snippets: readonly Snippet[], options: BuildPromptOptions): CompletionPrompt {
  const variables = promptVariables(ctx, snippets);
  const rendered = renderFeatureTemplate("inlineCompletion", variables, { inlineCompletion: options.template ?? "" });
  const fence = fenceOf(variables);
  const kept = ctx.linePrefix.replace(/[ \t]+$/, "");
  const answerPrefix = fence + fenceTag(ctx.languageId) + "\n" + kept;
  const messages: ChatMessage[] = [
    { role: "user", content: rendered.text },
    { role: "assistant", content: answerPrefix },
  ];
  const segments = buildMixtralPrompt(messages, { continueAssistant: true });
  // "\n" ends a single-line suggestion early (saves decode steps); the fence ends the code block.
  const stopStrings = options.multiline ? [fence, "[INST]"] : ["\n", fence, "[INST]"];
  const strippedWhitespace = ctx.linePrefix.slice(kept.length);
  return {
    segments,
    messages,
    instruction: rendered.text,
    answerPrefix,
    strippedWhitespace,
    fence,
    stopStrings,
    templateWarning: rendered.warning,
  };
}

/** The text to insert at the cursor, from what the model generated after the primed prefix: the
 *  cursor line's trailing spaces, which the prompt left out, are already in the document. */
export function completionText(generated: string, strippedWhitespace: string): string {
  if (generated.startsWith(strippedWhitespace)) return generated.slice(strippedWhitespace.length);
  // The model chose other spacing than the document has: the document's spacing wins.
  return strippedWhitespace ? generated.replace(/^[ \t]+/, "") : generated;
}
