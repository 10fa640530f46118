// The next-edit benchmark's cases: from a multi-hunk edit, one case per consecutive pair of hunks,
// the cursor at the end of the user's hunk, and the forced region (the next hunk applied) giving
// exactly the expected file through the product's diff → suggestion.
import * as assert from "node:assert/strict";
import { applySuggestion, suggestionFromRegions } from "../../../src/core/nextEdit/suggestion";
import type { Edit } from "../../../bench/lib/editCorpus";
import { nextEditCases, rewrittenRegionOf } from "../../../bench/lib/nextEditCases";

const before = ["def area(w, h):", "    return w * h", "", "", "print(area(2, 3))", "x = 1", "print(area(4, 5))", "print('done')", ""].join(
  "\n",
);
const after = before
  .replace("def area(w, h):", "def area(w, h, s):")
  .replace("area(2, 3)", "area(2, 3, 1)")
  .replace("area(4, 5)", "area(4, 5, 1)");
const edit: Edit = {
  id: "demo-00000000",
  repo: "o/r",
  commit: "0".repeat(40),
  path: "geo.py",
  license: "MIT",
  language: "python",
  instruction: "add s",
  before,
  after,
};

describe("bench/nextEditCases", () => {
  it("makes one case per consecutive pair of hunks; each forced region gives exactly the next file", () => {
    const { cases, outside } = nextEditCases([edit]);
    assert.equal(outside, 0);
    assert.deepEqual(
      cases.map((c) => c.id),
      ["demo-00000000#1", "demo-00000000#2"],
    );
    const [first, second] = cases;
    assert.equal(first.edited, before.replace("def area(w, h):", "def area(w, h, s):"));
    assert.equal(first.edited.slice(0, first.cursor), "def area(w, h, s):", "the cursor at the end of the user's hunk");
    assert.equal(second.before, first.edited);
    assert.equal(second.next, after);
    for (const c of cases) {
      const s = suggestionFromRegions(c.region.text, rewrittenRegionOf(c), c.region.start)!;
      assert.equal(applySuggestion(c.edited, s), c.next);
    }
  });

  it("leaves out a case whose next hunk is outside the editable region", () => {
    const far = `${before}${"pass\n".repeat(60)}y = 1\n`;
    const { cases, outside } = nextEditCases([
      { ...edit, before: far, after: far.replace("def area(w, h):", "def area(w, h, s):").replace("y = 1", "y = 2") },
    ]);
    assert.deepEqual([cases.length, outside], [0, 1]);
  });
});
