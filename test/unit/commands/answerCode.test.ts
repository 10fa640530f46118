import * as assert from "node:assert/strict";
import { extractCode, looksLikeProse, reindent, streamedCode } from "../../../src/core/commands/answerCode";
import { guessTestFramework } from "../../../src/core/commands/testFramework";

describe("commands: code from answers", () => {
  it("takes the longest fenced block and its language", () => {
    const answer = "Here:\n```ts\nconst a = 1;\n```\nand the full version:\n```typescript\nfunction f() {\n  return 2;\n}\n```\nDone.";
    const r = extractCode(answer);
    assert.equal(r?.code, "function f() {\n  return 2;\n}");
    assert.equal(r?.language, "typescript");
    assert.equal(r?.unfenced, false);
  });

  it("takes an unclosed fence from an answer cut short", () => {
    assert.equal(extractCode("Sure:\n```py\ndef f():\n    return 1")?.code, "def f():\n    return 1");
  });

  it("takes bare code whole but refuses prose", () => {
    assert.deepEqual(extractCode("x = f(y);\nreturn x;"), { code: "x = f(y);\nreturn x;", unfenced: true });
    assert.equal(extractCode("I cannot refactor this code because it is already fine."), undefined);
    assert.equal(extractCode("   "), undefined);
    assert.equal(looksLikeProse("Sure, here is the code you asked for."), true);
  });

  it("streams the first fenced block's complete lines as the answer is written, up to its closing fence", () => {
    const answer = "Typed:\n\n```ts\nfunction f(a: number) {\n  return a;\n}\n```\nThe type is number.\n";
    const code = extractCode(answer)!.code + "\n";
    let last = "";
    for (let n = 0; n <= answer.length; n++) {
      const partial = answer.slice(0, n);
      const s = streamedCode(partial);
      if (!partial.includes("```ts\n")) {
        assert.equal(s, undefined, `nothing before the fence opens: ${JSON.stringify(partial)}`);
        continue;
      }
      assert.ok(
        s !== undefined && code.startsWith(s) && (s === "" || s.endsWith("\n")),
        `complete lines of the code only: ${JSON.stringify(s)}`,
      );
      assert.ok(s.length >= last.length, "it only grows");
      last = s;
    }
    assert.equal(last, code, "once the fence closes, the block's code");
    assert.equal(streamedCode("~~~~\na\n~~~\nb\n"), "a\n~~~\nb\n", "a shorter fence does not close a longer one");
  });

  it("re-indents to the replaced range's indentation", () => {
    assert.equal(reindent("    if (a) {\n      b();\n    }", "  "), "  if (a) {\n    b();\n  }");
    assert.equal(reindent("a\n\n  b", "\t"), "\ta\n\n\t  b");
  });
});

describe("commands: test framework guess", () => {
  it("reads package.json dependencies", () => {
    assert.equal(
      guessTestFramework({ languageId: "typescript", files: [], packageJson: JSON.stringify({ devDependencies: { vitest: "1" } }) }),
      "Vitest",
    );
    assert.equal(
      guessTestFramework({ languageId: "javascript", files: [], packageJson: JSON.stringify({ devDependencies: { mocha: "1" } }) }),
      "Mocha",
    );
    assert.match(guessTestFramework({ languageId: "typescript", files: [], packageJson: "{broken" }), /node:test/);
  });
  it("recognises pytest and unittest", () => {
    assert.equal(guessTestFramework({ languageId: "python", files: ["tests/conftest.py"] }), "pytest");
    assert.equal(guessTestFramework({ languageId: "python", files: ["a.py"], pythonConfig: "" }), "unittest");
    assert.equal(guessTestFramework({ languageId: "python", files: [], pythonConfig: "[tool.pytest.ini_options]" }), "pytest");
  });
  it("names language defaults", () => {
    assert.match(guessTestFramework({ languageId: "rust", files: [] }), /cargo test/);
    assert.match(guessTestFramework({ languageId: "go", files: [] }), /go test/);
  });
});
