// The next-edit prompt: pinned by a golden file (UPDATE_GOLDEN=1 rewrites it after an intended
// change; review the diff), the user's template override, and a broken one falling back.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { EditHistory } from "../../../src/core/nextEdit/editHistory";
import { buildNextEditPrompt, CURSOR_MARKER, rewrittenRegion } from "../../../src/core/nextEdit/nextEditPrompt";
import { chooseRegion } from "../../../src/core/nextEdit/region";
import { renderPromptText } from "../../../src/core/prompt/mixtralFormat";
import { repoRoot } from "../../helpers/tinyModel";

function golden(name: string, actual: string): string {
  const file = path.join(repoRoot(), "test", "unit", "nextEdit", "golden", name);
  if (process.env.UPDATE_GOLDEN === "1") {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  return fs.readFileSync(file, "utf8");
}

const BEFORE = "def area(w, h):\n    return w * h\n\n\nprint(area(2, 3))\nprint(area(4, 5))\n";
const AFTER = BEFORE.replace("def area(w, h):", "def area(w, h, scale):");

function input(template = "") {
  const history = new EditHistory();
  history.record({ path: "geo.py", before: BEFORE, after: AFTER, startLine: 0, endLine: 0 });
  const region = chooseRegion(AFTER, AFTER.indexOf("scale") + 5, { maxLines: 4, contextLines: 2 });
  return { path: "geo.py", languageId: "python", region, edits: history.diffs(), template };
}

describe("nextEdit/nextEditPrompt", () => {
  it("golden: edit history as a diff, context, the region with the cursor marked, the primed answer", () => {
    const p = buildNextEditPrompt(input());
    const text = `${renderPromptText(p.segments)}\n`;
    assert.equal(text, golden("python-rename.txt", text));
    assert.equal(p.answerPrefix, "```python\n");
    assert.deepEqual(p.stopStrings, ["```", "[INST]"]);
    assert.equal(p.templateWarning, undefined);
  });

  it("uses the user's template (mixtral.prompts.nextEdit), and the built-in one when it is broken", () => {
    const custom = buildNextEditPrompt(input("Next edit in {{ filePath }}:\n{{ selection }}"));
    assert.equal(custom.messages[0].content, `Next edit in geo.py:\ndef area(w, h, scale${CURSOR_MARKER}):\n    return w * h\n\n`.trim());
    const broken = buildNextEditPrompt(input("{% if %}"));
    assert.ok(broken.templateWarning);
    assert.ok(broken.messages[0].content.startsWith("The user is editing geo.py (python)."));
  });

  it("takes the cursor marker out of the answer and keeps the region's last newline", () => {
    const region = chooseRegion("a\nb\n", 1);
    assert.equal(rewrittenRegion(`a${CURSOR_MARKER}\nb`, region), "a\nb\n");
    assert.equal(rewrittenRegion("a\nb\n", chooseRegion("a\nb", 1)), "a\nb");
  });
});
