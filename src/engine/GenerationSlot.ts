// One context + one sequence serving one kind of request (chat/commands, or inline completion).
// The sequence is kept between requests so a prompt that extends the previous one reuses its KV
// cache; the prompt is evaluated in chunks so an abort is honoured within one chunk (node-llama-cpp
// ignores an abort until a whole prompt is evaluated: 21 s measured for 3,105 tokens).
import type {
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaGrammarEvaluationState,
  LlamaModel,
  Token,
} from "node-llama-cpp" with { "resolution-mode": "import" };
import type { GenerateOptions, GenerationStats, Slot, StopReason } from "../shared/engineProtocol";
import { CPU_MIXTRAL_COSTS, DraftPolicy, GPU_MIXTRAL_COSTS } from "../core/speculation/draftPolicy";
import { EngineFailure, send, sendError } from "./engineIpc";
import { chunkSender, emptyStats, generationStats, type Decoded, type Prefilled } from "./generationReport";
import type { GrammarCache } from "./GrammarCache";
import { keepAwake } from "./keepAwake";
import { LookupPredictor } from "./LookupPredictor";
import { ForcedOutput, speculativeTokens } from "./speculativeDecode";
import { TextStream } from "./TextStream";
import { tokenizePrompt } from "./tokenizePrompt";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

/** CPU: 256-token chunks cost ~1 % of prompt speed (128: ~10 %) and bound the abort latency. */
const PREFILL_CHUNK = 256;
/** GPU (bench/gpu, BENCHMARKS.md): chunks smaller than the context's 512-token batch split each
 *  micro-batch; 256 cost 30 % of prompt speed on an H100 (Mixtral Q4_K_M, 3,159 vs 4,483 tok/s).
 *  512 tokens take ~0.12 s there, so aborts stay prompt. */
const PREFILL_CHUNK_GPU = 512;

interface Job {
  requestId: string;
  aborted: boolean;
}

export interface SlotDeps {
  lib: NodeLlamaCpp;
  model: LlamaModel;
  grammars: GrammarCache;
}

export interface SlotOptions {
  name: Slot;
  /** The slot's own context; its one sequence is kept between requests. */
  context: LlamaContext;
  /** A new request aborts the ones before it (inline completion: only the newest keystroke
   *  matters); otherwise requests wait their turn (chat, commands). */
  supersede: boolean;
  /** Whether requests here may use speculative decoding (speculativeDecode.ts). */
  speculative: boolean;
}

/** The output's grammar, when the request has one, and the stop texts it brings. */
interface Constraint {
  grammar?: LlamaGrammar;
  state?: LlamaGrammarEvaluationState;
  stops: string[];
}

