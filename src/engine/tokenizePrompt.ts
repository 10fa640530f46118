// The single rule that turns a PromptSegment[] into the token ids the engine evaluates.
// Mistral's reference tokenizer (v1) encodes each text run with SentencePiece, which prefixes the
// run with the word-boundary piece "▁"; llama.cpp's SPM tokenizer does the same for the first
// fragment of a tokenize() call. Special tokens are OFF for text runs, so "<s>", "</s>", "[INST]"
// typed by a user or present in a file stay ordinary text. BOS/EOS come only from segments.
import type { LlamaModel, Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import type { PromptSegment } from "../shared/engineProtocol";

export function tokenizePrompt(model: LlamaModel, prompt: readonly PromptSegment[]): Token[] {
  const tokens: Token[] = [];
  for (const segment of prompt) {
    switch (segment.type) {
      case "bos": {
        const bos = model.tokens.bos;
        if (bos == null) throw new Error("The model has no BOS token.");
        tokens.push(bos);
        break;
      }
      case "eos": {
        const eos = model.tokens.eos;
        if (eos == null) throw new Error("The model has no EOS token.");
        tokens.push(eos);
        break;
      }
      case "text":
        // special: text rendered from a non-Mixtral model's own template (its control tokens parsed).
        if (segment.text.length > 0) tokens.push(...model.tokenize(segment.text, segment.special === true));
        break;
      default: {
        const _exhaustive: never = segment;
        void _exhaustive;
      }
    }
  }
  return tokens;
}
