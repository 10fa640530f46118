// A conversation from VS Code's language-model API (already converted from vscode's classes by the
// adapter, src/vscode/lm/) turned into the ChatMessage[] the existing prompt builders take: system
// text folded out (Mixtral has no system role), tool calls written as the JSON the model itself
// produces, tool results as text in the user's turn, and consecutive messages of one role merged
// (Mixtral's format needs strict user/assistant alternation, VS Code's chat does not promise it).
import type { ChatMessage } from "../prompt/mixtralFormat";
import type { NativeToolParts } from "../prompt/tools";
import { renderToolCall } from "./toolAnswer";

export type LmPart =
  | { type: "text"; text: string }
  | { type: "toolCall"; callId: string; name: string; input: unknown }
  | { type: "toolResult"; callId: string; text: string };

export interface LmMessage {
  role: "system" | "user" | "assistant";
  parts: LmPart[];
}

/** A Mixtral turn (`content` holds everything as text) that remembers its tool parts. */
export interface LmChatMessage extends ChatMessage {
  native?: NativeToolParts;
}

export interface LmConversation {
  /** All system text, in order (empty when there is none). */
  system: string;
  /** Alternating user/assistant, starting with a user message. */
  history: LmChatMessage[];
}

export function toChatConversation(messages: readonly LmMessage[]): LmConversation {
  const toolNames = new Map<string, string>();
  for (const m of messages) for (const p of m.parts) if (p.type === "toolCall") toolNames.set(p.callId, p.name);

  const system: string[] = [];
  const history: LmChatMessage[] = [];
  for (const m of messages) {
    const text = m.parts
      .map((p) => partText(p, toolNames))
      .filter((t) => t.trim() !== "")
      .join("\n\n");
    if (text.trim() === "") continue;
    if (m.role === "system") {
      system.push(text.trim());
      continue;
    }
    let last = history[history.length - 1];
    if (last?.role === m.role) last.content = `${last.content}\n\n${text}`;
    else history.push((last = { role: m.role, content: text }));
    addNativeParts(last, m.parts);
  }
  // Mixtral's turns start with the user: an opening assistant message becomes context in the
  // system text rather than being lost.
  while (history[0]?.role === "assistant") system.push(`Earlier, you said:\n${history.shift()?.content ?? ""}`);
  // Only turns with tool parts keep them apart; the others are plain text either way.
  for (const h of history) if (h.native && h.native.toolCalls.length === 0 && h.native.toolResults.length === 0) delete h.native;
  return { system: system.join("\n\n"), history };
}

/** Adds a message's text, tool calls and results to its turn's native parts. */
function addNativeParts(message: LmChatMessage, parts: readonly LmPart[]): void {
  const native = (message.native ??= { text: "", toolCalls: [], toolResults: [] });
  const text = parts
    .map((p) => (p.type === "text" ? p.text : ""))
    .filter((t) => t.trim() !== "")
    .join("\n\n");
  if (text) native.text = native.text ? `${native.text}\n\n${text}` : text;
  for (const p of parts) {
    if (p.type === "toolCall") native.toolCalls.push({ id: p.callId, name: p.name, arguments: JSON.stringify(p.input ?? {}) });
    else if (p.type === "toolResult") native.toolResults.push({ callId: p.callId, text: p.text });
  }
}

function partText(part: LmPart, toolNames: ReadonlyMap<string, string>): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "toolCall":
      return renderToolCall(part.name, part.input);
    case "toolResult":
      return `Result of ${toolNames.get(part.callId) ?? "the tool"} (call ${part.callId}):\n${part.text}`;
    default: {
      const _exhaustive: never = part;
      void _exhaustive;
      return "";
    }
  }
}

/** The text of one message as it goes into the prompt (what provideTokenCount counts). */
export function messageText(message: LmMessage): string {
  const names = new Map<string, string>();
  for (const p of message.parts) if (p.type === "toolCall") names.set(p.callId, p.name);
  return message.parts
    .map((p) => partText(p, names))
    .filter((t) => t.trim() !== "")
    .join("\n\n");
}
