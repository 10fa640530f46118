// The BM25 index's query cost bound: a question scores its most selective terms only, so a word
// that most chunks contain costs nothing, and a question of common words still finds something.
import * as assert from "node:assert/strict";
import { Bm25Index, COMMON_FRACTION, COMMON_MIN_DF, MAX_QUERY_TERMS } from "../../../src/core/workspace/Bm25Index";

function indexOf(chunks: number, termsOf: (id: number) => string[]): Bm25Index {
  const index = new Bm25Index();
  for (let id = 0; id < chunks; id++) index.add(id, [[termsOf(id), 1]]);
  return index;
}

describe("Bm25Index query terms", () => {
  const chunks = Math.ceil(COMMON_MIN_DF / COMMON_FRACTION) + 100;

  it("skips a term that most chunks contain when rarer terms are asked for", () => {
    const index = indexOf(chunks, (id) => (id % 1000 === 7 ? ["the", "session", "revoke"] : ["the", "other", `w${id}`]));
    const { ids } = index.score(["the", "revoke"]);
    assert.deepEqual(
      ids.sort((a, b) => a - b),
      [...Array(chunks).keys()].filter((id) => id % 1000 === 7),
    );
  });

  it("a question of common words only still scores its rarest one", () => {
    const index = indexOf(chunks, (id) => (id % 2 ? ["the", "session"] : ["the"]));
    const { ids, scores } = index.score(["the", "session"]);
    assert.equal(ids.length, Math.floor(chunks / 2));
    assert.ok(ids.every((id) => id % 2 === 1 && scores[id] > 0));
  });

  it("scores every term of a short question in a small index, common or not", () => {
    const index = indexOf(10, (id) => (id < 8 ? ["session", `w${id}`] : ["token"]));
    assert.equal(index.score(["session", "token"]).ids.length, 10);
  });

  it("scores at most MAX_QUERY_TERMS terms, the rarest", () => {
    const words = Array.from({ length: MAX_QUERY_TERMS + 5 }, (_, i) => `t${i}`);
    // Term t<i> is in chunks 0..i: the higher i, the more common.
    const index = indexOf(words.length, (id) => words.slice(id));
    const { ids } = index.score(words);
    assert.equal(ids.length, MAX_QUERY_TERMS);
  });
});
