// Forcing a next-edit answer (GenerateOptions.forceTokens): the tokens the model must write after
// the primed "```lang\n" so that the text it writes is exactly `answer`. The answer is tokenized
// behind the primed prefix, as one run, and the prefix's own tokens are cut off: tokenized alone,
// the answer would start with SentencePiece's word-boundary "▁" (a space the region does not have).
import type { PromptSegment } from "../../src/shared/engineProtocol";

export type Tokenize = (prompt: PromptSegment[]) => Promise<{ tokens: number[] }>;

export async function forcedAnswerTokens(tokenize: Tokenize, answerPrefix: string, answer: string): Promise<number[]> {
  const prefix = (await tokenize([{ type: "text", text: answerPrefix }])).tokens;
  const whole = (await tokenize([{ type: "text", text: answerPrefix + answer }])).tokens;
  if (!prefix.every((t, i) => whole[i] === t))
    throw new Error("the answer's tokens do not continue the primed prefix's; cannot force it exactly");
  return whole.slice(prefix.length);
}
