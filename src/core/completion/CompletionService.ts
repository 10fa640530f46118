// The inline-completion pipeline without VS Code: context → cache → prompt → scheduler → engine
// → post-processing → cache. The adapter in src/vscode/completion feeds it snapshots and an
// AbortSignal and shows whatever suggestion comes back.
import type { InferenceBackend } from "../engineClient/types";
import { CompletionCache, type CacheOptions } from "./completionCache";
import { buildCompletionContext, snippetQuery, type CompletionContext, type ContextOptions } from "./completionContext";
import { segmentsForModel } from "../prompt/chatTemplate";
import { buildCompletionPrompt, completionText, type CompletionPrompt } from "./completionPrompt";
import { isMultiline } from "./multiline";
import { postProcess } from "./postprocess";
import { RequestScheduler } from "./requestScheduler";
import { selectSnippets, type Snippet, type SnippetOptions } from "./snippets";
import type { CompletionOutcome, CompletionSettings, CursorSnapshot, DocumentSnapshot, NoCompletionReason } from "./types";

export interface CompletionServiceOptions {
  getBackend(signal: AbortSignal): Promise<InferenceBackend>;
  /** Read on every request, so setting changes apply at once. */
  settings(): CompletionSettings;
  /** Every prompt sent to the model, in its format (for "Show Last Prompt" and the log). */
  onPrompt?: (prompt: CompletionPrompt) => void;
  /** True while a completion runs in the engine (the status bar's "thinking"). */
  onBusyChange?: (busy: boolean) => void;
  context?: Partial<ContextOptions>;
  snippets?: Partial<SnippetOptions>;
  cache?: Partial<CacheOptions>;
}

export interface CompletionStats {
  requests: number;
  cacheHits: number;
  typedAheadHits: number;
  modelRequests: number;
  suggestions: number;
  discarded: Record<string, number>;
  /** Prompt tokens the engine evaluated / prompt tokens sent, summed over model requests. */
  evaluatedTokens: number;
  promptTokens: number;
  peakRunning: number;
}

export class CompletionService {
  readonly cache: CompletionCache;
  private readonly scheduler: RequestScheduler;
  private snippetMemo?: { key: string; snippets: Snippet[] };
  private readonly counters: Omit<CompletionStats, "peakRunning"> = {
    requests: 0,
    cacheHits: 0,
    typedAheadHits: 0,
    modelRequests: 0,
    suggestions: 0,
    discarded: {},
    evaluatedTokens: 0,
    promptTokens: 0,
  };

  constructor(private readonly options: CompletionServiceOptions) {
    this.cache = new CompletionCache(options.cache);
    this.scheduler = new RequestScheduler(options.onBusyChange);
  }

  get stats(): CompletionStats {
    return { ...this.counters, discarded: { ...this.counters.discarded }, peakRunning: this.scheduler.peakActive };
  }

  /** Builds the prompt a request at `doc` would send (for tests, the benchmark and "Show Last Prompt"). */
  preparePrompt(
    doc: CursorSnapshot,
    others: readonly DocumentSnapshot[],
  ): { ctx: CompletionContext; prompt: CompletionPrompt; multiline: boolean } {
    const settings = this.options.settings();
    const ctx = buildCompletionContext(doc, this.options.context);
    const multiline = isMultiline(ctx, settings.multiline);
    const prompt = buildCompletionPrompt(ctx, this.snippetsFor(doc, others), { multiline, template: settings.template });
    return { ctx, prompt, multiline };
  }

  /** A suggestion from the cache (exact or typed ahead), without waiting or asking the engine:
   *  the adapter calls this before its debounce so a cached answer shows at once. */
  cached(doc: CursorSnapshot): CompletionOutcome | undefined {
    const hit = this.cache.get(buildCompletionContext(doc, this.options.context));
    if (!hit) return undefined;
    this.counters.requests++;
    if (hit.typed > 0) this.counters.typedAheadHits++;
    else this.counters.cacheHits++;
    return { kind: "suggestion", text: hit.text, source: hit.typed > 0 ? "typedAhead" : "cache" };
  }

  async complete(doc: CursorSnapshot, others: readonly DocumentSnapshot[], signal: AbortSignal): Promise<CompletionOutcome> {
    const hit = this.cached(doc);
    if (hit) return hit;
    this.counters.requests++;
    const { ctx, prompt, multiline } = this.preparePrompt(doc, others);

    const settings = this.options.settings();
    let scheduled;
    try {
      scheduled = await this.scheduler.run(async (s) => {
        const backend = await this.options.getBackend(s);
        this.counters.modelRequests++;
        const segments = segmentsForModel(prompt.messages, prompt.segments, backend.modelInfo(), { continueAssistant: true });
        this.options.onPrompt?.({ ...prompt, segments });
        return backend.generate(
          { slot: "completion", prompt: segments, maxTokens: settings.maxTokens, temperature: 0, stopStrings: prompt.stopStrings },
          () => {},
          s,
        );
      }, signal);
    } catch (error) {
      if (signal.aborted) return this.none("aborted");
      return { ...this.none("failed"), error };
    }
    const result = scheduled.value;
    // An aborted request still evaluated its prompt: count it, the benchmark reports it.
    if (result) {
      this.counters.evaluatedTokens += result.stats.evaluatedTokens;
      this.counters.promptTokens += result.stats.promptTokens;
    }
    if (!scheduled.ok) return this.none(scheduled.reason);
    if (!result || result.stopReason === "abort") return this.none("aborted");

    const processed = postProcess(completionText(result.text, prompt.strippedWhitespace), ctx, { multiline, fence: prompt.fence });
    if (!processed.ok) return this.none(processed.reason);
    this.cache.set(ctx, processed.text);
    this.counters.suggestions++;
    return {
      kind: "suggestion",
      text: processed.text,
      source: "model",
      evaluatedTokens: result.stats.evaluatedTokens,
      promptTokens: result.stats.promptTokens,
    };
  }

  private none(reason: NoCompletionReason): Extract<CompletionOutcome, { kind: "none" }> {
    this.counters.discarded[reason] = (this.counters.discarded[reason] ?? 0) + 1;
    return { kind: "none", reason };
  }

  /** Snippets change only when the query (grid-snapped, see completionContext) or the other
   *  documents change, which keeps the prompt's prefix (and the engine's KV cache) stable. */
  private snippetsFor(doc: CursorSnapshot, others: readonly DocumentSnapshot[]): Snippet[] {
    const candidates = others.filter((d) => d.uri !== doc.uri);
    if (candidates.length === 0) return [];
    const query = snippetQuery(doc);
    const key = query + "\u0000" + candidates.map((d) => `${d.uri}:${d.text.length}:${hash(d.text)}`).join("|");
    if (this.snippetMemo?.key === key) return this.snippetMemo.snippets;
    const snippets = selectSnippets(query, candidates, this.options.snippets);
    this.snippetMemo = { key, snippets };
    return snippets;
  }
}

/** FNV-1a over the text: a cheap change detector for the snippet memo. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
