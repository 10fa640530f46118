// The bookkeeping of one streamed answer, shared by the TGI and OpenAI clients: client-side stop
// strings, chunks to the caller, and stats measured the way the local engine measures them
// (TTFT from the call, tokens per second over the tokens after the first).
import type { GenerateRequest, GenerateResult } from "../engineClient/types";
import type { StopReason } from "../../shared/engineProtocol";
import { StopFilter } from "./stopFilter";
import { completedResult } from "../engineClient/engineResults";

export interface ServerCounts {
  promptTokens?: number;
  /** Prompt tokens the server actually evaluated (llama-server reports its cache reuse). */
  evaluatedTokens?: number;
  generatedTokens?: number;
}

export class GenerationRun {
  private readonly started = performance.now();
  private firstTokenAt: number | undefined;
  private lastTokenAt: number | undefined;
  private readonly filter: StopFilter;
  /** Text given to onChunk so far. */
  text = "";
  /** Token events seen (a fallback when the server gives no count). */
  tokenEvents = 0;

  constructor(
    private readonly request: GenerateRequest,
    private readonly onChunk: (text: string) => void,
  ) {
    this.filter = new StopFilter(request.stopStrings ?? []);
  }

  /** True once anything was generated: from then on nothing is retried. */
  get hasOutput(): boolean {
    return this.firstTokenAt !== undefined;
  }

  get stopped(): boolean {
    return this.filter.stopped;
  }

  /** One generated piece (usually one token); returns true when a stop string ended the answer. */
  token(text: string): boolean {
    const now = performance.now();
    this.firstTokenAt ??= now;
    this.lastTokenAt = now;
    this.tokenEvents++;
    this.emit(this.filter.push(text));
    return this.filter.stopped;
  }

  private emit(text: string): void {
    if (!text) return;
    this.text += text;
    this.onChunk(text);
  }

  finish(stopReason: StopReason, counts: ServerCounts = {}, incompleteReason?: string): GenerateResult {
    // Text held back as a possible stop string start is real output unless a stop string hit.
    if (!this.filter.stopped && stopReason !== "abort") this.emit(this.filter.flush());
    const ended = performance.now();
    const generated = counts.generatedTokens ?? this.tokenEvents;
    const decodeMs = this.firstTokenAt !== undefined && this.lastTokenAt !== undefined ? this.lastTokenAt - this.firstTokenAt : 0;
    const promptTokens = counts.promptTokens ?? 0;
    const stats = {
      promptTokens,
      evaluatedTokens: counts.evaluatedTokens ?? promptTokens,
      generatedTokens: generated,
      ttftMs: this.firstTokenAt === undefined ? 0 : this.firstTokenAt - this.started,
      // The first token's time is prompt evaluation; the rate counts the tokens after it.
      tokensPerSecond: this.tokenEvents > 1 && decodeMs > 0 ? ((this.tokenEvents - 1) * 1000) / decodeMs : 0,
      totalMs: ended - this.started,
    };
    if (incompleteReason !== undefined) return { text: this.text, stopReason, stats, incomplete: true, incompleteReason };
    return completedResult(this.text, this.filter.stopped ? "stopString" : stopReason, stats, this.request.maxTokens);
  }
}
