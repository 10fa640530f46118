// One request from VS Code's language-model API, run on the same pipeline as our chat (runChat:
// Mixtral's exact [INST] format, system text folded, oldest turns dropped to fit, the retry when a
// server reveals a smaller context), the chat slot (queued with the chat view's requests, KV
// cache reused where the prompt extends the previous one), tools by grammar on the local engine
// and natively on an OpenAI-compatible server. The adapter (src/vscode/lm/) only converts types.
import { randomUUID } from "node:crypto";
import type { PromptSegment } from "../../shared/engineProtocol";
import { runChat, type ChatRunOptions } from "../chat/chatRun";
import type { GenerateResult, InferenceBackend } from "../engineClient/types";
import { InvalidOptionsError, PromptTooLongError, RemoteEngineError } from "../errors";
import { toChatConversation, type LmMessage } from "./lmConversation";
import type { ToolMode, ToolSpec } from "../prompt/tools";
import { parseToolAnswer, toolAnswerSchema, toolSystemText, ToolAnswerStream } from "./toolAnswer";

export interface LmRequestOptions {
  messages: readonly LmMessage[];
  tools: readonly ToolSpec[];
  toolMode: ToolMode;
  /** mixtral.systemPrompt: used when the request carries no system text of its own. */
  systemPrompt: string;
  maxTokens: number;
  temperature: number;
  /** The context when the backend reports none (mixtral.contextSize), as in the chat view. */
  fallbackContextSize: number;
}

export type LmResponsePart =
  { type: "text"; text: string } | { type: "toolCall"; callId: string; name: string; input: Record<string, unknown> };

export interface LmResponse {
  result: GenerateResult;
  /** The prompt that was evaluated (for "Show Last Prompt"). */
  segments: PromptSegment[];
  promptTokens: number;
}

/** How a backend takes tools: the local engine by grammar, OpenAI-compatible servers natively;
 *  TGI's API here has neither (capabilities say so, and VS Code sends it no tools). */
export function toolSupport(kind: InferenceBackend["kind"]): "grammar" | "native" | "none" {
  return kind === "local" ? "grammar" : kind === "openai" ? "native" : "none";
}

export async function runLmRequest(
  backend: InferenceBackend,
  options: LmRequestOptions,
  onPart: (part: LmResponsePart) => void,
  signal?: AbortSignal,
  onPrompt?: (segments: PromptSegment[], promptTokens: number) => void,
): Promise<LmResponse> {
  const support = options.tools.length > 0 ? toolSupport(backend.kind) : "none";
  if (options.tools.length > 0 && support === "none") {
    throw new RemoteEngineError(
      `The ${backend.kind} engine cannot call tools.`,
      "Use the local engine or an OpenAI-compatible server (mixtral.engine) for agent mode.",
    );
  }
  const conversation = toChatConversation(options.messages);
  if (conversation.history.length === 0)
    throw new InvalidOptionsError("The request has no user message.", "Send a message with some text.");
  const grammarTools = support === "grammar";
  const system = [conversation.system || options.systemPrompt.trim(), grammarTools ? toolSystemText(options.tools, options.toolMode) : ""]
    .filter((t) => t !== "")
    .join("\n\n");
  const extra: ChatRunOptions["extra"] = grammarTools
    ? { jsonSchema: toolAnswerSchema(options.tools, options.toolMode) }
    : support === "native"
      ? { tools: [...options.tools], toolMode: options.toolMode }
      : undefined;
  const stream = grammarTools ? new ToolAnswerStream() : undefined;
  const { result, prompt } = await runChat(
    backend,
    {
      history: conversation.history,
      // Empty: buildChatPrompt's built-in system text, as in the chat view.
      systemPrompt: system,
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      fallbackContextSize: options.fallbackContextSize,
      extra,
      onPrompt: (p) => onPrompt?.(p.segments, p.promptTokens),
    },
    (text) => {
      const shown = stream ? stream.push(text) : text;
      if (shown) onPart({ type: "text", text: shown });
    },
    signal,
  ).catch((err: unknown) => {
    throw err instanceof PromptTooLongError ? tooLongForChat(err, options.tools.length) : err;
  });

  // A text answer was streamed as it came (cut short or not); a call is whole only now.
  if (stream && !stream.streamingText && result.stopReason !== "abort") {
    const answer = parseToolAnswer(result.text, options.tools);
    if (answer.kind === "toolCall") onPart({ type: "toolCall", callId: newCallId(), name: answer.name, input: answer.input });
    else onPart({ type: "text", text: answer.text });
  }
  for (const call of result.toolCalls ?? []) {
    onPart({ type: "toolCall", callId: call.id || newCallId(), name: call.name, input: parseArguments(call.name, call.arguments) });
  }
  return { result, segments: prompt.segments, promptTokens: prompt.promptTokens };
}

/** VS Code's chat sends its own instructions (and in Agent mode the description of every tool) with
 *  each request, so the user's message is rarely what overflows: say what takes the room and what
 *  to change. */
function tooLongForChat(err: PromptTooLongError, tools: number): PromptTooLongError {
  const what = tools > 0 ? `VS Code's instructions and ${tools} tool description${tools === 1 ? "" : "s"}` : "VS Code's instructions";
  return new PromptTooLongError(
    `The request does not fit Mixtral's context: ${err.tokens} tokens of prompt (${what} with your message), but only ${err.limit} fit (mixtral.contextSize ${err.contextSize}, less the answer's room).`,
    `Raise mixtral.contextSize (e.g. 32768)${tools > 0 ? ", or use Ask mode (no tools) or turn tools off in the chat's tool picker" : ""}, or shorten the message.`,
    err.tokens,
    err.limit,
    err.contextSize,
  );
}

function newCallId(): string {
  return `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`;
}

function parseArguments(name: string, text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // below
  }
  throw new RemoteEngineError(`The server called the tool "${name}" with arguments that are not a JSON object: ${text.slice(0, 200)}`);
}
