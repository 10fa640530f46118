// Token ids of a prompt without starting the engine process: for `mixtral-local prompt --tokens`.
// Loads only the GGUF's vocabulary (no weights), on the CPU, with the same tokenizePrompt rule the
// engine uses, so the ids printed are the ids the engine would evaluate.
import { precheckGguf } from "../core/gguf/ggufPrecheck";
import type { PromptSegment } from "../shared/engineProtocol";
import { tokenizePrompt } from "./tokenizePrompt";

export interface PromptTokens {
  tokens: number[];
  /** Each token's text (special tokens shown as their strings), for display. */
  pieces: string[];
}

export async function tokenizeWithModelFile(modelPath: string, prompt: readonly PromptSegment[]): Promise<PromptTokens> {
  // Native code aborts the process on some malformed files: the bounded check comes first.
  await precheckGguf(modelPath);
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, logger: () => {} });
  try {
    const model = await llama.loadModel({ modelPath, vocabOnly: true });
    try {
      const tokens = tokenizePrompt(model, prompt);
      return { tokens: tokens.map(Number), pieces: tokens.map((t) => model.detokenize([t], true)) };
    } finally {
      await model.dispose();
    }
  } finally {
    await llama.dispose();
  }
}
