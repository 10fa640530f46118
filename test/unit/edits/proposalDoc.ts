// The document the proposal tests share (proposal*.test.ts): plain strings standing for it, every
// decision's edit applied to the string and reported back, as the vscode adapter does with the real one.
import * as assert from "node:assert/strict";
import { Proposal } from "../../../src/core/edits/proposal";
import type { TextEdit } from "../../../src/core/edits/regionEdits";

export const BEFORE = "// head\n";
export const AFTER = "// tail\n";
export const ORIGINAL = "function add(a, b) {\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}\n";
export const PROPOSED =
  "function add(a: number, b: number) {\n  return a + b;\n}\n\nfunction sub(a: number, b: number) {\n  return a - b;\n}\n";

/** A document as a string; `edit` applies a change and tells the proposal, like the adapter. */
export class Doc {
  constructor(
    public text: string,
    private readonly proposal: Proposal,
  ) {}
  edit(e: TextEdit | undefined) {
    assert.ok(e, "an edit was planned");
    this.text = this.text.slice(0, e.offset) + e.text + this.text.slice(e.offset + e.length);
    return this.proposal.documentChanged([e], (o, l) => this.text.slice(o, o + l));
  }
}

export function shown(original = ORIGINAL, proposed = PROPOSED) {
  const p = new Proposal(BEFORE.length, original, proposed);
  const doc = new Doc(BEFORE + original + AFTER, p);
  assert.equal(doc.edit(p.show()), "tracked");
  return { p, doc };
}
