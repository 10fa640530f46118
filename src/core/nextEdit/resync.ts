// Early stop. The model rewrites the whole editable region, but most of it is a copy: once the
// answer has made its change and then run back into the region's original text for a few lines,
// the rest of the answer is (almost always) the rest of the original, so generation stops there
// and the original supplies the remaining lines. One change per suggestion, then: a second change
// further down the region is found by the next request (the prefetch after an accept asks at once).
//
// The rule: the answer's last `lines` complete lines equal original lines j-lines … j-1 for exactly
// one j at or after the point where the answer first differed, and those lines are not blank (a
// run of "}" or empty lines proves nothing). Until both hold, generation goes on.

export interface ResyncOptions {
  /** Matching lines after the change needed to stop. Default 3. */
  lines?: number;
  /** Non-blank characters the matching lines need together. Default 12. */
  minChars?: number;
}

export interface Resync {
  /** Complete answer lines to keep. */
  answerLines: number;
  /** The original line (0-based, in the region) the rest is taken from. */
  originalLine: number;
}

const bare = (line: string) => line.replace(/\r?\n$/, "");

/** Where the answer (its complete lines so far) re-joins the original after a change, if it has. */
export function findResync(original: readonly string[], answer: readonly string[], options: ResyncOptions = {}): Resync | undefined {
  const k = Math.max(1, options.lines ?? 3);
  const minChars = options.minChars ?? 12;
  const m = answer.length;
  let p = 0;
  while (p < m && p < original.length && bare(answer[p]) === bare(original[p])) p++;
  // No change yet, or the window would reach back into the unchanged prefix.
  if (p === m || m - k < p) return undefined;
  const window = answer.slice(m - k).map(bare);
  if (window.join("").replace(/\s+/g, "").length < minChars) return undefined;
  let found: number | undefined;
  for (let j = p + k; j <= original.length; j++) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = bare(original[j - k + i]) === window[i];
    if (!same) continue;
    if (found !== undefined) return undefined; // Ambiguous: wait for more lines.
    found = j;
  }
  return found === undefined ? undefined : { answerLines: m, originalLine: found };
}

/** Follows a streamed answer line by line; `resync` is set once it has re-joined the original. */
export class ResyncDetector {
  private text = "";
  private complete: string[] = [];
  resync: Resync | undefined;

  constructor(
    private readonly original: readonly string[],
    private readonly options: ResyncOptions = {},
  ) {}

  /** Adds streamed text; true when this chunk completed the re-sync (stop generating now). */
  push(chunk: string): boolean {
    if (this.resync) return false;
    this.text += chunk;
    const nl = this.text.lastIndexOf("\n");
    if (nl < 0) return false;
    const lines = this.text.slice(0, nl + 1).split(/(?<=\n)/);
    if (lines.length === this.complete.length) return false;
    // Each newly completed line is a point the answer might re-join at: check them in order.
    for (let n = this.complete.length + 1; n <= lines.length; n++) {
      const r = findResync(this.original, lines.slice(0, n), this.options);
      if (r) {
        this.complete = lines.slice(0, n);
        this.resync = r;
        return true;
      }
    }
    this.complete = lines;
    return false;
  }

  /** The region rewritten: the answer's lines up to the re-sync, then the original from there. */
  merged(): string | undefined {
    const r = this.resync;
    if (!r) return undefined;
    return this.complete.slice(0, r.answerLines).join("") + this.original.slice(r.originalLine).join("");
  }
}
