import * as assert from "node:assert/strict";
import { parseRetryAfter } from "../../src/core/retryAfter";

describe("Retry-After", () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 0);

  it("seconds (fractions too), and each of the three HTTP-date forms; a date already past is 0", () => {
    assert.equal(parseRetryAfter("2"), 2000);
    assert.equal(parseRetryAfter(" 120 "), 120_000);
    assert.equal(parseRetryAfter("1.5"), 1500);
    assert.equal(parseRetryAfter(["3", "9"]), 3000);
    assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now), 37_000);
    assert.equal(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now), 37_000);
    assert.equal(parseRetryAfter("Sun Nov  6 08:49:37 1994", now), 37_000);
    assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), 0);
  });

  it("absent or malformed is undefined (the caller's back-off applies), never 'retry now'", () => {
    // Date.parse reads "-3" and "1.5x" as dates in 2001, which would mean "retry at once".
    for (const bad of [undefined, "", "soon", "-3", "1.5x", "12abc", "1e3", "in 5 minutes", "Someday, maybe"]) {
      assert.equal(parseRetryAfter(bad, now), undefined, JSON.stringify(bad));
    }
  });
});
