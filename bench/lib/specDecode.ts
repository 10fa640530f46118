// Speculative decoding on real edits (issue 17), through the product's engine path: EngineClient →
// dist/engine.js → GenerationSlot, with the refactor command's own prompt (buildFeaturePrompt).
// The model's output is forced to the real answer (a fenced block holding the "after" text) by
// GenerateOptions.forceTokens, identically in every arm: a grammar cannot do it (the verification
// step, controlledEvaluate, samples without a grammar), and a synthetic model never writes the
// edit by itself. Arms: "off" (one token per step), "auto" (the cost model decides) and "always"
// (draft on every long match: the mechanism's ceiling on this machine). Arms alternate per edit.
import type { EngineClient } from "../../src/core/engineClient/EngineClient";
import { buildCompletionContext } from "../../src/core/completion/completionContext";
import { buildCompletionPrompt } from "../../src/core/completion/completionPrompt";
import { buildFeaturePrompt } from "../../src/core/prompt/featurePrompt";
import { DraftPolicy, GPU_MIXTRAL_COSTS, verifyCost, type VerifyCostTable } from "../../src/core/speculation/draftPolicy";
import { LookupPredictor } from "../../src/engine/LookupPredictor";
import type { PromptSegment, Speculation } from "../../src/shared/engineProtocol";
import { keepsMostLines, keptLineFraction, type Edit } from "./editCorpus";
import { median, percentile } from "./stats";

export const ARMS: readonly Speculation[] = ["off", "auto", "always"];

export interface ArmRun {
  tokensPerSecond: number;
  tokens: number;
  proposed: number;
  accepted: number;
  drafts: number;
  text: string;
}

export interface EditRun {
  id: string;
  language: string;
  kept: number;
  keepsMost: boolean;
  promptTokens: number;
  arms: Partial<Record<Speculation, ArmRun>>;
  /** Every arm wrote the same text. */
  identical: boolean;
  /** Every arm wrote the forced answer (else the forcing lost to the model's own logits, and
   *  the figures measure nothing: the run fails). */
  forced: boolean;
  /** simulateAuto on the H200 table. */
  simulatedGpu: { ratio: number; proposed: number; accepted: number; drafts: number };
}

/** The arm's speed relative to one token per step, from its step counts and a cost table instead
 *  of the clock: what the same drafts give where verifying k tokens costs `table`'s k steps. Each
 *  draft is taken at the arm's average draft length. Steady where the clock is not (a shared CPU). */
export function modeledRatio(run: ArmRun, table: VerifyCostTable): number {
  if (run.drafts === 0) return 1;
  const plainSteps = run.tokens - run.drafts - run.accepted;
  const cost = Math.max(0, plainSteps) + run.drafts * verifyCost(table, 1 + run.proposed / run.drafts);
  return run.tokens / cost;
}

/** The engine's drafting, replayed without a model: the product's LookupPredictor and DraftPolicy
 *  over the prompt's tokens, for a model that writes `output`, with the verification cost of
 *  `table`. Speed relative to one token per step. What "auto" would do on the machine of the table
 *  (the H200's, run here), where only the GPU run can measure it. */
export function simulateAuto(
  prompt: readonly number[],
  output: readonly number[],
  table: VerifyCostTable,
): { ratio: number; proposed: number; accepted: number; drafts: number } {
  const predictor = new LookupPredictor(prompt, new DraftPolicy(table));
  let produced = 0;
  let cost = 0;
  while (produced < output.length) {
    const draft = predictor.draft(output.length);
    let accepted = 0;
    while (accepted < draft.length && produced + accepted < output.length && draft[accepted] === output[produced + accepted]) accepted++;
    predictor.verified(accepted, draft.length);
    const step = output.slice(produced, produced + accepted + 1);
    cost += draft.length ? verifyCost(table, 1 + draft.length) : 1;
    predictor.push(step);
    produced += step.length;
  }
  return { ratio: output.length / cost, ...predictor.counts };
}

export interface SpecDecodeFigures {
  edits: EditRun[];
  /** Per arm: ratio to "off" per edit, median and quartiles, over the edits that keep most lines. */
  summary: Partial<Record<Speculation, { median: number; p25: number; p75: number; min: number; max: number; acceptedShare: number }>>;
  /** Free chat with nothing to copy: tok/s per arm, and auto ÷ off (goal ≥ 0.97). */
  chat?: { off: number; auto: number; ratio: number; bestOff: number; bestAuto: number; bestRatio: number; runs: number; tokens: number };
  /** Inline-completion-shaped requests (does drafting pay there?): per arm, median decode ratio
   *  to "off" and the share of drafted tokens accepted. */
  completion?: {
    requests: number;
    tokens: number;
    arms: Partial<Record<Speculation, { median: number; drafts: number; acceptedShare: number }>>;
  };
}

