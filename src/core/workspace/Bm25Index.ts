// BM25 over chunks in typed arrays: per term one Int32Array holding its posting count, then
// (chunk id, weighted count × 2) pairs (text ×1, defined names ×4, path ×1.5: BM25F's field
// weights folded into one count, doubled so that it stays an integer). minisearch (a radix tree of
// Maps) took 4x the time to add and ~10x the memory on a 17,000-file tree (712 MB for 95,000
// chunks); here a posting costs 8 bytes and a term one small array. Removed chunks are marked
// dead and their postings dropped by compact(), once dead chunks pass a quarter of the total.
import { detachString } from "./strings";

export const K1 = 1.2;
export const B = 0.75;
/**
 * A query scores its MAX_QUERY_TERMS rarest terms, and of those skips any that occur in more than
 * COMMON_FRACTION of the chunks (once past COMMON_MIN_DF, so a small index keeps them): BM25 gives
 * such a term little weight (idf ≈ 3 against ≈ 10 for a rare one), yet walking its postings was
 * most of a long question's cost (322,000 postings for one term on a 66,000-file folder).
 */
export const MAX_QUERY_TERMS = 32;
export const COMMON_FRACTION = 0.05;
export const COMMON_MIN_DF = 2000;

/** [length, id0, count0, id1, count1, ...], grown by doubling. */
type Postings = Int32Array;

function push(map: Map<string, Postings>, term: string, p: Postings | undefined, id: number, count2: number): void {
  if (!p) {
    p = new Int32Array(3);
    map.set(detachString(term), p);
  } else if (1 + 2 * (p[0] + 1) > p.length) {
    const grown = new Int32Array(Math.max(3, (p.length - 1) * 2 + 1));
    grown.set(p);
    map.set(term, (p = grown));
  }
  const n = p[0];
  p[1 + 2 * n] = id;
  p[2 + 2 * n] = count2;
  p[0] = n + 1;
}

/** One chunk to index: its terms with their weights (a term may repeat; counts add up). */
export type WeightedTerms = ReadonlyArray<readonly [terms: readonly string[], weight: number]>;

export class Bm25Index {
  private readonly terms = new Map<string, Postings>();
  private lengths = new Float32Array(1024);
  private alive = new Uint8Array(1024);
  private liveCount = 0;
  private deadCount = 0;
  private totalLength = 0;

  get size(): number {
    return this.liveCount;
  }

  has(id: number): boolean {
    return id < this.alive.length && this.alive[id] === 1;
  }

