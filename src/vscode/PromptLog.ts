// What "Mixtral: Show Last Prompt" shows: the last prompt any feature sent (chat, a command, an
// inline completion), rendered as text, with the engine's exact token count once it has used it.
import { renderPromptText } from "../core/prompt/mixtralFormat";
import type { PromptSegment } from "../shared/engineProtocol";

export interface LastPrompt {
  feature: string;
  segments: PromptSegment[];
  text: string;
  tokenCount?: number;
  at: number;
}

export class PromptLog {
  private latest: LastPrompt | undefined;

  record(prompt: Omit<LastPrompt, "at" | "text">): void {
    this.latest = { ...prompt, text: renderPromptText(prompt.segments), at: Date.now() };
  }

  get last(): LastPrompt | undefined {
    return this.latest;
  }

  /** The engine counted the prompt it was given; the count is kept when that is the last one. */
  counted(segments: readonly PromptSegment[], tokens: number): void {
    if (this.latest && this.latest.segments === segments) this.latest.tokenCount = tokens;
  }
}