/** The refactor command's prompt for an edit (as CodeCommands builds it) and the answer the
 *  model is made to write. */
export function editPrompt(e: Edit): { prompt: PromptSegment[]; answer: string } {
  const lines = e.before.split("\n").length - 1;
  const built = buildFeaturePrompt("refactor", {
    filePath: e.path,
    language: e.language,
    selection: e.before,
    startLine: 1,
    endLine: lines,
    instruction: e.instruction,
  });
  return { prompt: built.segments, answer: "```" + e.language + "\n" + e.after + "```" };
}

async function runArm(client: EngineClient, prompt: PromptSegment[], forceTokens: number[], speculation: Speculation): Promise<ArmRun> {
  const r = await client.generate(
    { slot: "chat", prompt, maxTokens: forceTokens.length, temperature: 0, forceTokens, speculation },
    () => undefined,
  );
  const s = r.stats.speculation;
  return {
    tokensPerSecond: r.stats.tokensPerSecond,
    tokens: r.stats.generatedTokens,
    proposed: s?.proposed ?? 0,
    accepted: s?.accepted ?? 0,
    drafts: s?.drafts ?? 0,
    text: r.text,
  };
}

export interface SpecDecodeOptions {
  arms?: readonly Speculation[];
  /** Free-chat runs per arm (0: skip). Default 3. */
  chatRuns?: number;
  chatTokens?: number;
  /** Also measure inline-completion-shaped requests. Default false. */
  completions?: boolean;
  /** Only the completion-shaped requests (and free chat): no edit runs. Default false. */
  completionsOnly?: boolean;
  /** Force only the answer's first N tokens (quick runs); default all. */
  maxAnswerTokens?: number;
  onEdit?: (run: EditRun) => void;
}

export async function measureSpecDecode(
  client: EngineClient,
  edits: readonly Edit[],
  o: SpecDecodeOptions = {},
): Promise<SpecDecodeFigures> {
  const arms = o.arms ?? ARMS;
  const runs: EditRun[] = [];
  for (const [i, e] of (o.completionsOnly ? [] : edits).entries()) {
    const { prompt, answer } = editPrompt(e);
    const forceTokens = (await client.tokenize([{ type: "text", text: answer }])).tokens.slice(0, o.maxAnswerTokens);
    const promptIds = (await client.tokenize(prompt)).tokens;
    const promptTokens = promptIds.length;
    // Rotate the order so no arm always runs first (the first pays the prompt; decode is measured).
    const order = arms.map((_, k) => arms[(k + i) % arms.length]);
    const result: EditRun["arms"] = {};
    for (const arm of order) result[arm] = await runArm(client, prompt, forceTokens, arm);
    const texts = new Set(Object.values(result).map((r) => r.text));
    // The text is the answer (or its start, with maxAnswerTokens); SentencePiece may add a space.
    const forced = Object.values(result).every((r) => {
      const text = r.text.replace(/^ /, "");
      return text.length > 0 && answer.startsWith(text) && (o.maxAnswerTokens !== undefined || text.trimEnd() === answer.trimEnd());
    });
    const kept = keptLineFraction(e.before, e.after);
    const run: EditRun = {
      id: e.id,
      language: e.language,
      kept,
      keepsMost: keepsMostLines(kept),
      promptTokens,
      arms: result,
      identical: texts.size === 1,
      forced,
      simulatedGpu: simulateAuto(promptIds, forceTokens, GPU_MIXTRAL_COSTS),
    };
    runs.push(run);
    o.onEdit?.(run);
  }
  const summary: SpecDecodeFigures["summary"] = {};
  for (const arm of arms) {
    const counted = runs.filter((r) => r.keepsMost && r.arms[arm] && r.arms.off);
    const ratios = counted.map((r) => r.arms[arm]!.tokensPerSecond / r.arms.off!.tokensPerSecond).filter(Number.isFinite);
    if (!ratios.length) continue;
    const proposed = counted.reduce((n, r) => n + r.arms[arm]!.proposed, 0);
    const accepted = counted.reduce((n, r) => n + r.arms[arm]!.accepted, 0);
    summary[arm] = {
      median: median(ratios),
      p25: percentile(ratios, 25),
      p75: percentile(ratios, 75),
      min: Math.min(...ratios),
      max: Math.max(...ratios),
      acceptedShare: proposed ? accepted / proposed : 0,
    };
  }
  const figures: SpecDecodeFigures = { edits: runs, summary };
  if (o.completions || o.completionsOnly) figures.completion = await measureCompletions(client, edits, arms);
  const chatRuns = o.chatRuns ?? 3;
  if (chatRuns > 0) figures.chat = await measureFreeChat(client, chatRuns, o.chatTokens ?? 64);
  return figures;
}

