// This machine's cost of verifying k tokens in one decode step, relative to k = 1: the measurement
// behind src/core/speculation/draftPolicy.ts's tables (docs/FACTS.md has the H200's). node-llama-cpp's
// `controlledEvaluate` with a greedy token per position, after `depth` tokens, as speculative
// decoding's verification does; median of `runs`.
import { median } from "./stats";

export interface VerifyCostOptions {
  modelPath: string;
  threads: number;
  ks?: number[];
  depth?: number;
  runs?: number;
  /** Default false (CPU). */
  gpu?: boolean;
}

export interface VerifyCostFigures {
  depth: number;
  /** [k, median ms, ratio to k = 1]. */
  rows: [number, number, number][];
}

export async function measureVerifyCost(o: VerifyCostOptions): Promise<VerifyCostFigures> {
  const lib = await import("node-llama-cpp");
  const ks = o.ks ?? [1, 2, 4, 8, 16, 32];
  const depth = o.depth ?? 512;
  const runs = o.runs ?? 5;
  const llama = await lib.getLlama({
    gpu: o.gpu ? "auto" : false,
    build: "never",
    maxThreads: o.threads,
    logLevel: lib.LlamaLogLevel.error,
  });
  const model = await llama.loadModel({ modelPath: o.modelPath, gpuLayers: o.gpu ? "max" : 0 });
  const context = await model.createContext({ contextSize: depth + 2 * Math.max(...ks) + 8, sequences: 1 });
  try {
    const sequence = context.getSequence();
    const vocab = model.tokenize("the function returns a value for each item in the list when called");
    const prefix = Array.from({ length: depth }, (_, i) => vocab[i % vocab.length]);
    await sequence.evaluateWithoutGeneratingNewTokens(prefix);
    const times = new Map<number, number[]>(ks.map((k) => [k, []]));
    for (let r = 0; r < runs + 1; r++) {
      for (const k of ks) {
        const input = Array.from(
          { length: k },
          (_, i) => [vocab[(i * 3 + r) % vocab.length], { generateNext: { token: true, options: { temperature: 0 } } }] as const,
        );
        const t0 = performance.now();
        await sequence.controlledEvaluate(input.map(([t, opts]) => [t, opts]));
        const ms = performance.now() - t0;
        if (r > 0) times.get(k)!.push(ms); // the first round warms up
        await sequence.eraseContextTokenRanges([{ start: depth, end: sequence.nextTokenIndex }]);
      }
    }
    const base = median(times.get(ks[0])!);
    return { depth, rows: ks.map((k) => [k, median(times.get(k)!), median(times.get(k)!) / base]) };
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}

if (require.main === module) {
  const [modelPath, threads] = process.argv.slice(2);
  measureVerifyCost({ modelPath, threads: Number(threads ?? 1) }).then(
    (f) => process.stdout.write(f.rows.map(([k, ms, r]) => `k=${k} ${ms.toFixed(2)} ms ${r.toFixed(2)}x`).join("\n") + "\n"),
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
