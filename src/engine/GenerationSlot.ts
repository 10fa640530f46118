// One context + one sequence serving one kind of request (chat/commands, or inline completion).
// The sequence is kept between requests so a prompt that extends the previous one reuses its KV
// cache; the prompt is evaluated in chunks so an abort is honoured within one chunk (node-llama-cpp
// ignores an abort until a whole prompt is evaluated: 21 s measured for 3,105 tokens).
import type {
  LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel,
} from "node-llama-cpp" with { "resolution-mode": "import" };
import type { GenerateOptions, GenerationStats, Slot, StopReason } from "../shared/engineProtocol";
import { CPU_MIXTRAL_COSTS, DraftPolicy, GPU_MIXTRAL_COSTS } from "../core/speculation/draftPolicy";
import { EngineFailure, send, sendError } from "./engineIpc";
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
/** Keeps the host's hang detector quiet while text is held back (stop-string prefix, UTF-8). */
const HEARTBEAT_MS = 2000;

interface Job {
  requestId: string;
  aborted: boolean;
}

export interface SlotDeps {
  lib: NodeLlamaCpp;
  model: LlamaModel;
  grammar(gbnf: string): Promise<LlamaGrammar>;
  /** A grammar from a JSON schema (createGrammarForJsonSchema), cached like `grammar`. */
  jsonSchemaGrammar(schema: Record<string, unknown>): Promise<LlamaGrammar>;
}

export class GenerationSlot {
  private readonly jobs = new Map<string, Job>();
  private tail: Promise<void> = Promise.resolve();

  /** @param supersede a new request aborts the ones before it (inline completion: only the
   *  newest keystroke matters); otherwise requests wait their turn (chat, commands).
   *  @param speculative whether requests here may use speculative decoding (speculativeDecode.ts). */
  constructor(
    readonly name: Slot,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    private readonly supersede: boolean,
    private readonly deps: SlotDeps,
    private readonly speculative = false,
  ) {}

  get contextSize(): number {
    return this.context.contextSize;
  }

  has(requestId: string): boolean {
    return this.jobs.has(requestId);
  }

  /** Runs a request to its end; sends chunk/done/error itself and never rejects. */
  async submit(requestId: string, options: GenerateOptions): Promise<void> {
    const job: Job = { requestId, aborted: false };
    if (this.supersede) for (const other of this.jobs.values()) other.aborted = true;
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
    await this.context.dispose();
  }

