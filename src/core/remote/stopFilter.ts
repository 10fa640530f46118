// Client-side stop strings, so every server stops the same way the local engine does: the text
// before the earliest stop string is kept, the stop string itself is not, and text that might be the
// start of a stop string is held back until the next chunk decides.

export class StopFilter {
  private held = "";
  private hitAt = -1;

  constructor(private readonly stops: readonly string[]) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  get stopped(): boolean {
    return this.hitAt >= 0;
  }

  /** Adds generated text; returns the part that is safe to show now. */
  push(text: string): string {
    if (this.stopped) return "";
    const all = this.held + text;
    let first = -1;
    for (const s of this.stops) {
      const i = all.indexOf(s);
      if (i >= 0 && (first < 0 || i < first)) first = i;
    }
    if (first >= 0) {
      this.hitAt = first;
      this.held = "";
      return all.slice(0, first);
    }
    // Hold back the longest tail that is a proper prefix of some stop string.
    let keep = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, all.length); n > keep; n--) {
        if (all.endsWith(s.slice(0, n))) {
          keep = n;
          break;
        }
      }
    }
    this.held = all.slice(all.length - keep);
    return all.slice(0, all.length - keep);
  }

  /** At the end of the answer: whatever was held back was not a stop string after all. */
  flush(): string {
    const out = this.held;
    this.held = "";
    return out;
  }
}
