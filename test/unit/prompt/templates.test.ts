// Every feature's prompt pinned by a golden file (UPDATE_GOLDEN=1 rewrites them; review the diff),
// user overrides, broken templates naming their line, and the inline-completion prompt's shape.
import * as assert from "node:assert/strict";
import type { LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import { PromptTemplateError } from "../../../src/core/errors";
import { DEFAULT_SYSTEM_PROMPT, FEATURE_NAMES } from "../../../src/core/prompt/defaultTemplates";
import { buildFeaturePrompt, buildInlineCompletionPrompt, completionText } from "../../../src/core/prompt/featurePrompt";
import { renderPromptText } from "../../../src/core/prompt/mixtralFormat";
import { checkTemplate, fenceFor, renderFeatureTemplate, type PromptVariables } from "../../../src/core/prompt/templates";
import { tokenizePrompt } from "../../../src/engine/tokenizePrompt";
import { disposeTinyTokenizer, golden, tinyTokenizer } from "./tinyTokenizer";

const VARS: PromptVariables = {
  filePath: "src/stats.ts",
  language: "typescript",
  selection: "export function mean(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0) / xs.length;\n}",
  startLine: 3,
  endLine: 5,
  before: "// Small statistics helpers.\n",
  after: "\nexport const median = (xs: number[]) => xs[xs.length >> 1];",
  diagnostics: [
    { line: 4, severity: "error", message: "Division by zero when xs is empty", source: "review" },
    { line: 5, severity: "warning", message: "Missing documentation" },
  ],
  question: "Why does this return NaN for an empty array?",
  instruction: "use a for loop",
  testFramework: "mocha",
};

const INLINE = {
  filePath: "src/stats.ts",
  language: "typescript",
  before: "// Small statistics helpers.\nexport function mean(xs: number[]): number {",
  linePrefix: "  return xs.reduce(",
  lineSuffix: ")",
  after: "}\n",
  snippets: [{ path: "src/util.ts", text: "export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);" }],
};

describe("prompt/templates", function () {
  this.timeout(60000);

  for (const name of FEATURE_NAMES) {
    it(`golden prompt: ${name}`, () => {
      const built = name === "inlineCompletion" ? buildInlineCompletionPrompt(INLINE) : buildFeaturePrompt(name, VARS);
      assert.equal(built.warning, undefined);
      const { expected, actual } = golden(`${name}.txt`, `${renderPromptText(built.segments)}\n`);
      assert.equal(actual, expected);
      assert.ok(actual.startsWith(`<s> [INST] ${DEFAULT_SYSTEM_PROMPT}\n\n`));
    });
  }

  it("fills every documented variable (no empty placeholders left)", () => {
    const fix = renderFeatureTemplate("fix", VARS).text;
    assert.match(fix, /line 4: error: Division by zero when xs is empty \(review\)/);
    assert.match(fix, /File: src\/stats\.ts \(lines 3-5\)/);
    assert.match(renderFeatureTemplate("refactor", VARS).text, /: use a for loop\./);
    assert.match(renderFeatureTemplate("refactor", { ...VARS, instruction: "" }).text, /without changing its behaviour/);
    assert.match(renderFeatureTemplate("writeTests", VARS).text, /using mocha/);
    assert.ok(renderFeatureTemplate("ask", VARS).text.startsWith(VARS.question!));
  });

  it("uses a user override, and the built-in template with a warning naming the line when it is broken", () => {
    const custom = renderFeatureTemplate("explain", VARS, { explain: "Explain {{ filePath }} in {{ language }}" });
    assert.deepEqual([custom.text, custom.custom, custom.warning], ["Explain src/stats.ts in typescript", true, undefined]);

    const cases: Array<[string, RegExp]> = [
      ["Explain\nthis\n{{ selection + }}\nplease", /syntax error on line 3/],
      ["line one\n{% if selection %}\nunclosed", /syntax error on line 2/],
      ["a\nb\n{% for x in snippets %}\n{% endif %}", /syntax error on line 4/],
      ["ok\n{{ selection | nosuchfilter }}", /failed on line 2: Unknown .*filter: nosuchfilter/],
      ["one\ntwo\nthree {{ 'x' + nothing }}", /failed on line 3/],
      ["{{ 'unterminated", /syntax error on line 1/],
    ];
    const builtIn = renderFeatureTemplate("explain", VARS).text;
    for (const [source, pattern] of cases) {
      const result = renderFeatureTemplate("explain", VARS, { explain: source });
      assert.ok(result.warning instanceof PromptTemplateError, source);
      assert.match(result.warning.message, pattern, source);
      assert.match(result.warning.message, /mixtral\.prompts\.explain/);
      assert.equal(result.text, builtIn);
      assert.equal(result.custom, false);
    }
    assert.equal(renderFeatureTemplate("explain", VARS, { explain: "   " }).custom, false);
    assert.equal(checkTemplate("ask", "{{ question }}"), undefined);
    assert.match(checkTemplate("ask", "{% if %}")?.message ?? "", /line 1/);
  });

  it("picks a fence longer than any backtick run in the code", () => {
    assert.equal(fenceFor("plain"), "```");
    assert.equal(fenceFor("a ``` b", "````x"), "`````");
    const text = renderFeatureTemplate("explain", { ...VARS, selection: "const md = '```js';" }).text;
    assert.match(text, /^````typescript$/m);
  });

  describe("inline completion", () => {
    let model: LlamaModel;
    before(async () => { ({ model } = await tinyTokenizer()); });
    after(() => disposeTinyTokenizer());

    it("primes the answer with a fence and the cursor line, without EOS, and strips trailing spaces", () => {
      const built = buildInlineCompletionPrompt({ ...INLINE, linePrefix: "  const x = " });
      const last = built.segments[built.segments.length - 1];
      assert.deepEqual(last, { type: "text", text: "```typescript\n  const x =" });
      assert.equal(built.strippedWhitespace, " ");
      assert.deepEqual(built.stopStrings, ["```"]);
      assert.ok(!built.segments.some((s) => s.type === "eos"));
      assert.equal(completionText(" 42;", built.strippedWhitespace), "42;");
      assert.equal(completionText("42;", built.strippedWhitespace), "42;");
      assert.equal(completionText("    return x;", "    "), "return x;");
      assert.equal(completionText(" + 1", ""), " + 1");
    });

    it("consecutive keystrokes on a line change only the primed answer: the KV prefix is kept", () => {
      const one = buildInlineCompletionPrompt({ ...INLINE, linePrefix: "  return xs.red" });
      const two = buildInlineCompletionPrompt({ ...INLINE, linePrefix: "  return xs.redu" });
      assert.deepEqual(one.segments.slice(0, -1), two.segments.slice(0, -1));
      const a = tokenizePrompt(model, one.segments);
      const b = tokenizePrompt(model, two.segments);
      let shared = 0;
      while (shared < a.length && a[shared] === b[shared]) shared++;
      const primedLength = tokenizePrompt(model, [one.segments[one.segments.length - 1]]).length;
      assert.ok(shared >= a.length - primedLength, `shared ${shared} of ${a.length}`);
    });

    it("a new line above the cursor keeps instructions, snippets and the code after the cursor in the prefix", () => {
      const one = buildInlineCompletionPrompt(INLINE);
      const two = buildInlineCompletionPrompt({ ...INLINE, before: `${INLINE.before}\n  // sum then divide` });
      const userOne = one.messages[1].content;
      const userTwo = two.messages[1].content;
      const afterAt = userOne.indexOf("The code before the cursor line");
      assert.ok(afterAt > userOne.indexOf("The code after the cursor") && afterAt > userOne.indexOf("src/util.ts"));
      assert.equal(userTwo.slice(0, afterAt), userOne.slice(0, afterAt));
    });
  });
});
