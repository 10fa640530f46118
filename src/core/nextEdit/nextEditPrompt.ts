// The next-edit prompt, from published practice (Zed's Zeta): the recent edits as unified diffs,
// the file around the cursor as read-only context, and the editable region with the cursor marked;
// the model answers with the region rewritten. The instruction is the `nextEdit` template of
// src/core/prompt (overridable with `mixtral.prompts.nextEdit`, restricted in untrusted
// workspaces). Mixtral has no system role, so the prompt is one [INST] turn, and the answer is
// primed with the opening fence: the first generated token is the region's first line, which is
// what input lookup copies from the prompt, and the closing fence is the natural stop.
import type { PromptSegment } from "../../shared/engineProtocol";
import { fenceTag } from "../completion/completionPrompt";
import type { PromptTemplateError } from "../errors";
import { buildMixtralPrompt, type ChatMessage } from "../prompt/mixtralFormat";
import { fenceOf, renderFeatureTemplate, type PromptVariables } from "../prompt/templates";
import type { EditEntry } from "./editHistory";
import type { EditableRegion } from "./region";

/** Zeta's cursor marker: plain text to Mixtral's tokenizer (special tokens are off for text). */
export const CURSOR_MARKER = "<|user_cursor_is_here|>";

export interface NextEditPromptInput {
  path: string;
  languageId: string;
  region: EditableRegion;
  edits: readonly EditEntry[];
  /** The user's `mixtral.prompts.nextEdit` ("" = built-in). */
  template?: string;
}

export interface NextEditPrompt {
  segments: PromptSegment[];
  /** The request and the primed answer, for a model with another format. */
  messages: ChatMessage[];
  /** The primed start of the answer (the opening fence and its newline). */
  answerPrefix: string;
  stopStrings: string[];
  templateWarning?: PromptTemplateError;
}

export function buildNextEditPrompt(input: NextEditPromptInput): NextEditPrompt {
  const { region } = input;
  const marked = region.text.slice(0, region.cursor) + CURSOR_MARKER + region.text.slice(region.cursor);
  const variables: PromptVariables = {
    filePath: input.path,
    language: input.languageId,
    // The template closes the block itself; a trailing newline would render as an empty line.
    selection: marked.replace(/\r?\n$/, ""),
    before: region.before,
    after: region.after,
    edits: input.edits.map((e) => ({ path: e.path, diff: e.diff })),
    cursorMarker: CURSOR_MARKER,
  };
  const rendered = renderFeatureTemplate("nextEdit", variables, { nextEdit: input.template ?? "" });
  const fence = fenceOf(variables);
  const answerPrefix = `${fence}${fenceTag(input.languageId)}\n`;
  const messages: ChatMessage[] = [
    { role: "user", content: rendered.text },
    { role: "assistant", content: answerPrefix },
  ];
  return {
    segments: buildMixtralPrompt(messages, { continueAssistant: true }),
    messages,
    answerPrefix,
    stopStrings: [fence, "[INST]"],
    templateWarning: rendered.warning,
  };
}

/** The region as the model rewrote it, from its answer after the primed fence: the cursor marker
 *  taken out (it may copy it), and the region's own ending kept (the answer's last line ends with
 *  the newline before the closing fence; a region at the end of a file may have none). */
export function rewrittenRegion(answer: string, region: EditableRegion): string {
  let text = answer.split(CURSOR_MARKER).join("");
  const endsWithNewline = /\n$/.test(region.text);
  if (!endsWithNewline) text = text.replace(/\r?\n$/, "");
  else if (text !== "" && !text.endsWith("\n")) text += "\n";
  return text;
}
