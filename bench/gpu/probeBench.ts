// Focused probes with node-llama-cpp called directly, for the two gaps run 4 left open:
//   1. the per-token host turnaround (does keeping the JavaScript thread awake while the GPU works,
//      instead of sleeping in epoll until the worker thread signals, shorten it?), and
//   2. the partial offload (20 of 33 layers): is the library as fast as llama-bench there, and how
//      does it depend on the thread count?
//   node gpuBench.js probe --model <gguf> --threads N --results <jsonl> [--gpu-layers max|N] [--runs 3]
//                          [--tokens 128] [--thread-variants 16,8] [--tag <label for this environment>]
//                          [--variants plain,awake,awake+micro,floor,awake+floor,awake+micro+floor]
import type { LlamaContextSequence, Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import * as path from "node:path";
import { argValue, decodeRate, median, promptText, record } from "./common";
import { keepAwake } from "../../src/engine/keepAwake";
import { floorLoop, microDispatch, timeNativeJobs } from "./hostVariants";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

async function generate(seq: LlamaContextSequence, tokens: Token[], n: number, awake: boolean, floor = false): Promise<number> {
  await seq.clearHistory();
  let times: number[] = [];
  const stop = awake ? keepAwake() : () => undefined;
  try {
    if (floor) times = await floorLoop(seq, tokens, n);
    else {
      for await (const _token of seq.evaluate(tokens, { temperature: 0 })) {
        times.push(performance.now());
        if (times.length >= n) break;
      }
    }
  } finally {
    stop();
  }
  return decodeRate(times);
}

/** Median ms per decode job and per sample job (the median leaves out the prompts' long decodes). */
function nativeJobTimes(t: { decodeMs: number[]; sampleMs: number[] }): Record<string, number> {
  return { decodeJobMsP50: median(t.decodeMs), sampleJobMsP50: median(t.sampleMs), jobs: t.sampleMs.length };
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
  const llama = await lib.getLlama({
    gpu: backend === "cpu" ? false : "cuda",
    build: "never",
    maxThreads: threads,
    logLevel: lib.LlamaLogLevel.warn,
    progressLogs: false,
  });
  const loaded = await llama.loadModel({ modelPath, gpuLayers, defaultContextFlashAttention: true, ignoreMemorySafetyChecks: true });
  const model = `${path.basename(modelPath)} ngl=${loaded.gpuLayers}`;
  const tok = (salt: number): Token[] => [loaded.tokens.bos as Token, ...loaded.tokenize(promptText(511, salt))];
  const variantsArg = argValue(argv, "thread-variants", "");
  const threadVariants = variantsArg
    ? variantsArg.split(",").map(Number)
    : gpuLayers === "max"
      ? [threads]
      : [...new Set([threads, Math.max(1, Math.floor(threads / 2)), Math.max(1, threads - 1)])];
  const tag = argValue(argv, "tag", "");
  const variants = argValue(argv, "variants", "plain,awake").split(",");
  try {
    for (const t of threadVariants) {
      for (const variant of variants) {
        const flags = new Set(variant.split("+"));
        const context = await loaded.createContext({
          contextSize: 4096,
          sequences: 1,
          flashAttention: true,
          threads: t,
          ...(flags.has("micro") ? { batching: microDispatch } : {}),
        });
        const timed = flags.has("timed") ? timeNativeJobs(context) : undefined;
        const seq = context.getSequence();
        const awake = flags.has("awake"),
          floor = flags.has("floor");
        await generate(seq, tok(17), Math.min(n, 16), awake, floor); // warm-up
        timed?.decodeMs.splice(0);
        timed?.sampleMs.splice(0);
        const rates: number[] = [];
        // Alternate salts so no run reuses another's KV cache.
        for (let r = 0; r < runs; r++) rates.push(await generate(seq, tok(r), n, awake, floor));
        const label = variant === "plain" ? "" : variant === "awake" ? " awake" : ` ${variant}`;
        record(results, {
          path: "probe",
          test: `decode@512 threads=${t}${label}${tag ? ` ${tag}` : ""}`,
          model,
          value: median(rates),
          unit: "tok/s",
          runs: rates.map((x) => +x.toFixed(1)).join("/"),
          ...(timed ? nativeJobTimes(timed) : {}),
        });
        await context.dispose();
      }
    }
  } finally {
    await loaded.dispose();
    await llama.dispose();
  }
}
