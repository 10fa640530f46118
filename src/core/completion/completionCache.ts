// Recent suggestions keyed by the text around the cursor. A lookup also serves "typed ahead":
// when the user types the first characters of a suggestion, the text before the cursor is an old
// key plus those characters, and the rest of that suggestion is returned without a model request.
import type { CompletionContext } from "./completionContext";

export interface CacheOptions {
  /** Entries kept. Default 200. */
  maxEntries: number;
  /** Characters before the cursor in the key. Default 600. */
  beforeChars: number;
  /** Characters after the cursor in the key. Default 200. */
  afterChars: number;
  /** How far back (characters) typed-ahead looks for the suggestion being typed. Default 80. */
  maxTypedAhead: number;
}

export const DEFAULT_CACHE_OPTIONS: CacheOptions = { maxEntries: 200, beforeChars: 600, afterChars: 200, maxTypedAhead: 80 };

export interface CacheHit {
  text: string;
  /** Characters of the cached suggestion the user has typed since (0 = exact hit). */
  typed: number;
}

export class CompletionCache {
  private readonly entries = new Map<string, string>();
  private readonly o: CacheOptions;

  constructor(options: Partial<CacheOptions> = {}) {
    this.o = { ...DEFAULT_CACHE_OPTIONS, ...options };
  }

  get size(): number {
    return this.entries.size;
  }

  private key(languageId: string, before: string, after: string): string {
    return `${languageId}\u0000${before.slice(-this.o.beforeChars)}\u0000${after.slice(0, this.o.afterChars)}`;
  }

  private parts(ctx: CompletionContext): { before: string; after: string } {
    return { before: ctx.before + ctx.linePrefix, after: ctx.lineSuffix + "\n" + ctx.afterLines };
  }

  set(ctx: CompletionContext, text: string): void {
    const { before, after } = this.parts(ctx);
    const k = this.key(ctx.languageId, before, after);
    this.entries.delete(k);
    this.entries.set(k, text);
    // Map keeps insertion order: the first key is the least recently used.
    while (this.entries.size > this.o.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(ctx: CompletionContext): CacheHit | undefined {
    const { before, after } = this.parts(ctx);
    const limit = Math.min(this.o.maxTypedAhead, before.length);
    for (let typed = 0; typed <= limit; typed++) {
      const k = this.key(ctx.languageId, before.slice(0, before.length - typed), after);
      const text = this.entries.get(k);
      if (text === undefined) continue;
      const typedText = before.slice(before.length - typed);
      if (!text.startsWith(typedText) || text.length <= typed) continue;
      this.entries.delete(k);
      this.entries.set(k, text);
      return { text: text.slice(typed), typed };
    }
    return undefined;
  }

  clear(): void {
    this.entries.clear();
  }
}