/** A chat answer with nothing to copy (the synthetic model writes text unrelated to its prompt):
 *  what the lookup and the draft policy cost when they find nothing. Arms alternate. */
async function measureFreeChat(client: EngineClient, runs: number, tokens: number): Promise<NonNullable<SpecDecodeFigures["chat"]>> {
  const rates: Record<"off" | "auto", number[]> = { off: [], auto: [] };
  for (let i = 0; i < runs; i++) {
    for (const arm of i % 2 ? (["auto", "off"] as const) : (["off", "auto"] as const)) {
      const prompt = buildFeaturePrompt("ask", {
        question: `Run ${i}: what is a mixture of experts, in two sentences?`,
        language: "text",
        selection: "",
      }).segments;
      const r = await client.generate({ slot: "chat", prompt, maxTokens: tokens, temperature: 0, speculation: arm }, () => undefined);
      rates[arm].push(r.stats.tokensPerSecond);
    }
  }
  const off = median(rates.off);
  const auto = median(rates.auto);
  // On a loaded machine preemption only ever slows a run: the best run is the least disturbed.
  const bestOff = Math.max(...rates.off);
  const bestAuto = Math.max(...rates.auto);
  return { off, auto, ratio: auto / off, bestOff, bestAuto, bestRatio: bestAuto / bestOff, runs, tokens };
}

/** The inline-completion prompt (the product's own builders) as the user is about to write two
 *  lines in the middle of the edit's "after" text: those lines are taken out of the document, the
 *  cursor is on the empty line in their place, and the model is made to write them (at most 32
 *  tokens, the size of a suggestion). So what it writes is not the code right after the cursor in
 *  its prompt (until 2026-12-04 it was: the cursor stood before the two lines, which then opened
 *  the prompt's "code after the cursor", and every arm could copy them from there). On the chat
 *  slot: this is how to see whether the completion slot should draft. */
async function measureCompletions(
  client: EngineClient,
  edits: readonly Edit[],
  arms: readonly Speculation[],
): Promise<NonNullable<SpecDecodeFigures["completion"]>> {
  const ratios: Partial<Record<Speculation, number[]>> = {};
  const drafted: Partial<Record<Speculation, { drafts: number; proposed: number; accepted: number }>> = {};
  let tokens = 0;
  let requests = 0;
  for (const e of edits) {
    const lines = e.after.split("\n");
    const line = Math.floor(lines.length / 2);
    const written = lines.slice(line, line + 2).join("\n") + "\n";
    if (!written.trim()) continue;
    const text = [...lines.slice(0, line), "", ...lines.slice(line + 2)].join("\n");
    const ctx = buildCompletionContext({ uri: `bench:${e.id}`, path: e.path, languageId: e.language, text, line, character: 0 });
    const prompt = buildCompletionPrompt(ctx, [], { multiline: true });
    const forceTokens = (await client.tokenize([{ type: "text", text: written }])).tokens.slice(0, 32);
    const rates: Partial<Record<Speculation, number>> = {};
    for (const arm of arms) {
      const r = await runArm(client, prompt.segments, forceTokens, arm);
      rates[arm] = r.tokensPerSecond;
      const d = (drafted[arm] ??= { drafts: 0, proposed: 0, accepted: 0 });
      d.drafts += r.drafts;
      d.proposed += r.proposed;
      d.accepted += r.accepted;
    }
    tokens += forceTokens.length;
    requests++;
    for (const arm of arms) if (rates.off && rates[arm]) (ratios[arm] ??= []).push(rates[arm]! / rates.off);
  }
  const out: NonNullable<SpecDecodeFigures["completion"]>["arms"] = {};
  for (const arm of arms) {
    const d = drafted[arm];
    if (ratios[arm]?.length && d)
      out[arm] = { median: median(ratios[arm]!), drafts: d.drafts, acceptedShare: d.proposed ? d.accepted / d.proposed : 0 };
  }
  return { requests, tokens: requests ? tokens / requests : 0, arms: out };
}
