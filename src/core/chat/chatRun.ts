// One chat answer on a backend, the pipeline of the Mixtral view (ChatController) and of VS Code's
// chat (runLmRequest): the context to fit (the backend's, else the adapter's fallback), the room
// kept for the answer, the conversation fitted into the rest (buildChatPrompt), and one retry when a
// server's refusal reveals a smaller context than it listed. Adapters convert and render.
import type { GenerateRequest, GenerateResult, InferenceBackend } from "../engineClient/types";
import type { ChatMessage } from "../prompt/mixtralFormat";
import { RemotePromptTooLongError } from "../remote/remoteErrors";
import { buildChatPrompt } from "./chatPrompt";

export type FittedChatPrompt = Awaited<ReturnType<typeof buildChatPrompt>>;

export interface ChatRunOptions {
  /** The conversation (its system messages are replaced by `systemPrompt`). */
  history: readonly ChatMessage[];
  /** The system text; empty: the built-in one. */
  systemPrompt: string;
  /** The answer's limit in tokens (mixtral.maxTokens, or the caller's). */
  maxTokens: number;
  temperature: number;
  /** The context when the backend reports none (a server that lists none): mixtral.contextSize. */
  fallbackContextSize: number;
  /** What the request carries beyond the prompt: a tool grammar, native tools. */
  extra?: Pick<GenerateRequest, "jsonSchema" | "tools" | "toolMode">;
  /** Each prompt as it goes out (a retry's too): for "Show Last Prompt" and notices. */
  onPrompt?: (prompt: FittedChatPrompt) => void;
  /** Before the retry: the context the server stated, and the one the first prompt assumed. */
  onRefit?: (contextSize: number, assumed: number) => void;
}

export interface ChatRun {
  result: GenerateResult;
  /** The prompt that was evaluated. */
  prompt: FittedChatPrompt;
}

/** The answer's room: the limit asked for, at most half the context, at least one token. */
export function answerRoom(contextSize: number, maxTokens: number): number {
  return Math.max(1, Math.min(maxTokens, Math.floor(contextSize / 2)));
}

export async function runChat(
  backend: InferenceBackend,
  options: ChatRunOptions,
  onChunk: (text: string) => void,
  signal?: AbortSignal,
): Promise<ChatRun> {
  let produced = false;
  const forward = (text: string) => {
    produced ||= text !== "";
    onChunk(text);
  };
  for (let attempt = 1; ; attempt++) {
    const contextSize = backend.modelInfo()?.contextSize ?? options.fallbackContextSize;
    const prompt = await buildChatPrompt(options.history, {
      systemPrompt: options.systemPrompt,
      contextSize,
      reserveTokens: answerRoom(contextSize, options.maxTokens),
      countTokens: (texts) => backend.countTokens(texts, signal),
      model: backend.modelInfo(),
    });
    options.onPrompt?.(prompt);
    const request: GenerateRequest = {
      slot: "chat",
      prompt: prompt.segments,
      messages: prompt.messages,
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      ...options.extra,
    };
    try {
      return { result: await backend.generate(request, forward, signal), prompt };
    } catch (err) {
      // A server that did not report its context (or listed a larger one than it runs with)
      // states its limit when it refuses: fit the conversation to it and try once more.
      const learned = backend.modelInfo()?.contextSize;
      if (attempt > 1 || produced || !(err instanceof RemotePromptTooLongError) || learned === undefined || learned >= contextSize)
        throw err;
      options.onRefit?.(learned, contextSize);
    }
  }
}
