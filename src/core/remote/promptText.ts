// The prompt as text for servers that tokenize it themselves (TGI's /generate_stream, OpenAI-style
// /v1/completions). It is renderPromptText's string — Mistral's documented form
// `<s> [INST] u [/INST] a</s> [INST] u2 [/INST]`, the same segments the local engine evaluates —
// minus its leading "<s> " (or " " when there is no BOS):
//  - the servers' tokenizers add BOS themselves (TGI's add_special_tokens defaults to true; vLLM and
//    llama-server add it too), so sending "<s>" would give two BOS tokens;
//  - SentencePiece-style tokenizers (HF's Metaspace/legacy normalizer, llama.cpp's add_space_prefix)
//    put the word-boundary "▁" at the start of the input, which is what the run's leading " " stood
//    for; keeping the space would give "▁▁[INST]".
// Later "</s> [INST]" boundaries are sent as rendered: HF tokenizers with prepend_scheme "first"
// turn the space into the expected "▁"; a llama.cpp-style tokenizer adds its own "▁" after a special
// token, which gives one extra "▁" before later turns. Text typed by the user that looks like a
// special token ("<s>", "</s>") is parsed as one by these servers; the local engine keeps it text.
import type { PromptSegment } from "../../shared/engineProtocol";
import { renderPromptText } from "../prompt/mixtralFormat";

export interface ServerPromptText {
  text: string;
  /** The segments started with BOS, so the server's tokenizer must add it (its default). */
  bos: boolean;
}

export function promptTextForServer(segments: readonly PromptSegment[]): ServerPromptText {
  let text = renderPromptText(segments);
  const bos = segments[0]?.type === "bos";
  if (bos) text = text.slice("<s>".length);
  // The tokenizer's own start-of-input "▁" stands for the first run's " " (with or without BOS).
  const first = segments[bos ? 1 : 0];
  if (first?.type === "text" && !first.special && text.startsWith(" ")) text = text.slice(1);
  return { text, bos };
}
