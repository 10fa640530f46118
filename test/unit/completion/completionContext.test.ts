import * as assert from "node:assert/strict";
import { buildCompletionContext, snippetQuery } from "../../../src/core/completion/completionContext";
import { isMultiline } from "../../../src/core/completion/multiline";
import { selectSnippets } from "../../../src/core/completion/snippets";
import { contextAt, snapshotAt } from "./cursor";

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line${i}();`).join("\n");

describe("completion context", () => {
  it("splits the cursor line into prefix and suffix and keeps it out of `before`", () => {
    const ctx = contextAt("a();\nfoo(█x);\nb();\n");
    assert.equal(ctx.before, "a();\n");
    assert.equal(ctx.linePrefix, "foo(");
    assert.equal(ctx.lineSuffix, "x);");
    assert.equal(ctx.afterLines, "b();");
  });

  it("snaps the start of the before-window to a grid so Enter rarely moves it", () => {
    const text = numbered(200);
    const starts = new Set<number>();
    for (let line = 96; line < 112; line++) {
      starts.add(
        buildCompletionContext({ uri: "u", path: "p", languageId: "ts", text, line, character: 0 }, { beforeLines: 48, windowStep: 16 })
          .windowStart,
      );
    }
    assert.deepEqual([...starts], [48]);
    const ctx = buildCompletionContext(
      { uri: "u", path: "p", languageId: "ts", text, line: 112, character: 0 },
      { beforeLines: 48, windowStep: 16 },
    );
    assert.equal(ctx.windowStart, 64);
    assert.ok(ctx.before.startsWith("line64();\n") && ctx.before.endsWith("line111();\n"));
  });

  it("caps the before-window in characters by whole grid steps", () => {
    const text = Array.from({ length: 100 }, () => "x".repeat(99)).join("\n");
    const ctx = buildCompletionContext(
      { uri: "u", path: "p", languageId: "ts", text, line: 99, character: 0 },
      { maxBeforeChars: 2000, windowStep: 8 },
    );
    assert.ok(ctx.before.length <= 2000);
    assert.equal(ctx.windowStart % 8, 0);
  });

  it("caps the after-window in lines", () => {
    const ctx = buildCompletionContext(
      { uri: "u", path: "p", languageId: "ts", text: numbered(50), line: 2, character: 0 },
      { afterLines: 3 },
    );
    assert.equal(ctx.afterLines, "line3();\nline4();\nline5();");
  });

  it("keeps the snippet query unchanged within a grid step", () => {
    const text = numbered(100);
    const q = (line: number) => snippetQuery({ uri: "u", path: "p", languageId: "ts", text, line, character: 0 });
    assert.equal(q(40), q(47));
    assert.notEqual(q(47), q(48));
  });
});

describe("snippets from other files", () => {
  const docs = [
    {
      uri: "a",
      path: "src/cart.ts",
      languageId: "typescript",
      text: "export function cartTotal(items: Item[]) {\n  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n}\n",
    },
    {
      uri: "b",
      path: "src/log.ts",
      languageId: "typescript",
      text: "export function logLine(message: string) {\n  process.stdout.write(message + '\\n');\n}\n",
    },
    { uri: "c", path: "README.md", languageId: "markdown", text: "# Title\n\nSome words.\n" },
  ];

  it("picks the most similar code and leaves unrelated files out", () => {
    const picked = selectSnippets("const total = items.map((item) => item.price * item.quantity)", docs);
    assert.deepEqual(
      picked.map((s) => s.path),
      ["src/cart.ts"],
    );
    assert.match(picked[0].text, /item\.price/);
  });

  it("respects the token budget", () => {
    assert.deepEqual(selectSnippets("item price quantity items message string", docs, { maxTokens: 10 }), []);
  });

  it("returns the picks in file order, whatever their scores", () => {
    const picked = selectSnippets("items item price quantity message string logLine cartTotal", docs, { minScore: 0.01 });
    assert.deepEqual(
      picked.map((s) => s.path),
      ["src/cart.ts", "src/log.ts"],
    );
  });
});

describe("multi-line decision", () => {
  const auto = (marked: string, lang = "typescript") => isMultiline(contextAt(marked, lang), "auto");

  it("is multi-line on an empty line after a block opener", () => {
    assert.equal(auto("function f() {\n  █\n}\n"), true);
    assert.equal(auto("def f(x):\n    █\n", "python"), true);
    assert.equal(auto("items.forEach((x) => {\n  █\n"), true);
  });

  it("is multi-line at the end of a signature", () => {
    assert.equal(auto("export async function load(path: string): Promise<void> {█\n"), true);
    assert.equal(auto("def area(r):█\n", "python"), true);
    assert.equal(auto("  public run(): void {█\n"), true);
  });

  it("is single-line elsewhere", () => {
    assert.equal(auto("const x = █\n"), false);
    assert.equal(auto("foo();\n█\n"), false);
    assert.equal(auto("function f() {█}\n"), false);
    assert.equal(auto("if (a) {\n  b();\n  █\n"), false);
  });

  it("follows the always/never settings", () => {
    assert.equal(isMultiline(contextAt("const x = █\n"), "always"), true);
    assert.equal(isMultiline(contextAt("function f() {\n  █\n}\n"), "never"), false);
  });

  it("knows the snapshot helper puts the cursor where marked", () => {
    const s = snapshotAt("ab\nc█d\n");
    assert.deepEqual([s.line, s.character, s.text], [1, 1, "ab\ncd\n"]);
  });
});
