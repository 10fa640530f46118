// The proposal model on plain strings standing for the document: every decision's edit is applied
// to the string and reported back, as the vscode adapter does with the real document.
import * as assert from "node:assert/strict";
import { diffHunks } from "../../../src/core/edits/hunks";
import { followRegion } from "../../../src/core/edits/regionEdits";
import { AFTER, BEFORE, ORIGINAL, PROPOSED, shown } from "./proposalDoc";

describe("edit proposals (core/edits)", () => {
  it("cuts two separate changes into two hunks, unchanged lines between them", () => {
    const { hunks, chunks } = diffHunks(ORIGINAL, PROPOSED);
    assert.deepEqual(hunks, [
      { removed: ["function add(a, b) {\n"], added: ["function add(a: number, b: number) {\n"] },
      { removed: ["function sub(a, b) {\n"], added: ["function sub(a: number, b: number) {\n"] },
    ]);
    assert.deepEqual(
      chunks.map((c) => c.kind),
      ["hunk", "same", "hunk", "same"],
    );
  });

  it("shows each hunk as its original lines followed by the proposed ones, with their line numbers", () => {
    const { p, doc } = shown();
    assert.equal(
      doc.text,
      BEFORE +
        "function add(a, b) {\nfunction add(a: number, b: number) {\n  return a + b;\n}\n\nfunction sub(a, b) {\nfunction sub(a: number, b: number) {\n  return a - b;\n}\n" +
        AFTER,
    );
    assert.ok(p.pending);
    assert.deepEqual(
      p.layout.map((l) => [l.removedLine, l.removedCount, l.addedLine, l.addedCount]),
      [
        [0, 1, 1, 1],
        [5, 1, 6, 1],
      ],
    );
  });

  it("accepts one hunk and rejects the other, each as one exact minimal edit", () => {
    const { p, doc } = shown();
    const accept = p.accept(0);
    assert.deepEqual(accept, { offset: BEFORE.length, length: "function add(a, b) {\n".length, text: "" });
    assert.equal(doc.edit(accept), "tracked");
    assert.deepEqual(p.decisions, ["accepted", "pending"]);
    const reject = p.reject(1);
    assert.equal(reject?.text, "");
    assert.equal(doc.edit(reject), "tracked");
    assert.equal(doc.text, BEFORE + ORIGINAL.replace("add(a, b)", "add(a: number, b: number)") + AFTER);
    assert.equal(p.pending, false, "nothing left to decide");
    assert.equal(p.accept(0), undefined, "a decided hunk plans nothing");
  });

  it("accepts all: the document holds the proposal exactly", () => {
    const { p, doc } = shown();
    doc.edit(p.acceptAll());
    assert.equal(doc.text, BEFORE + PROPOSED + AFTER);
  });

  it("rejects all, after one accepted: only the pending hunk goes back", () => {
    const { p, doc } = shown();
    doc.edit(p.accept(1));
    doc.edit(p.rejectAll());
    assert.equal(doc.text, BEFORE + ORIGINAL.replace("sub(a, b)", "sub(a: number, b: number)") + AFTER);
  });

  it("rejects all: the original comes back exactly, a last line without a terminator and CRLF included", () => {
    for (const [original, proposed] of [
      [ORIGINAL, PROPOSED],
      ["a\r\nb\r\nc", "a\r\nB\r\nc\r\nd"],
      ["x", "y"],
      ["keep\n", "new\nkeep\n"],
    ]) {
      const { p, doc } = shown(original, proposed);
      assert.ok(p.pending, `pending for ${JSON.stringify(original)}`);
      doc.edit(p.rejectAll());
      assert.equal(doc.text, BEFORE + original + AFTER);
      const again = shown(original, proposed);
      const accept = again.p.acceptAll();
      // A pure insertion is already in place while pending: accepting it changes no text.
      if (accept) again.doc.edit(accept);
      assert.equal(again.doc.text, BEFORE + proposed + AFTER);
      assert.equal(again.p.pending, false);
    }
  });

  it("shifts when the document changes before it, and ignores changes after it", () => {
    const { p, doc } = shown();
    const text = p.text;
    assert.equal(doc.edit({ offset: 0, length: 0, text: "// typed above\n" }), "outside");
    assert.equal(p.start, BEFORE.length + "// typed above\n".length);
    assert.equal(doc.edit({ offset: doc.text.length, length: 0, text: "// typed below\n" }), "outside");
    assert.equal(p.text, text);
    doc.edit(p.acceptAll());
    assert.equal(doc.text, "// typed above\n" + BEFORE + PROPOSED + AFTER + "// typed below\n");
  });

  it("takes typing right after its last line as outside", () => {
    const { p, doc } = shown();
    assert.equal(doc.edit({ offset: p.end, length: 0, text: "x" }), "outside");
    doc.edit(p.rejectAll());
    assert.equal(doc.text, BEFORE + ORIGINAL + "x" + AFTER);
  });

  it("is cancelled by an edit inside it, keeping the user's text and planning nothing more", () => {
    const { p, doc } = shown();
    const at = p.start + p.text.indexOf("return a + b");
    assert.equal(doc.edit({ offset: at, length: 0, text: "/* mine */ " }), "cancelled");
    const kept = doc.text;
    assert.ok(kept.includes("/* mine */ return a + b"));
    assert.equal(p.pending, false);
    assert.equal(p.acceptAll(), undefined);
    assert.equal(p.rejectAll(), undefined);
    assert.equal(doc.text, kept);
  });

  it("follows one event of several changes, as VS Code may split an edit: its own, and the user's around it", () => {
    const { p, doc } = shown();
    assert.ok(p.acceptAll(), "planned as one edit");
    // Which lands as two separate changes of one event (offsets before the event).
    const first = p.start;
    const second = p.start + p.text.indexOf("function sub(a, b) {\n");
    const changes = [
      { offset: second, length: "function sub(a, b) {\n".length, text: "" },
      { offset: first, length: "function add(a, b) {\n".length, text: "" },
      { offset: 0, length: 0, text: "// above\n" },
    ];
    for (const c of changes) doc.text = doc.text.slice(0, c.offset) + c.text + doc.text.slice(c.offset + c.length);
    assert.equal(
      p.documentChanged(changes, (o, l) => doc.text.slice(o, o + l)),
      "tracked",
    );
    assert.deepEqual(p.decisions, ["accepted", "accepted"]);
    assert.equal(doc.text, "// above\n" + BEFORE + PROPOSED + AFTER);
  });

  it("is cancelled by an edit across its boundary", () => {
    const { p, doc } = shown();
    assert.equal(doc.edit({ offset: p.start - 2, length: 4, text: "" }), "cancelled");
  });

  it("recognises Undo and Redo of its own edits: the hunk is pending again, then accepted again", () => {
    const { p, doc } = shown();
    const before = doc.text;
    const accept = p.accept(0)!;
    doc.edit(accept);
    const after = doc.text;
    // Undo: the inverse of the accept edit.
    assert.equal(
      doc.edit({ offset: accept.offset, length: accept.text.length, text: before.slice(accept.offset, accept.offset + accept.length) }),
      "tracked",
    );
    assert.equal(doc.text, before);
    assert.deepEqual(p.decisions, ["pending", "pending"]);
    doc.edit({ offset: accept.offset, length: accept.length, text: accept.text });
    assert.equal(doc.text, after);
    assert.deepEqual(p.decisions, ["accepted", "pending"]);
  });

  it("handles a pure insertion at the region's start and end as its own", () => {
    const { p, doc } = shown("b\n", "a\nb\nc\n");
    assert.equal(p.hunks.length, 2);
    assert.equal(doc.text, BEFORE + "a\nb\nc\n" + AFTER);
    doc.edit(p.reject(0));
    doc.edit(p.reject(1));
    assert.equal(doc.text, BEFORE + "b\n" + AFTER);
  });
});

describe("the selected region while the answer is generated (followRegion)", () => {
  const region = { start: 10, length: 20 };
  it("shifts with an edit before it, stays for an edit after it or typing right after it", () => {
    assert.deepEqual(followRegion(region, { offset: 0, length: 2, text: "abcde" }), { start: 13, length: 20 });
    assert.deepEqual(followRegion(region, { offset: 10, length: 0, text: "x" }), { start: 11, length: 20 });
    assert.deepEqual(followRegion(region, { offset: 30, length: 0, text: "x" }), region);
    assert.deepEqual(followRegion(region, { offset: 40, length: 5, text: "" }), region);
  });
  it("is lost to an edit inside it or across its edges", () => {
    assert.equal(followRegion(region, { offset: 15, length: 0, text: "x" }), undefined);
    assert.equal(followRegion(region, { offset: 8, length: 3, text: "" }), undefined);
    assert.equal(followRegion(region, { offset: 29, length: 2, text: "" }), undefined);
  });
});
