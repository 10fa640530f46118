// Every command's prompt pinned by a golden file (UPDATE_GOLDEN=1 rewrites them; review the diff),
// user overrides, and broken templates naming their line.
import * as assert from "node:assert/strict";
import { PromptTemplateError } from "../../../src/core/errors";
import { DEFAULT_SYSTEM_PROMPT, FEATURE_NAMES } from "../../../src/core/prompt/defaultTemplates";
import { buildFeaturePrompt } from "../../../src/core/prompt/featurePrompt";
import { renderPromptText } from "../../../src/core/prompt/mixtralFormat";
import { fenceFor, renderFeatureTemplate, type PromptVariables } from "../../../src/core/prompt/templates";
import { golden } from "./tinyTokenizer";

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

describe("prompt/templates", function () {
  this.timeout(60000);

  // The inline-completion prompt is pinned by test/unit/completion/golden (the product builds it in
  // src/core/completion/completionPrompt.ts, ordered for KV reuse while typing).
  // The next-edit prompt likewise: test/unit/nextEdit/golden (src/core/nextEdit/nextEditPrompt.ts).
  for (const name of FEATURE_NAMES.filter((n) => n !== "inlineCompletion" && n !== "nextEdit")) {
    it(`golden prompt: ${name}`, () => {
      const built = buildFeaturePrompt(name, VARS);
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
  });

  it("picks a fence longer than any backtick run in the code", () => {
    assert.equal(fenceFor("plain"), "```");
    assert.equal(fenceFor("a ``` b", "````x"), "`````");
    const text = renderFeatureTemplate("explain", { ...VARS, selection: "const md = '```js';" }).text;
    assert.match(text, /^````typescript$/m);
  });
});
