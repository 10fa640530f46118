// Diff → suggestion: the smallest replacement between the region and its rewrite, nothing for an
// unchanged answer, line endings kept, and applying it gives the rewrite exactly.
import * as assert from "node:assert/strict";
import { applySuggestion, suggestionFromRegions } from "../../../src/core/nextEdit/suggestion";

describe("nextEdit/suggestion", () => {
  it("is the smallest replacement; applying it gives the rewritten region", () => {
    const doc = "// head\nconst a = area(2, 3);\nconst b = area(4, 5);\n";
    const start = doc.indexOf("const");
    const region = doc.slice(start);
    const rewritten = region.replace("area(4, 5)", "area(4, 5, 1)");
    const s = suggestionFromRegions(region, rewritten, start)!;
    assert.deepEqual(s, {
      start: doc.indexOf("5)", doc.indexOf("area(4")) + 1,
      end: doc.indexOf("5)", doc.indexOf("area(4")) + 1,
      removed: "",
      inserted: ", 1",
    });
    assert.equal(applySuggestion(doc, s), doc.slice(0, start) + rewritten);
  });

  it("replaces and deletes across lines", () => {
    const region = "a\nold one\nold two\nz\n";
    const s = suggestionFromRegions(region, "a\nnew\nz\n", 10)!;
    assert.equal(s.removed, "old one\nold two");
    assert.equal(s.inserted, "new");
    assert.equal(applySuggestion("x".repeat(10) + region, s), "x".repeat(10) + "a\nnew\nz\n");
    const del = suggestionFromRegions("a\nb\nc\n", "a\nc\n", 0)!;
    assert.equal(applySuggestion("a\nb\nc\n", del), "a\nc\n");
  });

  it("suggests nothing for an unchanged answer, and keeps CRLF line endings", () => {
    assert.equal(suggestionFromRegions("same\n", "same\n", 0), undefined);
    assert.equal(suggestionFromRegions("a\r\nb\r\n", "a\nb\n", 0), undefined, "only the model's line endings differ");
    const s = suggestionFromRegions("a\r\nb\r\n", "a\nb\nc\n", 0)!;
    assert.equal(applySuggestion("a\r\nb\r\n", s), "a\r\nb\r\nc\r\n");
  });
});
