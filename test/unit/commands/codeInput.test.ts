// What a command does with the selection before it becomes a prompt (CodeCommands → checkCodeInput):
// refuses binary and minified text with a message that says what to do, keeps the rest, and cuts a
// huge selection to its start and end around a marker.
import * as assert from "node:assert/strict";
import { checkCodeInput, type CodeInputCheck } from "../../../src/core/commands/codeInput";

const refused = (c: CodeInputCheck): string => (c.ok ? assert.fail(`accepted: ${c.code.slice(0, 60)}`) : c.reason);

describe("commands/codeInput", () => {
  it("keeps ordinary code whole, including non-ASCII text and an ANSI-coloured log line", () => {
    for (const code of [
      "const a = 1;\n\tconst b = '\u001b[31m';\n",
      "café 日本語 🚀\r\n",
      "\u001b[32mPASS\u001b[0m src/a.test.ts\n\u001b[31mFAIL\u001b[0m src/b.test.ts\n",
    ]) {
      assert.deepEqual(checkCodeInput(code), { ok: true, code, trimmed: false });
    }
  });

  it("refuses an empty selection, NUL bytes and control characters, saying what to do", () => {
    assert.match(refused(checkCodeInput(" \n\t")), /selection is empty — select some code/);
    assert.match(
      refused(checkCodeInput("PK\u0003\u0004\u0000\u0000")),
      /binary file \(it contains NUL bytes\); Mixtral can only work on text/,
    );
    assert.match(refused(checkCodeInput("\u0001\u0002\u0003abc\u0004\u0005\u0006")), /binary file \(many control characters\)/);
  });

  it("refuses minified code (most lines over the cap), not a file with one long line", () => {
    const minified = `line one\n${"a=1;".repeat(400)}\n`;
    assert.match(refused(checkCodeInput(minified)), /looks minified or generated \(lines over 1000 characters\); open the original source/);
    assert.equal(checkCodeInput(minified, { maxLineLength: 2000 }).ok, true);
    const handWritten = [...Array.from({ length: 20 }, (_, i) => `const v${i} = ${i};`), `const data = "${"x".repeat(1500)}";`].join("\n");
    assert.equal(checkCodeInput(handWritten).ok, true);
  });

  it("keeps a selection whole under the cap, else its start and end around a marker, cut at line ends", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `  const value${i} = compute(${i}); // line ${i}`);
    const code = ["function main() {", ...lines, "  return value399;", "}"].join("\n");
    assert.deepEqual(checkCodeInput(code, { maxChars: code.length }), { ok: true, code, trimmed: false });
    const cut = checkCodeInput(code, { maxChars: 4000 });
    assert.ok(cut.ok && cut.trimmed, JSON.stringify(cut).slice(0, 200));
    assert.ok(cut.code.length <= 4000 + 60, `${cut.code.length} characters`);
    assert.ok(cut.code.startsWith("function main() {\n  const value0 = compute(0);"));
    assert.ok(cut.code.endsWith("  return value399;\n}"), cut.code.slice(-40));
    const marker = /^… \[(\d+) lines \((\d+) characters\) omitted\] …$/m.exec(cut.code);
    assert.ok(marker, "the marker stands on its own line");
    const kept = cut.code.split("\n").filter((l) => l !== marker[0]);
    assert.equal(kept.length + Number(marker[1]), code.split("\n").length, "whole lines are kept or left out");
    for (const line of kept) assert.ok(code.split("\n").includes(line), `a line was cut in the middle: ${line}`);
    assert.match(
      cut.notice,
      new RegExp(
        `too large \\(${code.length.toLocaleString("en-US")} characters\\); its start and end were sent, ${marker[1]} lines in the middle were left out`,
      ),
    );
  });
});
