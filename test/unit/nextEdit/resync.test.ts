// Early stop: the answer has made its change and re-joined the region's original text for a few
// lines, so generation can stop and the original supplies the rest, exactly as if written out.
import * as assert from "node:assert/strict";
import { findResync, ResyncDetector } from "../../../src/core/nextEdit/resync";
import { linesOf } from "../../../src/core/nextEdit/region";

const ORIGINAL = [
  "function total(items) {",
  "  let sum = 0;",
  "  for (const item of items) {",
  "    sum += item.price * item.count;",
  "  }",
  "  logTotal(sum, items.length);",
  "  return roundCents(sum);",
  "}",
  "",
  "export function tax(items) {",
  "  return total(items) * 0.2;",
  "}",
]
  .map((l) => `${l}\n`)
  .join("");

/** Streams `answer` in pieces of `size` characters; returns the merged region and how much was read. */
function stream(original: string, answer: string, size = 5): { merged?: string; read: number } {
  const d = new ResyncDetector(linesOf(original));
  for (let at = 0; at < answer.length; at += size) {
    if (d.push(answer.slice(at, at + size))) return { merged: d.merged(), read: at + size };
  }
  return { merged: d.merged(), read: answer.length };
}

describe("nextEdit/resync (early stop)", () => {
  for (const [name, rewrite] of [
    ["a changed line", (t: string) => t.replace("item.price * item.count", "item.price * item.quantity")],
    ["a deleted line", (t: string) => t.replace("  logTotal(sum, items.length);\n", "")],
    ["inserted lines", (t: string) => t.replace("  let sum = 0;\n", "  let sum = 0;\n  if (!items) return 0;\n  // guarded\n")],
  ] as const) {
    it(`stops after ${name} once three lines match again, and the merge equals the full rewrite`, () => {
      const rewritten = rewrite(ORIGINAL);
      const { merged, read } = stream(ORIGINAL, rewritten);
      assert.equal(merged, rewritten);
      assert.ok(read < rewritten.length - 20, `stopped early (read ${read} of ${rewritten.length})`);
    });
  }

  it("does not stop before the answer changed anything", () => {
    assert.equal(findResync(linesOf(ORIGINAL), linesOf(ORIGINAL)), undefined);
    assert.equal(stream(ORIGINAL, ORIGINAL).merged, undefined);
  });

  it("waits while the matching lines are blank or closing braces, or occur twice", () => {
    const original = linesOf("a();\n}\n}\n\n}\nb();\nc();\nd();\n");
    const answer = linesOf("x();\n}\n}\n\n");
    assert.equal(findResync(original, answer), undefined, "blank-ish window");
    const repeated = linesOf("start();\nfoo(1);\nbar(2);\nbaz(3);\nfoo(1);\nbar(2);\nbaz(3);\nend();\n");
    assert.equal(findResync(repeated, linesOf("begin();\nfoo(1);\nbar(2);\nbaz(3);\n")), undefined, "ambiguous window");
    // One more line makes the window unique (bar, baz, foo occurs once in the original): the rest is the original.
    assert.deepEqual(findResync(repeated, linesOf("begin();\nfoo(1);\nbar(2);\nbaz(3);\nfoo(1);\n")), { answerLines: 5, originalLine: 5 });
  });

  it("reads to the end when the change is in the last lines (no early stop, the whole answer counts)", () => {
    const rewritten = ORIGINAL.replace("* 0.2", "* 0.25");
    assert.equal(stream(ORIGINAL, rewritten).merged, undefined);
  });
});
