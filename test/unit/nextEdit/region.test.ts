// The editable region: whole lines around the cursor, leaning downwards, clipped at the file's
// ends (the unused lines go to the other side), with read-only context around it.
import * as assert from "node:assert/strict";
import { chooseRegion } from "../../../src/core/nextEdit/region";

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}\n`).join("");
const offsetOfLine = (text: string, line: number) => text.split("\n").slice(0, line).join("\n").length + (line > 0 ? 1 : 0);

describe("nextEdit/region", () => {
  it("takes a quarter above the cursor line and the rest below, whole lines, with context", () => {
    const text = numbered(200);
    const r = chooseRegion(text, offsetOfLine(text, 100) + 3, { maxLines: 40, contextLines: 5 });
    assert.equal(r.startLine, 91);
    assert.equal(r.endLine, 131);
    assert.equal(r.text, text.slice(r.start, r.end));
    assert.ok(r.text.startsWith("line 91\n") && r.text.endsWith("line 130\n"));
    assert.equal(r.text.slice(r.cursor - 3, r.cursor), "lin");
    assert.equal(r.before, "line 86\nline 87\nline 88\nline 89\nline 90\n");
    assert.equal(r.after, "line 131\nline 132\nline 133\nline 134\nline 135\n");
  });

  it("is clipped at the start and the end of the file, keeping its size", () => {
    const text = numbered(100);
    const top = chooseRegion(text, 0, { maxLines: 40 });
    assert.deepEqual([top.startLine, top.endLine, top.before], [0, 40, ""]);
    const bottom = chooseRegion(text, text.length, { maxLines: 40 });
    assert.deepEqual([bottom.startLine, bottom.endLine, bottom.after], [60, 100, ""]);
    assert.equal(bottom.cursor, bottom.text.length);
  });

  it("is the whole file when the file is short, including a last line without a newline", () => {
    const text = "a\nb\nc";
    const r = chooseRegion(text, 3);
    assert.deepEqual([r.startLine, r.endLine, r.text, r.cursor], [0, 3, text, 3]);
    assert.equal(chooseRegion("", 0).text, "");
  });
});
