// The tiny model's real tokenizer (vocabulary only, no weights) for prompt tests, loaded once.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Llama, LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import type { CountTokens } from "../../../src/core/prompt/budget";
import { ensureTinyModel, repoRoot } from "../../helpers/tinyModel";

let loaded: Promise<{ llama: Llama; model: LlamaModel }> | undefined;

export function tinyTokenizer(): Promise<{ llama: Llama; model: LlamaModel }> {
  loaded ??= (async () => {
    const modelPath = await ensureTinyModel();
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, logger: () => {} });
    const model = await llama.loadModel({ modelPath, vocabOnly: true });
    return { llama, model };
  })();
  return loaded;
}

/** InferenceBackend.countTokens's rule (engine main.ts): each text as one run, special tokens off. */
export function counterFor(model: LlamaModel): CountTokens {
  return async (texts) => texts.map((t) => (t.length > 0 ? model.tokenize(t, false).length : 0));
}

export async function disposeTinyTokenizer(): Promise<void> {
  if (!loaded) return;
  const { llama, model } = await loaded;
  loaded = undefined;
  await model.dispose();
  await llama.dispose();
}

/** Compares `actual` with test/unit/prompt/golden/<name> in the SOURCE tree; UPDATE_GOLDEN=1 rewrites it. */
export function golden(name: string, actual: string): { expected: string; actual: string } {
  const file = path.join(repoRoot(), "test", "unit", "prompt", "golden", name);
  if (process.env.UPDATE_GOLDEN === "1") {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  if (!fs.existsSync(file)) throw new Error(`missing golden file ${file}: run the tests with UPDATE_GOLDEN=1 and review it`);
  return { expected: fs.readFileSync(file, "utf8"), actual };
}