export class GenerationSlot {
  readonly name: Slot;
  private readonly sequence: LlamaContextSequence;
  private readonly jobs = new Map<string, Job>();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: SlotOptions,
    private readonly deps: SlotDeps,
  ) {
    this.name = options.name;
    this.sequence = options.context.getSequence();
  }

  get contextSize(): number {
    return this.options.context.contextSize;
  }

  has(requestId: string): boolean {
    return this.jobs.has(requestId);
  }

  /** Runs a request to its end; sends chunk/done/error itself and never rejects. */
  async submit(requestId: string, options: GenerateOptions): Promise<void> {
    const job: Job = { requestId, aborted: false };
    if (this.options.supersede) for (const other of this.jobs.values()) other.aborted = true;
    this.jobs.set(requestId, job);
    const run = this.tail.then(() => this.execute(job, options));
    this.tail = run;
    try {
      await run;
    } finally {
      this.jobs.delete(requestId);
    }
  }

  abort(requestId: string): boolean {
    const job = this.jobs.get(requestId);
    if (job) job.aborted = true;
    return job !== undefined;
  }

  /** Aborts everything and waits for the running request to settle (disposing a sequence that is
   *  still generating throws an uncaught error that kills the process). */
  async dispose(): Promise<void> {
    for (const job of this.jobs.values()) job.aborted = true;
    await this.tail;
    await this.options.context.dispose();
  }

  /** Prefill, then the output's grammar, forced tokens and speculation, then decoding and stats. */
  private async execute(job: Job, options: GenerateOptions): Promise<void> {
    const started = performance.now();
    try {
      if (job.aborted) return this.finish(job, "", "abort", emptyStats(0, 0, started));
      const prompt = await this.prefill(job, options);
      if (job.aborted) {
        // evaluatedTokens here says how far the prompt got before the abort took effect.
        return this.finish(job, "", "abort", emptyStats(prompt.tokens.length, prompt.position - prompt.reuse, started));
      }
      const constraint = await this.constraint(options);
      const forced = this.forcedOutput(options);
      const predictor = this.speculation(options, prompt.tokens, constraint);
      const stream = new TextStream(this.deps.model, prompt.tokens, [...(options.stopStrings ?? []), ...constraint.stops]);
      const emit = chunkSender(job.requestId);
      const decoded: Decoded =
        prompt.maxTokens > 0
          ? await this.decode(
              job,
              prompt,
              { options, constraint, forced, predictor },
              (token) => emit(stream.push(token)),
              () => stream.stopStringHit,
            )
          : { stopReason: "maxTokens", generated: 0 };
      emit(stream.finish());
      const text = constraint.grammar?.trimWhitespaceSuffix ? stream.fullText.trimEnd() : stream.fullText;
      const stats = generationStats(prompt, decoded, started);
      if (predictor) stats.speculation = predictor.counts;
      // A grammar's stop trigger is its way to say "done": the answer ended normally.
      const grammarDone = decoded.stopReason === "stopString" && constraint.stops.length > 0 && !options.stopStrings?.length;
      this.finish(job, text, grammarDone ? "eos" : decoded.stopReason, stats);
    } catch (error) {
      sendError(job.requestId, error);
    }
  }

  /** Tokenizes the prompt, keeps the longest prefix the KV cache shares with it and evaluates the
   *  rest in chunks, checking for an abort between them. The last chunk (with the final token) is
   *  left to the decode step: one batch fewer. */
  private async prefill(job: Job, options: GenerateOptions): Promise<Prefilled> {
    const { model } = this.deps;
    const sequence = this.sequence;
    const tokens = tokenizePrompt(model, options.prompt);
    if (tokens.length === 0) throw new EngineFailure("invalidOptions", "The prompt is empty.");
    const room = sequence.contextSize - tokens.length;
    if (room < 1) {
      throw new EngineFailure(
        "contextFull",
        `The prompt has ${tokens.length} tokens but the ${this.name} context holds ${sequence.contextSize}. Shorten the conversation or raise mixtral.contextSize.`,
      );
    }
    // At least one token is evaluated to get fresh logits.
    const reuse = Math.min(sequence.compareContextTokens(tokens).firstDifferentIndex, tokens.length - 1);
    if (sequence.nextTokenIndex > reuse) {
      await sequence.eraseContextTokenRanges([{ start: reuse, end: sequence.nextTokenIndex }]);
    }
    let position = reuse;
    const chunk = model.gpuLayers > 0 ? PREFILL_CHUNK_GPU : PREFILL_CHUNK;
    while (tokens.length - position > chunk && !job.aborted) {
      const end = position + chunk;
      await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(position, end));
      position = end;
      send({ type: "progress", requestId: job.requestId, fraction: (end - reuse) / (tokens.length - reuse), message: "prompt" });
    }
    return { tokens, reuse, position, maxTokens: Math.max(0, Math.min(options.maxTokens, room)) };
  }

  /** The request's grammar (GBNF, else a JSON schema), with its evaluation state and stop texts. */
  private async constraint(options: GenerateOptions): Promise<Constraint> {
    const { grammars, lib, model } = this.deps;
    const grammar = options.grammar
      ? await grammars.gbnf(options.grammar)
      : options.jsonSchema
        ? await grammars.jsonSchema(options.jsonSchema)
        : undefined;
    if (!grammar) return { stops: [] };
    // A JSON-schema grammar lets whitespace follow the finished value without end: its own stop
    // trigger (four newlines) ends the answer there, as LlamaChatSession does.
    const stops = grammar.stopGenerationTriggers.map((t) =>
      typeof t === "string" ? t : Array.isArray(t) ? t.filter((v) => typeof v === "string").join("") : t.toString(),
    );
    return { grammar, state: new lib.LlamaGrammarEvaluationState({ model, grammar }), stops };
  }

  private forcedOutput(options: GenerateOptions): ForcedOutput | undefined {
    if (!options.forceTokens) return undefined;
    const { lib, model } = this.deps;
    const vocabulary = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
    // A bias on an id past the vocabulary would index past llama.cpp's logits.
    if (options.forceTokens.some((t) => !Number.isInteger(t) || t < 0 || t >= vocabulary)) {
      throw new EngineFailure("invalidOptions", `forceTokens holds an id outside this model's vocabulary of ${vocabulary} tokens.`);
    }
    return new ForcedOutput(lib, model, options.forceTokens);
  }

  /** Speculative decoding: drafts from the prompt, verified in the decode step (same output). Not
   *  under a grammar: controlledEvaluate, which verifies, samples without one. */
  private speculation(options: GenerateOptions, tokens: readonly Token[], constraint: Constraint): LookupPredictor | undefined {
    if (!this.options.speculative || options.speculation === "off" || constraint.state) return undefined;
    const costs = allOnGpu(this.deps.model) ? GPU_MIXTRAL_COSTS : CPU_MIXTRAL_COSTS;
    return new LookupPredictor(tokens, new DraftPolicy(costs, { ignoreCost: options.speculation === "always" }));
  }

  /** Generates until an end: abort, end of generation, a stop string, or the token limit.
   *  for-await's implicit return() ends the evaluation cleanly on break; the sampled token that
   *  made us stop is never evaluated, so the KV cache holds prompt + shown answer. */
  private async decode(
    job: Job,
    prompt: Prefilled,
    how: { options: GenerateOptions; constraint: Constraint; forced?: ForcedOutput; predictor?: LookupPredictor },
    onToken: (token: Token) => void,
    stopStringHit: () => boolean,
  ): Promise<Decoded> {
    const { model } = this.deps;
    const { options, constraint, forced, predictor } = how;
    const sampling =
      options.temperature > 0 ? { temperature: options.temperature, topK: 40, topP: 0.95, seed: options.seed } : { temperature: 0 };
    const pending = prompt.tokens.slice(prompt.position);
    // The plain path samples once per token, in order: the bias function counts positions.
    let forcedAt = 0;
    const source = predictor
      ? speculativeTokens(this.sequence, pending, { sampling, predictor, forced })
      : this.sequence.evaluate(pending, {
          ...sampling,
          grammarEvaluationState: constraint.state,
          ...(forced ? { tokenBias: () => forced.at(forcedAt++) ?? forced.none } : {}),
        });
    const decoded: Decoded = { stopReason: "maxTokens", generated: 0 };
    const stopKeepingAwake = allOnGpu(model) ? keepAwake() : undefined;
    try {
      for await (const token of source) {
        if (job.aborted) {
          decoded.stopReason = "abort";
          break;
        }
        decoded.firstTokenAt ??= performance.now();
        if (model.isEogToken(token)) {
          decoded.stopReason = "eos";
          break;
        }
        decoded.generated++;
        onToken(token);
        if (stopStringHit()) {
          decoded.stopReason = "stopString";
          break;
        }
        if (decoded.generated >= prompt.maxTokens) {
          decoded.stopReason = "maxTokens";
          break;
        }
      }
    } finally {
      stopKeepingAwake?.();
    }
    return decoded;
  }

  private finish(job: Job, text: string, stopReason: StopReason, stats: GenerationStats): void {
    send({ type: "done", requestId: job.requestId, text, stopReason, stats });
  }
}

/** Every layer on the GPU: the GPU's cost model for drafts, and keep the machine awake. */
function allOnGpu(model: LlamaModel): boolean {
  return model.gpuLayers > 0 && model.gpuLayers >= model.fileInsights.totalLayers;
}
