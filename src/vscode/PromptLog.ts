// What "Mixtral: Show Last Prompt" shows: the last prompt any feature sent (chat, a command, an
// inline completion), rendered as text, with the engine's exact token count once it has used it.
import { renderPromptText } from "../core/prompt/mixtralFormat";
import type { GenerationStats, PromptSegment } from "../shared/engineProtocol";

export interface LastPrompt {
  feature: string;
  segments: PromptSegment[];
  text: string;
  tokenCount?: number;
  /** The engine's figures for the answer to this prompt, once it has finished. */
  stats?: GenerationStats;
  /** What the prompt carries from the workspace: instruction files, retrieved code and attached
   *  code as "path:start-end", definitions from other files. */
  sources?: string[];
  at: number;
}

/** "; workspace context: AGENTS.md, src/a.ts:1-20" for Show Last Prompt's header, or "". */
export function describeSources(sources: readonly string[] | undefined): string {
  return sources?.length ? `; workspace context: ${sources.join(", ")}` : "";
}

/** "speculative decoding: 231 of 310 drafted tokens accepted in 12 drafts, 143 tok/s", or
 *  undefined when the answer used none. */
export function describeSpeculation(stats: GenerationStats | undefined): string | undefined {
  const s = stats?.speculation;
  if (!s) return undefined;
  const rate = stats.tokensPerSecond > 0 ? `, ${stats.tokensPerSecond.toFixed(1)} tok/s` : "";
  return s.drafts === 0
    ? `speculative decoding: no draft paid (nothing long enough to copy)${rate}`
    : `speculative decoding: ${s.accepted} of ${s.proposed} drafted tokens accepted in ${s.drafts} drafts${rate}`;
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

  /** The answer to that prompt finished with these figures. */
  finished(segments: readonly PromptSegment[], stats: GenerationStats): void {
    if (this.latest && this.latest.segments === segments) this.latest.stats = stats;
  }
}
