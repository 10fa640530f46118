import * as assert from "node:assert/strict";
import { sleep } from "../../src/core/sleep";

describe("sleep", () => {
  it("resolves true when the time passed, false as soon as the signal aborts (also one aborted before)", async () => {
    assert.equal(await sleep(1), true);
    const c = new AbortController();
    const pending = sleep(60_000, c.signal);
    c.abort();
    assert.equal(await pending, false);
    assert.equal(await sleep(60_000, c.signal), false);
  });
});
