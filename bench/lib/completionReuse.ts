// Inline completion with and without KV-cache reuse, side by side: every keystroke of the scripted
// typing session sent in turn (no debounce, no typing delays) through the real engine's completion
// slot with the prompt CompletionService builds. "Without reuse" sends a one-token throwaway prompt
// before each request, so the slot keeps nothing but BOS and the whole prompt is evaluated again:
// what an engine without prefix reuse does. Only the real request is timed.
import type { CompletionService } from "../../src/core/completion/CompletionService";
import type { CursorSnapshot, DocumentSnapshot } from "../../src/core/completion/types";
import type { EngineClient } from "../../src/core/engineClient/EngineClient";
import { mean, percentile, ratio } from "./stats";

export interface ReuseSide {
  p50Ms: number;
  p95Ms: number;
  evaluatedPerKey: number;
  promptTokens: number;
}
export interface ReuseComparison {
  keystrokes: number;
  maxTokens: number;
  reuse: ReuseSide;
  noReuse: ReuseSide;
  latencyRatio: number;
  evaluatedRatio: number;
}

export async function compareReuse(
  client: EngineClient,
  service: CompletionService,
  steps: readonly CursorSnapshot[],
  others: readonly DocumentSnapshot[],
  maxTokens: number,
): Promise<ReuseComparison> {
  const samples = {
    reuse: { ms: [] as number[], evaluated: [] as number[], prompt: [] as number[] },
    noReuse: { ms: [] as number[], evaluated: [] as number[], prompt: [] as number[] },
  };
  const send = async (step: CursorSnapshot, side: keyof typeof samples): Promise<void> => {
    const { prompt } = service.preparePrompt(step, others);
    if (side === "noReuse") {
      await client.generate(
        { slot: "completion", prompt: [{ type: "bos" }, { type: "text", text: "flush" }], maxTokens: 1, temperature: 0 },
        () => {},
      );
    }
    const started = performance.now();
    const r = await client.generate(
      { slot: "completion", prompt: prompt.segments, maxTokens, temperature: 0, stopStrings: prompt.stopStrings },
      () => {},
    );
    samples[side].ms.push(performance.now() - started);
    samples[side].evaluated.push(r.stats.evaluatedTokens);
    samples[side].prompt.push(r.stats.promptTokens);
  };
  // The two replays alternate in blocks of keystrokes so machine noise hits both alike; each block
  // starts by re-sending the previous keystroke (untimed) so the reuse side's cache is warm.
  const block = 10;
  for (let start = 0; start < steps.length; start += block) {
    for (const side of (start / block) % 2 === 0 ? (["reuse", "noReuse"] as const) : (["noReuse", "reuse"] as const)) {
      if (side === "reuse" && start > 0)
        await client.generate(
          { slot: "completion", prompt: service.preparePrompt(steps[start - 1], others).prompt.segments, maxTokens: 1, temperature: 0 },
          () => {},
        );
      for (let i = start; i < Math.min(steps.length, start + block); i++) await send(steps[i], side);
    }
  }
  // The first keystroke of the session is cold on both sides.
  const side = (s: { ms: number[]; evaluated: number[]; prompt: number[] }): ReuseSide => ({
    p50Ms: percentile(s.ms.slice(1), 50),
    p95Ms: percentile(s.ms.slice(1), 95),
    evaluatedPerKey: mean(s.evaluated.slice(1)),
    promptTokens: mean(s.prompt),
  });
  const reuse = side(samples.reuse);
  const noReuse = side(samples.noReuse);
  return {
    keystrokes: steps.length,
    maxTokens,
    reuse,
    noReuse,
    latencyRatio: ratio(noReuse.p50Ms, reuse.p50Ms),
    evaluatedRatio: ratio(noReuse.evaluatedPerKey, reuse.evaluatedPerKey),
  };
}
