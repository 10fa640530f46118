// The edit history of next-edit suggestions: keystrokes coalesce into one diff, an edit elsewhere
// starts a new one, edits that undo themselves vanish, and the history stays bounded.
import * as assert from "node:assert/strict";
import { EditHistory, unifiedDiff } from "../../../src/core/nextEdit/editHistory";

/** Types `word` one character at a time at `offset` of `text`, recording each keystroke. */
function type(history: EditHistory, path: string, text: string, offset: number, word: string): string {
  let current = text;
  for (let i = 0; i < word.length; i++) {
    const after = current.slice(0, offset + i) + word[i] + current.slice(offset + i);
    const line = after.slice(0, offset + i).split("\n").length - 1;
    history.record({ path, before: current, after, startLine: line, endLine: line });
    current = after;
  }
  return current;
}

const FILE = "function area(w, h) {\n  return w * h;\n}\n\nconst a = area(2, 3);\nconst b = area(4, 5);\n";

describe("nextEdit/editHistory", () => {
  it("coalesces typing on one line into one unified diff", () => {
    const h = new EditHistory();
    type(h, "src/geo.ts", FILE, FILE.indexOf("h) {") + 1, ", d");
    const diffs = h.diffs();
    assert.equal(diffs.length, 1);
    assert.equal(
      diffs[0].diff,
      "--- a/src/geo.ts\n+++ b/src/geo.ts\n@@ -1,3 +1,3 @@\n-function area(w, h) {\n+function area(w, h, d) {\n   return w * h;\n }",
    );
  });

  it("starts a new entry for an edit far away or in another file, newest last", () => {
    const h = new EditHistory();
    const t1 = type(h, "src/geo.ts", FILE, FILE.indexOf("h) {") + 1, ", d");
    type(h, "src/geo.ts", t1, t1.indexOf("4, 5") + 4, ", 6");
    type(h, "src/other.ts", "x\n", 1, "y");
    const diffs = h.diffs();
    assert.deepEqual(
      diffs.map((d) => d.path),
      ["src/geo.ts", "src/geo.ts", "src/other.ts"],
    );
    assert.match(diffs[1].diff, /^\+const b = area\(4, 5, 6\);$/m);
    assert.match(diffs[2].diff, /^\+xy$/m);
  });

  it("leaves out an edit that was undone, and keeps at most maxEntries", () => {
    const h = new EditHistory({ maxEntries: 2 });
    const typed = type(h, "a.ts", "abc\n", 3, "d");
    h.record({ path: "a.ts", before: typed, after: "abc\n", startLine: 0, endLine: 0 });
    assert.deepEqual(h.diffs(), []);
    for (const f of ["b.ts", "c.ts", "d.ts"]) type(h, f, "x\n", 1, "y");
    assert.deepEqual(
      h.diffs().map((d) => d.path),
      ["b.ts", "c.ts", "d.ts"],
      "two closed entries and the open one",
    );
    h.close();
    assert.deepEqual(
      h.diffs().map((d) => d.path),
      ["c.ts", "d.ts"],
    );
    h.clear();
    assert.deepEqual(h.diffs(), []);
  });

  it("cuts a huge diff and skips huge files", () => {
    const h = new EditHistory({ maxDiffChars: 100, maxFileChars: 10_000 });
    h.record({ path: "big.ts", before: "", after: "x".repeat(20_000), startLine: 0, endLine: 0 });
    assert.deepEqual(h.diffs(), []);
    h.record({ path: "paste.ts", before: "", after: "line\n".repeat(200), startLine: 0, endLine: 199 });
    const [d] = h.diffs();
    assert.ok(d.diff.length < 130 && d.diff.endsWith("… (diff cut)"));
    assert.equal(unifiedDiff("same.ts", "a\n", "a\n"), "");
  });
});
