// VS Code's language-model message and tool types turned into core's (src/core/lm), once, at the
// edge. Parts are recognised by shape, not `instanceof`: messages that crossed from the workbench
// (VS Code's own chat) are revived objects, and a part type we do not know is skipped, not fatal.
import * as vscode from "vscode";
import type { LmMessage, LmPart } from "../../core/lm/lmConversation";
import type { ToolMode, ToolSpec } from "../../core/prompt/tools";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null;

/** System is 3 in VS Code's (proposed) LanguageModelChatMessageRole; User 1, Assistant 2. */
const SYSTEM_ROLE = 3;

export function toLmMessage(message: vscode.LanguageModelChatRequestMessage): LmMessage {
  const role =
    message.role === vscode.LanguageModelChatMessageRole.Assistant
      ? "assistant"
      : (message.role as number) === SYSTEM_ROLE
        ? "system"
        : "user";
  const parts: LmPart[] = [];
  for (const part of message.content) {
    const converted = toLmPart(part);
    if (converted) parts.push(converted);
  }
  return { role, parts };
}

function toLmPart(part: unknown): LmPart | undefined {
  if (!isObj(part)) return undefined;
  if (typeof part.callId === "string" && typeof part.name === "string" && "input" in part) {
    return { type: "toolCall", callId: part.callId, name: part.name, input: part.input };
  }
  if (typeof part.callId === "string" && Array.isArray(part.content)) {
    return {
      type: "toolResult",
      callId: part.callId,
      text: part.content
        .map(resultText)
        .filter((t) => t !== "")
        .join("\n"),
    };
  }
  if (typeof part.value === "string") return { type: "text", text: part.value };
  return undefined;
}

/** A tool result's content: text parts as they are; data parts that are text (JSON, plain) decoded;
 *  anything else (images, prompt-tsx trees) named rather than dropped silently. */
function resultText(content: unknown): string {
  if (!isObj(content)) return typeof content === "string" ? content : "";
  if (typeof content.value === "string") return content.value;
  if (content.data instanceof Uint8Array && typeof content.mimeType === "string") {
    return /^(text\/|application\/json)/.test(content.mimeType)
      ? new TextDecoder().decode(content.data)
      : `[${content.mimeType} data left out]`;
  }
  return "";
}

export function toToolSpecs(tools: readonly vscode.LanguageModelChatTool[] | undefined): ToolSpec[] {
  return (tools ?? []).map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
}

export function toToolMode(mode: vscode.LanguageModelChatToolMode | undefined): ToolMode {
  return mode === vscode.LanguageModelChatToolMode.Required ? "required" : "auto";
}
