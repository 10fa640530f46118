// Speculative decoding on real edits (issue 17), through the product's engine path: EngineClient →
// dist/engine.js → GenerationSlot, with the refactor command's own prompt (buildFeaturePrompt).
// The model's output is forced to the real answer (a fenced block holding the "after" text) by
// GenerateOptions.forceTokens, identically in every arm: a grammar cannot do it (the verification
// step, controlledEvaluate, samples without a grammar), and a synthetic model never writes the
// edit by itself. Arms: "off" (one token per step), "auto" (the cost model decides) and "always"
// (draft on every long match: the mechanism's ceiling on this machine). Arms alternate per edit.
import type { EngineClient } from "../../src/core/engine/EngineClient";
import { buildFeaturePrompt } from "../../src/core/prompt/featurePrompt";
import type { PromptSegment, Speculation } from "../../src/shared/engineProtocol";
import { keepsMostLines, keptLineFraction, type Edit } from "./editCorpus";
import { median, percentile } from "./stats";

export const ARMS: readonly Speculation[] = ["off", "auto", "always"];

export interface ArmRun { tokensPerSecond: number; tokens: number; proposed: number; accepted: number; drafts: number; text: string }

export interface EditRun {
  id: string;
  language: string;
  kept: number;
  keepsMost: boolean;
  promptTokens: number;
  arms: Partial<Record<Speculation, ArmRun>>;
  /** Every arm wrote the same text (the forced answer). */
  identical: boolean;
}

export interface SpecDecodeFigures {
  edits: EditRun[];
  /** Per arm: ratio to "off" per edit, median and quartiles, over the edits that keep most lines. */
  summary: Partial<Record<Speculation, { median: number; p25: number; p75: number; min: number; max: number; acceptedShare: number }>>;
  /** Free chat with nothing to copy: tok/s per arm, and auto ÷ off (goal ≥ 0.97). */
  chat?: { off: number; auto: number; ratio: number; runs: number; tokens: number };
}

/** The refactor command's prompt for an edit (as CodeCommands builds it) and the answer the
 *  model is made to write. */
export function editPrompt(e: Edit): { prompt: PromptSegment[]; answer: string } {
  const lines = e.before.split("\n").length - 1;
  const built = buildFeaturePrompt("refactor", { filePath: e.path, language: e.language, selection: e.before, startLine: 1, endLine: lines, instruction: e.instruction });
  return { prompt: built.segments, answer: "```" + e.language + "\n" + e.after + "```" };
}

async function runArm(client: EngineClient, prompt: PromptSegment[], forceTokens: number[], speculation: Speculation): Promise<ArmRun> {
  const r = await client.generate({ slot: "chat", prompt, maxTokens: forceTokens.length, temperature: 0, forceTokens, speculation }, () => undefined);
  const s = r.stats.speculation;
  return { tokensPerSecond: r.stats.tokensPerSecond, tokens: r.stats.generatedTokens, proposed: s?.proposed ?? 0, accepted: s?.accepted ?? 0, drafts: s?.drafts ?? 0, text: r.text };
}

export interface SpecDecodeOptions {
  arms?: readonly Speculation[];
  /** Free-chat runs per arm (0: skip). Default 3. */
  chatRuns?: number;
  chatTokens?: number;
  /** Force only the answer's first N tokens (quick runs); default all. */
  maxAnswerTokens?: number;
  onEdit?: (run: EditRun) => void;
}

export async function measureSpecDecode(client: EngineClient, edits: readonly Edit[], o: SpecDecodeOptions = {}): Promise<SpecDecodeFigures> {
  const arms = o.arms ?? ARMS;
  const runs: EditRun[] = [];
  for (const [i, e] of edits.entries()) {
    const { prompt, answer } = editPrompt(e);
    const forceTokens = (await client.tokenize([{ type: "text", text: answer }])).tokens.slice(0, o.maxAnswerTokens);
    const promptTokens = (await client.tokenize(prompt)).tokens.length;
    // Rotate the order so no arm always runs first (the first pays the prompt; decode is measured).
    const order = arms.map((_, k) => arms[(k + i) % arms.length]);
    const result: EditRun["arms"] = {};
    for (const arm of order) result[arm] = await runArm(client, prompt, forceTokens, arm);
    const texts = new Set(Object.values(result).map((r) => r.text));
    const kept = keptLineFraction(e.before, e.after);
    const run: EditRun = { id: e.id, language: e.language, kept, keepsMost: keepsMostLines(kept), promptTokens, arms: result, identical: texts.size === 1 };
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
    summary[arm] = { median: median(ratios), p25: percentile(ratios, 25), p75: percentile(ratios, 75), min: Math.min(...ratios), max: Math.max(...ratios), acceptedShare: proposed ? accepted / proposed : 0 };
  }
  const figures: SpecDecodeFigures = { edits: runs, summary };
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
      const prompt = buildFeaturePrompt("ask", { question: `Run ${i}: what is a mixture of experts, in two sentences?`, language: "text", selection: "" }).segments;
      const r = await client.generate({ slot: "chat", prompt, maxTokens: tokens, temperature: 0, speculation: arm }, () => undefined);
      rates[arm].push(r.stats.tokensPerSecond);
    }
  }
  const off = median(rates.off);
  const auto = median(rates.auto);
  return { off, auto, ratio: auto / off, runs, tokens };
}
