// One next-edit request without VS Code: region → prompt → the backend (chat slot, input-lookup
// speculative decoding "auto", greedy) → early stop once the answer re-joins the original →
// the suggestion. One request at a time: a newer one (or cancel(), on any edit) aborts the
// pending one at once, which frees the engine's slot within one step. The adapter in
// src/vscode/nextEdit feeds it documents and shows what comes back; the benchmark calls it as is.
import type { GenerationStats, PromptSegment } from "../../shared/engineProtocol";
import type { InferenceBackend } from "../engineClient/types";
import { segmentsForModel } from "../prompt/chatTemplate";
import type { EditEntry } from "./editHistory";
import { buildNextEditPrompt, rewrittenRegion, type NextEditPrompt } from "./nextEditPrompt";
import { chooseRegion, linesOf, type EditableRegion, type RegionOptions } from "./region";
import { ResyncDetector, type ResyncOptions } from "./resync";
import { suggestionFromRegions, type NextEditSuggestion } from "./suggestion";

export interface NextEditDocument {
  path: string;
  languageId: string;
  text: string;
  /** The cursor, as a document offset. */
  cursor: number;
}

export interface NextEditSettings {
  /** `mixtral.prompts.nextEdit` ("" = built-in). */
  template: string;
  /** `mixtral.speculativeDecoding` ("auto" by default: input lookup pays most on exactly this
   *  answer, a copy of the region); the benchmark compares "off". */
  speculation: "auto" | "off";
}

export interface NextEditServiceOptions {
  getBackend(signal: AbortSignal): Promise<InferenceBackend>;
  /** Read per request. */
  settings(): NextEditSettings;
  /** Every prompt sent, in the model's format (Show Last Prompt). */
  onPrompt?(prompt: NextEditPrompt, segments: PromptSegment[]): void;
  region?: RegionOptions;
  resync?: ResyncOptions;
  /** Benchmarks only: the tokens the model must write (GenerateOptions.forceTokens), given the
   *  prompt; the answer budget is then their count. */
  forceTokens?(segments: PromptSegment[], prompt: NextEditPrompt, region: EditableRegion): Promise<number[] | undefined>;
}

export interface NextEditFigures {
  region: EditableRegion;
  stats: GenerationStats;
  /** The answer re-joined the original and generation stopped there. */
  earlyStopped: boolean;
  /** Region lines the answer did not have to write. */
  linesSaved: number;
  /** From the request to the suggestion being ready. */
  ms: number;
}

export type NextEditOutcome =
  | { kind: "suggestion"; suggestion: NextEditSuggestion; figures: NextEditFigures }
  | { kind: "none"; reason: "unchanged" | "aborted" | "incomplete"; figures?: NextEditFigures }
  | { kind: "failed"; error: unknown };

export class NextEditService {
  private pending: AbortController | undefined;

  constructor(private readonly o: NextEditServiceOptions) {}

  /** Aborts the pending request, if any (a newer edit came). */
  cancel(): void {
    this.pending?.abort();
    this.pending = undefined;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  async suggest(doc: NextEditDocument, edits: readonly EditEntry[], signal?: AbortSignal): Promise<NextEditOutcome> {
    this.cancel();
    const mine = new AbortController();
    this.pending = mine;
    const stop = () => mine.abort();
    signal?.addEventListener("abort", stop);
    if (signal?.aborted) mine.abort();
    const started = performance.now();
    try {
      return await this.run(doc, edits, mine, started);
    } catch (error) {
      if (mine.signal.aborted) return { kind: "none", reason: "aborted" };
      return { kind: "failed", error };
    } finally {
      signal?.removeEventListener("abort", stop);
      if (this.pending === mine) this.pending = undefined;
    }
  }

  private async run(doc: NextEditDocument, edits: readonly EditEntry[], mine: AbortController, started: number): Promise<NextEditOutcome> {
    const region = chooseRegion(doc.text, doc.cursor, this.o.region);
    const settings = this.o.settings();
    const prompt = buildNextEditPrompt({ path: doc.path, languageId: doc.languageId, region, edits, template: settings.template });
    const backend = await this.o.getBackend(mine.signal);
    if (mine.signal.aborted) return { kind: "none", reason: "aborted" };
    const segments = segmentsForModel(prompt.messages, prompt.segments, backend.modelInfo(), { continueAssistant: true });
    this.o.onPrompt?.(prompt, segments);
    const original = linesOf(region.text);
    const detector = new ResyncDetector(original, this.o.resync);
    // Early stop aborts the request through its own controller: the engine frees the slot.
    const early = new AbortController();
    const onAbort = () => early.abort();
    mine.signal.addEventListener("abort", onAbort);
    const forcingStarted = performance.now();
    const forced = await this.o.forceTokens?.(segments, prompt, region);
    // The benchmark's tokenizing for the forced answer is not the product's time.
    const forcing = forced ? performance.now() - forcingStarted : 0;
    // The region copied once, with room for an inserted line or two (about 3 characters a token).
    const budget = forced?.length ?? Math.ceil(region.text.length / 2.5) + 64;
    let result;
    try {
      result = await backend.generate(
        {
          slot: "chat",
          prompt: segments,
          messages: prompt.messages,
          maxTokens: budget,
          temperature: 0,
          stopStrings: prompt.stopStrings,
          speculation: settings.speculation,
          forceTokens: forced,
        },
        (chunk) => {
          if (detector.push(chunk)) early.abort();
        },
        early.signal,
      );
    } finally {
      mine.signal.removeEventListener("abort", onAbort);
    }
    if (mine.signal.aborted) return { kind: "none", reason: "aborted" };
    const merged = detector.merged();
    const figures = (earlyStopped: boolean): NextEditFigures => ({
      region,
      stats: result.stats,
      earlyStopped,
      ms: performance.now() - started - forcing,
      linesSaved: earlyStopped && detector.resync ? original.length - detector.resync.originalLine : 0,
    });
    if (merged === undefined && (result.incomplete || result.stopReason === "abort" || result.stopReason === "maxTokens")) {
      // Cut short before it re-joined the original (too long, a lost connection): not a rewrite.
      return { kind: "none", reason: "incomplete", figures: figures(false) };
    }
    const rewritten = merged ?? rewrittenRegion(result.text, region);
    const suggestion = suggestionFromRegions(region.text, rewritten, region.start);
    if (!suggestion) return { kind: "none", reason: "unchanged", figures: figures(merged !== undefined) };
    return { kind: "suggestion", suggestion, figures: figures(merged !== undefined) };
  }
}
