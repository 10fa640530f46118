// The property the completion prompt is designed for: consecutive keystrokes share almost the
// whole token prefix, so the engine re-evaluates only the few tokens of the cursor line. Checked
// with the real tokenizer rule (src/engine/tokenizePrompt.ts) on the tiny model's vocabulary.
import * as assert from "node:assert/strict";
import type { Llama, LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import { CompletionService } from "../../../src/core/completion/CompletionService";
import type { CursorSnapshot, DocumentSnapshot } from "../../../src/core/completion/types";
import { tokenizePrompt } from "../../../src/engine/tokenizePrompt";
import type { PromptSegment } from "../../../src/shared/engineProtocol";
import { ensureTinyModel } from "../../helpers/tinyModel";
import { SAMPLE_FILE, typingSession } from "./typingSession";

function service(): CompletionService {
  return new CompletionService({
    getBackend: () => Promise.reject(new Error("not used: prompts only")),
    settings: () => ({ maxTokens: 32, multiline: "auto", template: "" }),
  });
}

const OTHER: DocumentSnapshot[] = [
  {
    uri: "file:///src/money.ts",
    path: "src/money.ts",
    languageId: "typescript",
    text: "export function formatPrice(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n}\n",
  },
];

function commonPrefix(a: readonly unknown[], b: readonly unknown[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

describe("completion prompt stability across keystrokes", function () {
  this.timeout(60_000);
  let llama: Llama;
  let model: LlamaModel;

  before(async () => {
    const modelPath = await ensureTinyModel();
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, logger: () => {} });
    model = await llama.loadModel({ modelPath, vocabOnly: true });
  });

  after(async () => {
    await model?.dispose();
    await llama?.dispose();
  });

  it("changes only the last segment while typing on one line", () => {
    const s = service();
    const steps = typingSession(SAMPLE_FILE).filter((k) => k.line === typingSession(SAMPLE_FILE)[0].line);
    assert.ok(steps.length > 10);
    let previous: PromptSegment[] | undefined;
    for (const step of steps) {
      const { prompt } = s.preparePrompt(step, OTHER);
      if (previous) assert.deepEqual(prompt.segments.slice(0, -1), previous.slice(0, -1));
      previous = prompt.segments;
    }
  });

  it("re-evaluates a few tokens per keystroke and a small part of the prompt per new line", () => {
    const s = service();
    let previous: number[] | undefined;
    let previousStep: CursorSnapshot | undefined;
    let sameLineWorst = 0;
    let newLineTotal = 0;
    let newLines = 0;
    let promptTotal = 0;
    for (const step of typingSession(SAMPLE_FILE)) {
      const tokens = tokenizePrompt(model, s.preparePrompt(step, OTHER).prompt.segments).map(Number);
      if (previous && previousStep) {
        const evaluated = tokens.length - commonPrefix(previous, tokens);
        if (step.line === previousStep.line) sameLineWorst = Math.max(sameLineWorst, evaluated);
        else {
          newLineTotal += evaluated;
          newLines++;
        }
        promptTotal += tokens.length;
      }
      previous = tokens;
      previousStep = step;
    }
    assert.ok(newLines >= 2, "the session crosses lines");
    // A keystroke re-tokenizes only the cursor line's run; its last word can re-split, nothing more.
    assert.ok(sameLineWorst <= 12, `worst keystroke on a line re-evaluated ${sameLineWorst} tokens`);
    assert.ok(
      newLineTotal / newLines < 0.25 * (promptTotal / typingSession(SAMPLE_FILE).length),
      `Enter re-evaluated ${newLineTotal / newLines} tokens on average`,
    );
  });
});
