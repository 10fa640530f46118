// A proposal streamed line by line and a proposal saved, on plain strings standing for the document
// (proposalDoc.ts): every decision's edit is applied to the string and reported back, as the vscode
// adapter does with the real document.
import * as assert from "node:assert/strict";
import { streamingHunks } from "../../../src/core/edits/hunks";
import { Proposal } from "../../../src/core/edits/proposal";
import { AFTER, BEFORE, Doc, ORIGINAL, PROPOSED, shown } from "./proposalDoc";

describe("a proposal streamed line by line (core/edits)", () => {
  /** Streams `answer` into a new proposal over ORIGINAL, one complete line at a time, applying each
   *  planned edit to the document string; returns the renderings seen. */
  function streamed(answer: string, upTo = answer.length) {
    const p = new Proposal(BEFORE.length, ORIGINAL);
    const doc = new Doc(BEFORE + ORIGINAL + AFTER, p);
    const seen: string[] = [];
    for (let i = answer.indexOf("\n"); i !== -1 && i < upTo; i = answer.indexOf("\n", i + 1)) {
      const e = p.stream(answer.slice(0, i + 1));
      if (e) assert.equal(doc.edit(e), "tracked");
      seen.push(p.text);
    }
    return { p, doc, seen };
  }

  it("keeps every original line in the document while the answer grows: the lines not reached yet are the tail", () => {
    const { p, seen } = streamed(PROPOSED, PROPOSED.indexOf("  return a - b;"));
    assert.ok(p.streaming);
    assert.equal(p.pending, false, "nothing to decide while it streams");
    for (const text of seen) {
      const kept = text.split(/(?<=\n)/).filter((l) => ORIGINAL.includes(l));
      assert.ok(
        ORIGINAL.split(/(?<=\n)/).every((l) => kept.includes(l)),
        `every original line is in ${JSON.stringify(text)}`,
      );
    }
    // First line written: it is added above the whole original, which is all tail.
    assert.equal(seen[0], "function add(a: number, b: number) {\n" + ORIGINAL);
    // Up to the second signature: the first hunk is whole, the second has its added line only.
    assert.equal(
      p.text,
      "function add(a, b) {\nfunction add(a: number, b: number) {\n  return a + b;\n}\n\nfunction sub(a: number, b: number) {\nfunction sub(a, b) {\n  return a - b;\n}\n",
    );
    assert.deepEqual(p.tail, { line: 6, count: 3 });
    assert.deepEqual(
      p.layout.map((l) => [l.removedLine, l.removedCount, l.addedLine, l.addedCount]),
      [
        [0, 1, 1, 1],
        [5, 0, 5, 1],
      ],
    );
  });

  it("finishes with the complete answer's hunks, all pending, and decides as a shown proposal", () => {
    const { p, doc } = streamed(PROPOSED);
    assert.equal(p.finish(PROPOSED), undefined, "the last line's rendering is already the complete one: no edit at the end");
    assert.equal(p.streaming, false);
    assert.deepEqual(p.decisions, ["pending", "pending"]);
    assert.equal(p.tail, undefined);
    doc.edit(p.accept(0));
    doc.edit(p.reject(1));
    assert.equal(doc.text, BEFORE + ORIGINAL.replace("add(a, b)", "add(a: number, b: number)") + AFTER);
  });

  it("remembers a few renderings however long the answer, and still tracks Undo of the whole stream", () => {
    const long = Array.from({ length: 400 }, (_, i) => `const v${i} = ${i};\n`).join("");
    const { p, doc } = streamed(long);
    assert.ok(p.renderingsKept <= 3, `${p.renderingsKept} renderings kept after 400 streamed lines`);
    const last = p.finish(long);
    if (last) doc.edit(last);
    assert.ok(p.pending);
    // Undo of the stream (one Undo step in the editor): the original text comes back.
    const undo = { offset: BEFORE.length, length: p.text.length, text: ORIGINAL };
    assert.equal(doc.edit(undo), "tracked");
    assert.equal(doc.text, BEFORE + ORIGINAL + AFTER);
  });

  it("abandoned mid-stream (cancel, engine failure) gives back the original exactly, in one edit", () => {
    for (const original of [ORIGINAL, "a\r\nb\r\nc", "last line without a terminator"]) {
      const p = new Proposal(BEFORE.length, original);
      const doc = new Doc(BEFORE + original + AFTER, p);
      doc.edit(p.stream("new first line\nb\n"));
      assert.notEqual(doc.text, BEFORE + original + AFTER);
      assert.equal(doc.edit(p.abandon()), "tracked");
      assert.equal(doc.text, BEFORE + original + AFTER);
      assert.equal(p.active, false);
      assert.equal(p.stream("more\n"), undefined, "nothing more is shown");
    }
  });

  it("typing inside the region mid-stream cancels it; the proposed lines the user did not touch are planned away, the user's text stays", () => {
    const { p, doc } = streamed(PROPOSED, PROPOSED.indexOf("  return a - b;"));
    // The user types in an original line (in the tail) and into the first proposed line.
    const inTail = p.start + p.text.lastIndexOf("  return a - b;");
    const inAdded = p.start + p.text.indexOf("a: number") + 1;
    const changes = [
      { offset: inTail, length: 0, text: "/* mine */" },
      { offset: inAdded, length: 0, text: "x" },
    ];
    for (const c of changes) doc.text = doc.text.slice(0, c.offset) + c.text + doc.text.slice(c.offset + c.length);
    assert.equal(
      p.documentChanged(changes, (o, l) => doc.text.slice(o, o + l)),
      "cancelled",
    );
    assert.equal(p.strays.length, 1, "one untouched proposed line: the second signature");
    for (const e of p.strays) doc.text = doc.text.slice(0, e.offset) + e.text + doc.text.slice(e.offset + e.length);
    assert.equal(
      doc.text,
      BEFORE +
        "function add(a, b) {\nfunction add(ax: number, b: number) {\n  return a + b;\n}\n\nfunction sub(a, b) {\n/* mine */  return a - b;\n}\n" +
        AFTER,
    );
  });

  it("matches a repeated line at its first occurrence, so the tail does not jump ahead", () => {
    const d = streamingHunks("a\nb\n}\nc\nd\n}\n", "A\n}\n");
    assert.deepEqual(
      d.chunks.map((c) => c.kind),
      ["hunk", "same", "tail"],
    );
    assert.deepEqual(d.hunks, [{ removed: ["a\n", "b\n"], added: ["A\n"] }]);
  });
});

