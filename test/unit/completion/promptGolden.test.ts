// Golden files pin the inline-completion prompt (test/unit/completion/golden/*.txt in the source
// tree). UPDATE_GOLDEN=1 rewrites them after an intended change; review the diff.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CompletionService } from "../../../src/core/completion/CompletionService";
import { renderPromptText } from "../../../src/core/prompt/mixtralFormat";
import { repoRoot } from "../../helpers/tinyModel";
import { snapshotAt } from "./cursor";
import { SAMPLE_FILE } from "./typingSession";

function golden(name: string, actual: string): string {
  const file = path.join(repoRoot(), "test", "unit", "completion", "golden", name);
  if (process.env.UPDATE_GOLDEN === "1") {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  return fs.readFileSync(file, "utf8");
}

const service = () =>
  new CompletionService({
    getBackend: () => Promise.reject(new Error("prompts only")),
    settings: () => ({ maxTokens: 64, multiline: "auto", template: "" }),
  });

const cases = [
  {
    name: "typescript-midline.txt",
    marked: SAMPLE_FILE.replace("const total = formatPrice(cartTotal(items));", "const total = formatPrice(█);"),
    language: "typescript",
    path: "src/cart.ts",
    others: [
      {
        uri: "file:///src/money.ts",
        path: "src/money.ts",
        languageId: "typescript",
        text: "export function formatPrice(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n}\n",
      },
    ],
  },
  {
    name: "python-block.txt",
    marked: "import math\n\n\ndef area(radius: float) -> float:\n    █\n\n\ndef main():\n    print(area(2.0))\n",
    language: "python",
    path: "geometry.py",
    others: [],
  },
  {
    name: "go-signature.txt",
    marked: 'package main\n\nimport "fmt"\n\nfunc greet(name string) string {█\n\nfunc main() {\n\tfmt.Println(greet("x"))\n}\n',
    language: "go",
    path: "main.go",
    others: [],
  },
];

describe("inline-completion prompt golden files", () => {
  for (const c of cases) {
    it(`renders ${c.name}`, () => {
      const { prompt, multiline } = service().preparePrompt(snapshotAt(c.marked, c.language, c.path), c.others);
      const text = `multiline: ${multiline}\nstop: ${JSON.stringify(prompt.stopStrings)}\n---\n${renderPromptText(prompt.segments)}`;
      assert.equal(text, golden(c.name, text));
    });
  }
});
