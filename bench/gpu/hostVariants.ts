// Host-side variants of a decode loop for the probe (bench/gpu/probeBench.ts): how much of the gap to
// llama-bench is the turnaround between node-llama-cpp's native jobs, and which of it a caller can
// remove. (A "fused" variant that queued the sampling job right behind the decode job, through
// node-llama-cpp's internals, was tried in run 6 and dropped: the library applies the sampler's
// configuration on the JavaScript thread between the two jobs, so it raced with the worker and
// sampling failed on the GPU.)
import type { LlamaContextSequence, Token } from "node-llama-cpp" with { "resolution-mode": "import" };

/** "micro": the context's batch dispatch runs on a microtask instead of setImmediate (public option;
 *  the engine's contexts use it since run 6). */
export const microDispatch = { dispatchSchedule: (dispatch: () => void) => queueMicrotask(dispatch) };

/** "floor": one evaluateWithoutGeneratingNewTokens per token (no logits, no sampling): the
 *  library's per-token floor. Returns per-token arrival times. */
export async function floorLoop(seq: LlamaContextSequence, prompt: Token[], n: number): Promise<number[]> {
  await seq.evaluateWithoutGeneratingNewTokens(prompt);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    await seq.evaluateWithoutGeneratingNewTokens([prompt[1 + (i % (prompt.length - 1))]]);
    times.push(performance.now());
  }
  return times;
}

interface AddonContextLike {
  decodeBatch(): Promise<void>;
  sampleToken(...args: unknown[]): Promise<unknown>;
}

/** "timed": wraps the context's two native jobs (decode, sample) to time each from the call to the
 *  moment its promise settles on the JavaScript thread. Behaviour is unchanged; the rest of a token's
 *  time is JavaScript in node-llama-cpp and the caller. Reaches into node-llama-cpp 3.21.1's
 *  internals (probe only). */
export function timeNativeJobs(context: object): { decodeMs: number[]; sampleMs: number[] } {
  const ctx = (context as { _ctx: AddonContextLike })._ctx;
  const out = { decodeMs: [] as number[], sampleMs: [] as number[] };
  const wrap = (name: keyof AddonContextLike, into: number[]): void => {
    const original = (ctx[name] as (...a: unknown[]) => Promise<unknown>).bind(ctx);
    Object.defineProperty(ctx, name, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        const started = performance.now();
        const done = original(...args);
        void done.then(
          () => into.push(performance.now() - started),
          () => undefined,
        );
        return done;
      },
    });
  };
  wrap("decodeBatch", out.decodeMs);
  wrap("sampleToken", out.sampleMs);
  return out;
}