describe("a proposal saved (core/edits)", () => {
  it("plans the text without its proposed lines for the save, then shows them again", () => {
    const { p, doc } = shown();
    doc.edit(p.accept(0));
    const save = p.planSave()!;
    assert.equal(doc.edit(save.strip), "tracked");
    assert.equal(
      doc.text,
      BEFORE + ORIGINAL.replace("add(a, b)", "add(a: number, b: number)") + AFTER,
      "the accepted change kept, the pending one's proposed line out",
    );
    assert.equal(doc.edit(save.restore()), "tracked");
    assert.deepEqual(p.decisions, ["accepted", "pending"]);
    assert.ok(p.pending);
  });

  it("mid-stream: the original for the save, then the lines so far again", () => {
    const p = new Proposal(BEFORE.length, ORIGINAL);
    const doc = new Doc(BEFORE + ORIGINAL + AFTER, p);
    doc.edit(p.stream("function add(a: number, b: number) {\n  return a + b;\n"));
    const shownText = doc.text;
    const save = p.planSave()!;
    doc.edit(save.strip);
    assert.equal(doc.text, BEFORE + ORIGINAL + AFTER);
    assert.ok(p.streaming, "still streaming");
    doc.edit(save.restore());
    assert.equal(doc.text, shownText);
  });
});