  add(id: number, fields: WeightedTerms): void {
    if (this.has(id)) throw new Error(`chunk ${id} is already indexed`);
    this.ensure(id);
    const counts = new Map<string, number>();
    let length = 0;
    for (const [terms, weight] of fields) {
      for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + weight);
      length += terms.length * weight;
    }
    for (const [term, count] of counts) push(this.terms, term, this.terms.get(term), id, Math.round(count * 2));
    this.lengths[id] = length;
    this.alive[id] = 1;
    this.liveCount++;
    this.totalLength += length;
  }

  remove(id: number): void {
    if (!this.has(id)) return;
    this.alive[id] = 0;
    this.liveCount--;
    this.deadCount++;
    this.totalLength -= this.lengths[id];
    if (this.deadCount > 1000 && this.deadCount > this.liveCount / 4) this.compact();
  }

  /** Drops dead chunks' postings (and terms left without any). */
  compact(): void {
    for (const [term, p] of this.terms) {
      let w = 0;
      for (let r = 0; r < p[0]; r++) {
        if (!this.alive[p[1 + 2 * r]]) continue;
        p[1 + 2 * w] = p[1 + 2 * r];
        p[2 + 2 * w++] = p[2 + 2 * r];
      }
      p[0] = w;
      if (!w) this.terms.delete(term);
    }
    this.deadCount = 0;
  }

  /**
   * BM25 scores for the (unique) query terms: `ids` lists each chunk that matches any term once,
   * `scores[id]` holds its score (a dense array: far faster than a Map for common terms).
   */
  score(queryTerms: readonly string[]): { ids: number[]; scores: Float64Array } {
    const scores = new Float64Array(this.alive.length);
    const ids: number[] = [];
    const n = Math.max(this.liveCount, 1);
    const avg = this.totalLength / n || 1;
    for (const p of this.selectiveTerms(queryTerms, n)) {
      const df = p[0];
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let i = 0; i < df; i++) {
        const id = p[1 + 2 * i];
        if (!this.alive[id]) continue;
        const tf = p[2 + 2 * i] / 2;
        if (scores[id] === 0) ids.push(id);
        scores[id] += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.lengths[id]) / avg));
      }
    }
    return { ids, scores };
  }

  /** The postings of the query's most selective terms (see MAX_QUERY_TERMS), rarest first. */
  private selectiveTerms(queryTerms: readonly string[], n: number): Postings[] {
    const found: Postings[] = [];
    for (const term of queryTerms) {
      const p = this.terms.get(term);
      if (p) found.push(p);
    }
    found.sort((a, b) => a[0] - b[0]);
    const common = Math.max(COMMON_MIN_DF, COMMON_FRACTION * n);
    // Always at least the rarest term, so a question of only common words still finds something.
    return found.slice(0, MAX_QUERY_TERMS).filter((p, i) => i === 0 || p[0] <= common);
  }

  private ensure(id: number): void {
    if (id < this.alive.length) return;
    let size = this.alive.length;
    while (size <= id) size *= 2;
    const lengths = new Float32Array(size);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const alive = new Uint8Array(size);
    alive.set(this.alive);
    this.alive = alive;
  }

  /** The index as bytes (for the stored index): terms in `termList` order, then their postings. */
  serialize(): { termList: string[]; bytes: Buffer } {
    this.compact();
    const termList = [...this.terms.keys()];
    let postings = 0;
    for (const p of this.terms.values()) postings += p[0];
    const bytes = Buffer.alloc(8 + this.alive.length * 5 + termList.length * 4 + postings * 8);
    let o = bytes.writeUInt32LE(this.alive.length, 0);
    o = bytes.writeUInt32LE(termList.length, o);
    o += Buffer.from(this.lengths.buffer, this.lengths.byteOffset, this.lengths.length * 4).copy(bytes, o);
    o += Buffer.from(this.alive.buffer, this.alive.byteOffset, this.alive.length).copy(bytes, o);
    for (const term of termList) {
      const p = this.terms.get(term)!;
      o += Buffer.from(p.buffer, p.byteOffset, (1 + 2 * p[0]) * 4).copy(bytes, o);
    }
    return { termList, bytes };
  }

  /** The index from serialize()'s output; throws on bytes that do not fit the term list. */
  static deserialize(termList: readonly string[], bytes: Buffer): Bm25Index {
    const index = new Bm25Index();
    const fail = () => {
      throw new Error("the stored search index is malformed");
    };
    if (bytes.length < 8) fail();
    const capacity = bytes.readUInt32LE(0);
    if (bytes.readUInt32LE(4) !== termList.length || 8 + capacity * 5 > bytes.length) fail();
    let o = 8;
    index.lengths = new Float32Array(capacity);
    new Uint8Array(index.lengths.buffer).set(bytes.subarray(o, o + capacity * 4));
    o += capacity * 4;
    index.alive = Uint8Array.from(bytes.subarray(o, o + capacity));
    o += capacity;
    for (let id = 0; id < capacity; id++) {
      if (index.alive[id] > 1 || !(index.lengths[id] >= 0)) fail();
      if (index.alive[id]) {
        index.liveCount++;
        index.totalLength += index.lengths[id];
      }
    }
    for (const term of termList) {
      if (o + 4 > bytes.length) fail();
      const n = bytes.readUInt32LE(o);
      const size = (1 + 2 * n) * 4;
      if (n < 1 || o + size > bytes.length) fail();
      const p = new Int32Array(1 + 2 * n);
      new Uint8Array(p.buffer).set(bytes.subarray(o, o + size));
      o += size;
      for (let i = 0; i < n; i++) if (p[1 + 2 * i] < 0 || p[1 + 2 * i] >= capacity || !(p[2 + 2 * i] > 0)) fail();
      index.terms.set(term, p);
    }
    if (o !== bytes.length) fail();
    return index;
  }
}
