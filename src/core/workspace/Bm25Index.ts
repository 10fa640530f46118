// BM25 over chunks in typed arrays: per term, the ids of the chunks holding it and the term's
// weighted count there (text ×1, defined names ×4, path ×1.5: BM25F's field weights folded into
// one count). minisearch (a radix tree of Maps) took 4x the time and ~40 KB per 10 chunks on a
// 17,000-file tree (712 MB for 95,000 chunks), too much for the 50,000-file goal; here a posting
// costs 8 bytes. Removed chunks are marked dead and their postings dropped by compact(), which runs
// once dead chunks pass a quarter of the total.
export const K1 = 1.2;
export const B = 0.75;

class Postings {
  ids: Int32Array;
  counts: Float32Array;
  length = 0;

  constructor(capacity = 4) {
    this.ids = new Int32Array(capacity);
    this.counts = new Float32Array(capacity);
  }

  push(id: number, count: number): void {
    if (this.length === this.ids.length) {
      const ids = new Int32Array(this.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const counts = new Float32Array(this.length * 2);
      counts.set(this.counts);
      this.counts = counts;
    }
    this.ids[this.length] = id;
    this.counts[this.length++] = count;
  }
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
    for (const [term, count] of counts) {
      let postings = this.terms.get(term);
      if (!postings) this.terms.set(term, (postings = new Postings()));
      postings.push(id, count);
    }
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
      for (let r = 0; r < p.length; r++) {
        if (!this.alive[p.ids[r]]) continue;
        p.ids[w] = p.ids[r];
        p.counts[w++] = p.counts[r];
      }
      p.length = w;
      if (!w) this.terms.delete(term);
    }
    this.deadCount = 0;
  }

  /** Chunk id → BM25 score for the (unique) query terms; chunks matching none are absent. */
  score(queryTerms: readonly string[]): Map<number, number> {
    const scores = new Map<number, number>();
    const n = Math.max(this.liveCount, 1);
    const avg = this.totalLength / n || 1;
    for (const term of queryTerms) {
      const p = this.terms.get(term);
      if (!p) continue;
      const df = p.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let i = 0; i < p.length; i++) {
        const id = p.ids[i];
        if (!this.alive[id]) continue;
        const tf = p.counts[i];
        const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.lengths[id]) / avg));
        scores.set(id, (scores.get(id) ?? 0) + s);
      }
    }
    return scores;
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
    for (const p of this.terms.values()) postings += p.length;
    const bytes = Buffer.alloc(8 + this.alive.length * 5 + termList.length * 4 + postings * 8);
    let o = bytes.writeUInt32LE(this.alive.length, 0);
    o = bytes.writeUInt32LE(termList.length, o);
    Buffer.from(this.lengths.buffer, this.lengths.byteOffset, this.lengths.length * 4).copy(bytes, o);
    o += this.lengths.length * 4;
    Buffer.from(this.alive.buffer, this.alive.byteOffset, this.alive.length).copy(bytes, o);
    o += this.alive.length;
    for (const term of termList) {
      const p = this.terms.get(term)!;
      o = bytes.writeUInt32LE(p.length, o);
      Buffer.from(p.ids.buffer, 0, p.length * 4).copy(bytes, o);
      o += p.length * 4;
      Buffer.from(p.counts.buffer, 0, p.length * 4).copy(bytes, o);
      o += p.length * 4;
    }
    return { termList, bytes };
  }

  /** The index from serialize()'s output; throws on bytes that do not fit the term list. */
  static deserialize(termList: readonly string[], bytes: Buffer): Bm25Index {
    const index = new Bm25Index();
    const fail = () => { throw new Error("the stored search index is malformed"); };
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
      if (index.alive[id] > 1) fail();
      if (index.alive[id]) { index.liveCount++; index.totalLength += index.lengths[id]; }
    }
    for (const term of termList) {
      if (o + 4 > bytes.length) fail();
      const n = bytes.readUInt32LE(o);
      o += 4;
      if (o + n * 8 > bytes.length) fail();
      const p = new Postings(Math.max(n, 1));
      new Uint8Array(p.ids.buffer).set(bytes.subarray(o, o + n * 4));
      new Uint8Array(p.counts.buffer).set(bytes.subarray(o + n * 4, o + n * 8));
      o += n * 8;
      p.length = n;
      for (let i = 0; i < n; i++) if (p.ids[i] < 0 || p.ids[i] >= capacity || !(p.counts[i] > 0 && p.counts[i] < 1e9)) fail();
      index.terms.set(term, p);
    }
    if (o !== bytes.length) fail();
    return index;
  }
}
