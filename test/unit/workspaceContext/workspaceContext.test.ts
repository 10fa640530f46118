// The pure parts of workspace knowledge that the adapters call: which instruction files apply and
// how they fit the budget, `@workspace` in a message, the symbols a question or a selection names,
// and the definitions and chunks kept within a budget; the commands' templates render them.
import * as assert from "node:assert/strict";
import { buildFeaturePrompt } from "../../../src/core/prompt/featurePrompt";
import { normalizeWorkspaceSettings } from "../../../src/core/config/workspaceSettings";
import { nestedAgentsCandidates, renderInstructions, systemWithInstructions } from "../../../src/core/workspaceContext/instructions";
import {
  chunksWithinBudget,
  mentionsWorkspace,
  symbolCandidates,
  withoutWorkspaceMention,
} from "../../../src/core/workspaceContext/retrieval";
import { definitionSnippets, usedIdentifiers } from "../../../src/core/workspaceContext/selectionSymbols";
import type { SymbolLocation } from "../../../src/core/workspace/types";

const def = (name: string, path: string, startLine: number, text: string): SymbolLocation => ({
  name,
  kind: "function",
  root: "app",
  path,
  startLine,
  endLine: startLine + text.split("\n").length - 1,
  text,
});

describe("workspace context (pure)", () => {
  it("lists the nested AGENTS.md candidates nearest first, never above the root", () => {
    assert.deepEqual(nestedAgentsCandidates("packages/api/src/server.ts"), [
      "packages/api/src/AGENTS.md",
      "packages/api/AGENTS.md",
      "packages/AGENTS.md",
    ]);
    assert.deepEqual(nestedAgentsCandidates("main.ts"), []);
    assert.deepEqual(nestedAgentsCandidates("../outside/x.ts"), []);
    assert.deepEqual(nestedAgentsCandidates(undefined), []);
  });

  it("renders instruction files in order within the budget, shortening the one that does not fit", () => {
    const long = Array.from({ length: 400 }, (_, i) => `- rule number ${i} about the code style`).join("\n");
    const r = renderInstructions(
      [
        { path: "api/AGENTS.md", text: "Use tabs." },
        { path: "AGENTS.md", text: long },
        { path: ".github/copilot-instructions.md", text: "Never log secrets." },
      ],
      300,
    );
    assert.deepEqual(r.used, ["api/AGENTS.md", "AGENTS.md"]);
    assert.deepEqual(r.shortened, ["AGENTS.md"]);
    assert.match(r.text, /Instructions from api\/AGENTS\.md:\nUse tabs\./);
    assert.match(r.text, /left out to fit the prompt/);
    assert.ok(!r.text.includes("Never log secrets"), "no room left for the third file");
    assert.ok(r.text.length / 3.5 <= 330, `about 300 tokens, got ${r.text.length} characters`);
    assert.equal(systemWithInstructions("BASE", r).startsWith("BASE\n\nThe workspace's maintainers"), true);
    assert.equal(systemWithInstructions("BASE", renderInstructions([{ path: "AGENTS.md", text: " \n" }], 300)), "BASE");
  });

  it("finds @workspace as a word and removes it from the question", () => {
    assert.equal(mentionsWorkspace("@workspace where is the retry delay?"), true);
    assert.equal(mentionsWorkspace("where is it, @workspace?"), true);
    assert.equal(mentionsWorkspace("mail me at x@workspace.com"), false);
    assert.equal(mentionsWorkspace("@workspaces"), false);
    assert.equal(withoutWorkspaceMention("@workspace where is  the retry delay?"), "where is the retry delay?");
  });

  it("takes code-looking names from a question, not plain words", () => {
    assert.deepEqual(
      symbolCandidates("Why does parseConfig call `loadFile` and what is UserStore or max_retries? Also run()"),
      ["loadFile", "parseConfig", "UserStore", "max_retries", "run"].filter((s) => s.length >= 3),
    );
    assert.deepEqual(symbolCandidates("How does the cache work here?"), []);
  });

  it("keeps chunks best first within the budget, skipping one inside another", () => {
    const a = { root: "app", path: "src/a.ts", startLine: 1, endLine: 20, text: "x".repeat(700) };
    const inner = { ...a, startLine: 5, endLine: 8, text: "y".repeat(50) };
    const big = { root: "app", path: "src/big.ts", startLine: 1, endLine: 500, text: "z".repeat(10_000) };
    const small = { root: "lib", path: "src/b.py", startLine: 3, endLine: 4, text: "def b():\n    pass" };
    const out = chunksWithinBudget([a, inner, big, small], 300, true);
    assert.deepEqual(
      out.map((c) => `${c.fileName}:${c.startLine}-${c.endLine}`),
      ["app/src/a.ts:1-20", "lib/src/b.py:3-4"],
    );
    assert.equal(out[1].languageId, "python");
    assert.equal(chunksWithinBudget([small], 300, false)[0].fileName, "src/b.py");
  });

  it("names the identifiers a selection uses (calls first), not those it defines or keywords", () => {
    const code =
      "export function total(items: Item[]): number {\n  const sum = items.reduce(addPrice, 0);\n  return applyDiscount(sum, DEFAULT_RATE);\n}";
    const used = usedIdentifiers(code);
    assert.deepEqual(used.slice(0, 2), ["reduce", "applyDiscount"]);
    assert.ok(used.includes("Item") && used.includes("addPrice") && used.includes("DEFAULT_RATE"));
    assert.ok(!used.includes("total") && !used.includes("sum") && !used.includes("return") && !used.includes("const"));
  });

  it("keeps other files' definitions within the budget and renders them in the commands' prompts", () => {
    const defs = [
      def("applyDiscount", "src/price.ts", 3, "export function applyDiscount(x: number, r: number) {\n  return x * (1 - r);\n}"),
      def("total", "src/cart.ts", 1, "function total() {}"),
      def("huge", "src/huge.ts", 1, "h".repeat(20_000)),
    ];
    const snippets = definitionSnippets(defs, { root: "app", path: "src/cart.ts" }, 500);
    assert.deepEqual(
      snippets.map((s) => s.path),
      ["src/price.ts:3-5"],
    );
    for (const feature of ["explain", "refactor", "writeTests", "fix", "document", "ask"] as const) {
      const user = buildFeaturePrompt(feature, {
        filePath: "src/cart.ts",
        language: "typescript",
        selection: "applyDiscount(1, 2)",
        startLine: 1,
        endLine: 1,
        snippets,
      }).messages[1].content;
      assert.match(
        user,
        /Definitions from other files of the workspace that this code uses:\nsrc\/price\.ts:3-5\n```\nexport function applyDiscount/,
        feature,
      );
    }
  });

  it("reads the workspace settings with defaults and clamps", () => {
    const warnings: string[] = [];
    const s = normalizeWorkspaceSettings(
      (k) => ({ "workspace.maxFiles": 5, "workspace.enabled": "yes" })[k],
      (m) => warnings.push(m),
    );
    assert.equal(s.maxFiles, 100);
    assert.equal(s.enabled, true);
    assert.equal(s.maxFileSizeKb, 1024);
    assert.equal(warnings.length, 2);
  });
});