  private async execute(job: Job, options: GenerateOptions): Promise<void> {
    const started = performance.now();
    const { model, lib } = this.deps;
    const sequence = this.sequence;
    try {
      if (job.aborted) return this.finish(job, "", "abort", emptyStats(0, 0, started));
      const tokens = tokenizePrompt(model, options.prompt);
      if (tokens.length === 0) throw new EngineFailure("invalidOptions", "The prompt is empty.");
      const room = sequence.contextSize - tokens.length;
      if (room < 1) {
        throw new EngineFailure("contextFull", `The prompt has ${tokens.length} tokens but the ${this.name} context holds ${sequence.contextSize}. Shorten the conversation or raise mixtral.contextSize.`);
      }
      const maxTokens = Math.max(0, Math.min(options.maxTokens, room));

      // Keep the longest common prefix; at least one token is evaluated to get fresh logits.
      const reuse = Math.min(sequence.compareContextTokens(tokens).firstDifferentIndex, tokens.length - 1);
      if (sequence.nextTokenIndex > reuse) {
        await sequence.eraseContextTokenRanges([{ start: reuse, end: sequence.nextTokenIndex }]);
      }
      const evaluatedTokens = tokens.length - reuse;
      // The last chunk (with the final token) goes to evaluate() below: one batch fewer.
      let position = reuse;
      const chunk = model.gpuLayers > 0 ? PREFILL_CHUNK_GPU : PREFILL_CHUNK;
      while (tokens.length - position > chunk && !job.aborted) {
        const end = position + chunk;
        await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(position, end));
        position = end;
        send({ type: "progress", requestId: job.requestId, fraction: (end - reuse) / evaluatedTokens, message: "prompt" });
      }
      if (job.aborted) {
        // evaluatedTokens here says how far the prompt got before the abort took effect.
        return this.finish(job, "", "abort", emptyStats(tokens.length, position - reuse, started));
      }

      const grammar = options.grammar ? await this.deps.grammar(options.grammar)
        : options.jsonSchema ? await this.deps.jsonSchemaGrammar(options.jsonSchema) : undefined;
      const grammarState = grammar ? new lib.LlamaGrammarEvaluationState({ model, grammar }) : undefined;
      // A JSON-schema grammar lets whitespace follow the finished value without end: its own stop
      // trigger (four newlines) ends the answer there, as LlamaChatSession does.
      const grammarStops = (grammar?.stopGenerationTriggers ?? []).map((t) => (typeof t === "string" ? t : Array.isArray(t) ? t.filter((v) => typeof v === "string").join("") : t.toString()));
      const stream = new TextStream(model, tokens, [...(options.stopStrings ?? []), ...grammarStops]);
      // Speculative decoding: drafts from the prompt, verified in the decode step (same output).
      // Not under a grammar: controlledEvaluate, which verifies, samples without one.
      const allOnGpu = model.gpuLayers > 0 && model.gpuLayers >= model.fileInsights.totalLayers;
      const predictor = this.speculative && options.speculation !== "off" && !grammarState
        ? new LookupPredictor(tokens, new DraftPolicy(allOnGpu ? GPU_MIXTRAL_COSTS : CPU_MIXTRAL_COSTS, { ignoreCost: options.speculation === "always" }))
        : undefined;
      const vocabulary = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
      // A bias on an id past the vocabulary would index past llama.cpp's logits.
      if (options.forceTokens?.some((t) => !Number.isInteger(t) || t < 0 || t >= vocabulary)) {
        throw new EngineFailure("invalidOptions", `forceTokens holds an id outside this model's vocabulary of ${vocabulary} tokens.`);
      }
      const forced = options.forceTokens ? new ForcedOutput(lib, model, options.forceTokens) : undefined;
      let stopReason: StopReason = "maxTokens";
      let generated = 0;
      let firstTokenAt: number | undefined;
      let lastSentAt = performance.now();
      const emit = (text: string) => {
        if (text) send({ type: "chunk", requestId: job.requestId, text });
        if (text || performance.now() - lastSentAt > HEARTBEAT_MS) {
          if (!text) send({ type: "progress", requestId: job.requestId, fraction: 1, message: "generating" });
          lastSentAt = performance.now();
        }
      };
      if (maxTokens > 0) {
        const sampling = options.temperature > 0
          ? { temperature: options.temperature, topK: 40, topP: 0.95, seed: options.seed }
          : { temperature: 0 };
        // The plain path samples once per token, in order: the bias function counts positions.
        let forcedAt = 0;
        const source = predictor
          ? speculativeTokens(sequence, tokens.slice(position), { sampling, predictor, forced })
          : sequence.evaluate(tokens.slice(position), {
            ...sampling, grammarEvaluationState: grammarState, ...(forced ? { tokenBias: () => forced.at(forcedAt++) ?? forced.none } : {}),
          });
        // for-await's implicit return() ends the evaluation cleanly on break; the sampled token
        // that made us stop is never evaluated, so the KV cache holds prompt + shown answer.
        const stopKeepingAwake = model.gpuLayers > 0 && model.gpuLayers >= model.fileInsights.totalLayers ? keepAwake() : undefined;
        try {
          for await (const token of source) {
            if (job.aborted) { stopReason = "abort"; break; }
            firstTokenAt ??= performance.now();
            if (model.isEogToken(token)) { stopReason = "eos"; break; }
            generated++;
            emit(stream.push(token));
            if (stream.stopStringHit) { stopReason = "stopString"; break; }
            if (generated >= maxTokens) { stopReason = "maxTokens"; break; }
          }
        } finally {
          stopKeepingAwake?.();
        }
      }
      emit(stream.finish());
      const text = grammar?.trimWhitespaceSuffix ? stream.fullText.trimEnd() : stream.fullText;
      const ended = performance.now();
      const decodeMs = firstTokenAt === undefined ? 0 : ended - firstTokenAt;
      const stats: GenerationStats = {
        promptTokens: tokens.length,
        evaluatedTokens,
        generatedTokens: generated,
        ttftMs: firstTokenAt === undefined ? 0 : firstTokenAt - started,
        // The first token's time is prompt evaluation; the rate counts the tokens after it.
        tokensPerSecond: generated > 1 && decodeMs > 0 ? ((generated - 1) * 1000) / decodeMs : 0,
        totalMs: ended - started,
      };
      if (predictor) stats.speculation = predictor.counts;
      // A grammar's stop trigger is its way to say "done": the answer ended normally.
      this.finish(job, text, stopReason === "stopString" && grammarStops.length > 0 && !options.stopStrings?.length ? "eos" : stopReason, stats);
    } catch (error) {
      sendError(job.requestId, error);
    }
  }

  private finish(job: Job, text: string, stopReason: StopReason, stats: GenerationStats): void {
    send({ type: "done", requestId: job.requestId, text, stopReason, stats });
  }
}

function emptyStats(promptTokens: number, evaluatedTokens: number, started: number): GenerationStats {
  return { promptTokens, evaluatedTokens, generatedTokens: 0, ttftMs: 0, tokensPerSecond: 0, totalMs: performance.now() - started };
}
