// Focused probes with node-llama-cpp called directly, for the two gaps run 4 left open:
//   1. the per-token host turnaround (does keeping the JavaScript thread awake while the GPU works,
//      instead of sleeping in epoll until the worker thread signals, shorten it?), and
//   2. the partial offload (20 of 33 layers): is the library as fast as llama-bench there, and how
//      does it depend on the thread count?
//   node gpuBench.js probe --model <gguf> --threads N --results <jsonl> [--gpu-layers max|N] [--runs 3]
//                          [--tokens 128] [--thread-variants 16,8] [--tag <label for this environment>]
import type { LlamaContextSequence, Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import * as path from "node:path";
import { argValue, decodeRate, median, promptText, record } from "./common";
import { keepAwake } from "../../src/engine/keepAwake";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

async function generate(seq: LlamaContextSequence, tokens: Token[], n: number, awake: boolean): Promise<number> {
  await seq.clearHistory();
  const times: number[] = [];
  const stop = awake ? keepAwake() : () => undefined;
  try {
    for await (const _token of seq.evaluate(tokens, { temperature: 0 })) {
      times.push(performance.now());
      if (times.length >= n) break;
    }
  } finally {
    stop();
  }
  return decodeRate(times);
}

export async function runProbe(argv: string[]): Promise<void> {
  const modelPath = argValue(argv, "model");
  const threads = Number(argValue(argv, "threads"));
  const runs = Number(argValue(argv, "runs", "3"));
  const results = argValue(argv, "results");
  const layersArg = argValue(argv, "gpu-layers", "max");
  const gpuLayers = layersArg === "max" ? "max" : Number(layersArg);
  const n = Number(argValue(argv, "tokens", "128"));
  const lib: NodeLlamaCpp = await import("node-llama-cpp");
  const backend = argValue(argv, "backend", "cuda"); // cpu: a quick check of the script here
  const llama = await lib.getLlama({ gpu: backend === "cpu" ? false : "cuda", build: "never", maxThreads: threads, logLevel: lib.LlamaLogLevel.warn, progressLogs: false });
  const loaded = await llama.loadModel({ modelPath, gpuLayers, defaultContextFlashAttention: true, ignoreMemorySafetyChecks: true });
  const model = `${path.basename(modelPath)} ngl=${loaded.gpuLayers}`;
  const tok = (salt: number): Token[] => [loaded.tokens.bos as Token, ...loaded.tokenize(promptText(511, salt))];
  const variantsArg = argValue(argv, "thread-variants", "");
  const threadVariants = variantsArg ? variantsArg.split(",").map(Number)
    : gpuLayers === "max" ? [threads] : [...new Set([threads, Math.max(1, Math.floor(threads / 2)), Math.max(1, threads - 1)])];
  const tag = argValue(argv, "tag", "");
  try {
    for (const t of threadVariants) {
      const context = await loaded.createContext({ contextSize: 4096, sequences: 1, flashAttention: true, threads: t });
      const seq = context.getSequence();
      for (const awake of [false, true]) {
        await generate(seq, tok(17), Math.min(n, 16), awake); // warm-up
        const rates: number[] = [];
        // Alternate salts so no run reuses another's KV cache.
        for (let r = 0; r < runs; r++) rates.push(await generate(seq, tok(r), n, awake));
        record(results, { path: "probe", test: `decode@512 threads=${t}${awake ? " awake" : ""}${tag ? ` ${tag}` : ""}`, model, value: median(rates), unit: "tok/s", runs: rates.map((x) => +x.toFixed(1)).join("/") });
      }
      await context.dispose();
    }
  } finally {
    await loaded.dispose();
    await llama.dispose();
  }
}
