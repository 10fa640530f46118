// Speculative decoding with drafts from the input (LookupPredictor), on node-llama-cpp's public
// `controlledEvaluate`: one step evaluates the pending token plus a draft, sampling a token at
// every position; drafted tokens are kept while each equals the token the model sampled before
// it, so the output is the one plain decoding gives (greedy: token for token; sampling: the same
// distribution). The rejected tail is erased from the KV cache at once.
// Why not the sequence's own `tokenPredictor`: node-llama-cpp 3.21.1's _speculativeEvaluate reads
// the previous validated token from an array it never fills, so every drafted token after the
// first is refuted, and long drafts (what a mixture of experts needs, draftPolicy.ts) never pay.
import type { LlamaContextSequence, LlamaModel, Token, TokenBias } from "node-llama-cpp" with { "resolution-mode": "import" };
import type { LookupPredictor } from "./LookupPredictor";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

export interface Sampling {
  /** 0 = greedy. */
  temperature: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

/** A bias that makes the model write exactly these tokens (see GenerateOptions.forceTokens):
 *  position n of the output gets a large logit bias on forced[n]. */
export class ForcedOutput {
  private readonly biases = new Map<number, TokenBias>();

  constructor(
    private readonly lib: NodeLlamaCpp,
    private readonly model: LlamaModel,
    private readonly tokens: readonly number[],
  ) {}

  /** No bias (past the end of the forced tokens). */
  get none(): TokenBias {
    return (this.empty ??= new this.lib.TokenBias(this.model.tokenizer));
  }
  private empty: TokenBias | undefined;

  /** The bias for output position n; undefined past the end. */
  at(n: number): TokenBias | undefined {
    const token = this.tokens[n];
    if (token === undefined) return undefined;
    let bias = this.biases.get(token);
    if (!bias) {
      // 1e9, not a round 1000: the GPU bench's Mixtral-shaped file (random output rows) has logits
      // above 1000, and a bias that does not win lets the model write its own text in every arm.
      bias = new this.lib.TokenBias(this.model.tokenizer).set(token as Token, { logit: 1e9 });
      this.biases.set(token, bias);
    }
    return bias;
  }
}

export interface SpeculativeOptions {
  sampling: Sampling;
  predictor: LookupPredictor;
  forced?: ForcedOutput;
}

/** Yields generated tokens (an EOG token included: the caller stops on it). `pending`: prompt
 *  tokens not yet evaluated (at least one). Steps without a draft go through the sequence's own
 *  `evaluate` (one sampler for the run, cheaper per token than a controlledEvaluate call); a step
 *  with a draft goes through `controlledEvaluate`. Stopping early (return/break) leaves the KV
 *  cache holding the prompt and every yielded token but the last, as plain decoding does. */
export async function* speculativeTokens(
  sequence: LlamaContextSequence,
  pending: readonly Token[],
  o: SpeculativeOptions,
): AsyncGenerator<Token, void, undefined> {
  let evalTokens: Token[] = pending.slice();
  let produced = 0;
  let step = 0;
  const { sampling, predictor, forced } = o;
  // Each run's sampler is new: vary the seed by step, or every run would draw alike (node-llama-cpp
  // seeds an unseeded sampler with the time, the same for steps in the same millisecond).
  const seed = () => (sampling.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : sampling.seed + step++);
  // One slot stays free: a step must never make node-llama-cpp shift the context.
  const room = () => sequence.contextSize - 1 - sequence.nextTokenIndex - evalTokens.length;
  for (;;) {
    if (room() < 0) return;
    let draft = predictor.draft(room()) as Token[];
    if (draft.length === 0) {
      let last: Token | undefined;
      const plain = sequence.evaluate(evalTokens, {
        ...(sampling.temperature > 0 ? { ...sampling, seed: seed() } : { temperature: 0 }),
        ...(forced ? { tokenBias: () => forced.at(produced) ?? forced.none } : {}),
        yieldEogToken: true,
      });
      for await (const token of plain) {
        produced++;
        predictor.push([token]);
        yield token;
        last = token;
        evalTokens = [token];
        // The plain run's return() leaves `token` sampled but not evaluated: the draft step's first.
        if (room() >= 0 && predictor.draft(room()).length > 0) break;
      }
      if (last === undefined) return;
      continue;
    }
    const base = sequence.nextTokenIndex;
    const first = evalTokens.length - 1;
    const results = await sequence.controlledEvaluate(draftStepItems(evalTokens, draft, { sampling, forced, seed: seed(), produced }));
    const out: Token[] = [];
    const firstOut = results[first]?.next.token;
    if (firstOut == null) throw new Error("The model returned no token.");
    out.push(firstOut);
    let accepted = 0;
    while (accepted < draft.length && draft[accepted] === out[accepted]) {
      const next = results[first + 1 + accepted]?.next.token;
      if (next == null) break;
      accepted++;
      out.push(next);
    }
    predictor.verified(accepted, draft.length);
    // Keep the evaluated tokens and the accepted draft; the rest was a wrong guess.
    const keepEnd = base + evalTokens.length + accepted;
    if (sequence.nextTokenIndex > keepEnd) await sequence.eraseContextTokenRanges([{ start: keepEnd, end: sequence.nextTokenIndex }]);
    draft = [];
    let shown = 0;
    try {
      for (const token of out) {
        shown++;
        produced++;
        yield token;
      }
    } finally {
      // Stopped mid-run: the cache holds accepted tokens the caller never showed.
      if (shown < out.length) {
        const end = base + evalTokens.length + shown - 1;
        if (sequence.nextTokenIndex > end) await sequence.eraseContextTokenRanges([{ start: end, end: sequence.nextTokenIndex }]);
      }
    }
    predictor.push(out);
    evalTokens = [out[out.length - 1]];
  }
}

/** One draft step's input to controlledEvaluate: the tokens to evaluate, each from the last one
 *  on (the draft) asking for the token after it, sampled as the plain path would (same bias). */
function draftStepItems(
  evalTokens: readonly Token[],
  draft: readonly Token[],
  how: { sampling: Sampling; forced?: ForcedOutput; seed: number; produced: number },
) {
  const { sampling, forced, seed, produced } = how;
  const first = evalTokens.length - 1;
  return [...evalTokens, ...draft].map((token, i) => {
    if (i < first) return token;
    const options =
      sampling.temperature > 0
        ? {
            temperature: sampling.temperature,
            topK: sampling.topK,
            topP: sampling.topP,
            seed,
            tokenBias: forced?.at(produced + i - first),
          }
        : { temperature: 0, tokenBias: forced?.at(produced + i - first) };
    return [token, { generateNext: { token: true, options } }] as [Token, { generateNext: { token: true; options: typeof options } }];
  });
}
