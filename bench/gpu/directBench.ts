// node-llama-cpp called directly in this process (no engine, no IPC): the reference our engine is
// compared with, plus diagnostics that split where the time per token goes beyond llama-bench's
// (sampling, the hop between the native worker thread and JavaScript, logits, threads, batching).
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import * as path from "node:path";
import { argValue, decodeRate, median, promptText, record } from "./common";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

interface Gen {
  ttftMs: number;
  tps: number;
  tokens: number;
}

/** sequence.evaluate over the whole prompt, greedy, `n` tokens: what our engine does per token. */
async function rawGenerate(seq: LlamaContextSequence, tokens: Token[], n: number): Promise<Gen> {
  await seq.clearHistory();
  const started = performance.now();
  const times: number[] = [];
  for await (const _token of seq.evaluate(tokens, { temperature: 0 })) {
    times.push(performance.now());
    if (times.length >= n) break;
  }
  return { ttftMs: times[0] - started, tps: decodeRate(times), tokens: times.length };
}

/** Decode one token at a time without requesting logits or sampling (llama.cpp then skips the
 *  output layer): the floor of one native round trip per token. */
async function decodeOnly(seq: LlamaContextSequence, tokens: Token[], n: number): Promise<number> {
  await seq.clearHistory();
  await seq.evaluateWithoutGeneratingNewTokens(tokens);
  const times: number[] = [performance.now()];
  for (let i = 0; i < n; i++) {
    await seq.evaluateWithoutGeneratingNewTokens([tokens[1 + (i % (tokens.length - 1))]]);
    times.push(performance.now());
  }
  return decodeRate(times);
}

/** Prompt evaluation alone, whole or in `chunk`-token pieces (the engine uses 256 for abortability). */
async function prefill(seq: LlamaContextSequence, tokens: Token[], chunk: number): Promise<number> {
  await seq.clearHistory();
  const started = performance.now();
  for (let i = 0; i < tokens.length; i += chunk) await seq.evaluateWithoutGeneratingNewTokens(tokens.slice(i, i + chunk));
  return (tokens.length * 1000) / (performance.now() - started);
}

async function repeat<T>(runs: number, fn: (run: number) => Promise<T>): Promise<T[]> {
  await fn(17); // warm-up, not counted (salt 17 is never used by a counted run)
  const out: T[] = [];
  for (let r = 0; r < runs; r++) out.push(await fn(r));
  return out;
}

/** What each measurement of a direct run needs: where results go, their labels, the sizes. */
interface DirectRun {
  results: string;
  label: string;
  /** The label of the diagnostics. */
  diag: string;
  model: string;
  runs: number;
  /** Prompt words: P for the 512-token prompt, P2 for the 2,048-token one; N new tokens. */
  P: number;
  P2: number;
  N: number;
  tok: (words: number, salt: number) => Token[];
}

/** sequence.evaluate, greedy: decode and prompt rates and TTFT at a 512- and a 2,048-token prompt. */
async function measureRaw(seq: LlamaContextSequence, { results, label, model, runs, P, P2, N, tok }: DirectRun): Promise<void> {
  const at512 = await repeat(runs, (r) => rawGenerate(seq, tok(P, r), N));
  record(results, {
    path: label,
    test: "decode@512",
    model,
    value: median(at512.map((g) => g.tps)),
    unit: "tok/s",
    promptTokens: tok(P, 0).length,
    generated: at512[0].tokens,
    runs: at512.map((g) => +g.tps.toFixed(1)).join("/"),
  });
  record(results, { path: label, test: "ttft@512", model, value: median(at512.map((g) => g.ttftMs)), unit: "ms" });
  record(results, {
    path: label,
    test: "prompt@512",
    model,
    value: median(at512.map((g) => (tok(P, 0).length * 1000) / g.ttftMs)),
    unit: "tok/s",
  });
  const at2k = await repeat(Math.min(runs, 2), (r) => rawGenerate(seq, tok(P2, r), N));
  record(results, {
    path: label,
    test: "decode@2048",
    model,
    value: median(at2k.map((g) => g.tps)),
    unit: "tok/s",
    promptTokens: tok(P2, 0).length,
  });
  record(results, {
    path: label,
    test: "prompt@2048",
    model,
    value: median(at2k.map((g) => (tok(P2, 0).length * 1000) / g.ttftMs)),
    unit: "tok/s",
  });
}

/** LlamaCompletion: the library's high-level API, as an application would call it. */
async function measureLlamaCompletion(
  lib: NodeLlamaCpp,
  seq: LlamaContextSequence,
  { results, label, model, runs, P, N }: DirectRun,
): Promise<void> {
  const completion = new lib.LlamaCompletion({ contextSequence: seq });
  const hl = await repeat(runs, async (r) => {
    await seq.clearHistory();
    const times: number[] = [];
    await completion.generateCompletion(promptText(P, r), {
      maxTokens: N,
      temperature: 0,
      onToken: () => {
        times.push(performance.now());
      },
    });
    return decodeRate(times);
  });
  record(results, { path: label, test: "decode@512 LlamaCompletion", model, value: median(hl), unit: "tok/s" });
}

/** Diagnostics: decode without logits (the native round-trip floor), prefill whole and chunked. */
async function measureDiagnostics(seq: LlamaContextSequence, { results, diag, model, runs, P, N, tok }: DirectRun): Promise<void> {
  const noSample = await repeat(runs, (r) => decodeOnly(seq, tok(P, r), N));
  record(results, { path: diag, test: "decode-only, no logits", model, value: median(noSample), unit: "tok/s" });
  const whole = await repeat(runs, (r) => prefill(seq, tok(P, r), 512));
  const chunked = await repeat(runs, (r) => prefill(seq, tok(P, r), 256));
  record(results, { path: diag, test: "prefill 512, one batch", model, value: median(whole), unit: "tok/s" });
  record(results, { path: diag, test: "prefill 512, 256-chunks", model, value: median(chunked), unit: "tok/s" });
}

export async function runDirect(argv: string[]): Promise<void> {
  const modelPath = argValue(argv, "model");
  const threads = Number(argValue(argv, "threads"));
  const runs = Number(argValue(argv, "runs", "3"));
  const results = argValue(argv, "results");
  const model = path.basename(modelPath);
  // --label direct-nographs etc.: the same run under another environment (GGML_CUDA_DISABLE_GRAPHS=1).
  const label = argValue(argv, "label", "direct");
  const diag = label === "direct" ? "diag" : `${label}-diag`;
  // --scale 0.1: shorter prompts and answers, for a quick check of the script on a CPU.
  const scale = Number(argValue(argv, "scale", "1"));
  const P = Math.round(511 * scale),
    P2 = Math.round(2047 * scale),
    N = Math.max(4, Math.round(128 * scale));
  const lib: NodeLlamaCpp = await import("node-llama-cpp");
  const backend = argValue(argv, "backend", "cuda");
  const llama = await lib.getLlama({
    gpu: backend === "cpu" ? false : "cuda",
    build: "never",
    maxThreads: threads,
    logLevel: lib.LlamaLogLevel.warn,
    progressLogs: false,
  });
  const loadStarted = performance.now();
  const loaded: LlamaModel = await llama.loadModel({
    modelPath,
    gpuLayers: backend === "cpu" ? 0 : "max",
    defaultContextFlashAttention: true,
    ignoreMemorySafetyChecks: true,
  });
  record(results, {
    path: label,
    test: "load",
    model,
    value: (performance.now() - loadStarted) / 1000,
    unit: "s",
    gpu: (await llama.getGpuDeviceNames()).join(","),
    gpuLayers: loaded.gpuLayers,
  });
  const tok = (words: number, salt: number): Token[] => [loaded.tokens.bos as Token, ...loaded.tokenize(promptText(words, salt))];
  const run: DirectRun = { results, label, diag, model, runs, P, P2, N, tok };
  let context: LlamaContext = await loaded.createContext({ contextSize: 4096, sequences: 1, flashAttention: true });
  try {
    let seq = context.getSequence();
    await measureRaw(seq, run);
    await measureLlamaCompletion(lib, seq, run);
    await measureDiagnostics(seq, run);
    for (const t of [1, threads]) {
      await context.dispose();
      context = await loaded.createContext({ contextSize: 4096, sequences: 1, flashAttention: true, threads: t });
      seq = context.getSequence();
      const g = await repeat(runs, (r) => rawGenerate(seq, tok(P, r), N));
      record(results, { path: diag, test: `decode@512 threads=${t}`, model, value: median(g.map((x) => x.tps)), unit: "tok/s" });
    }
  } finally {
    await context.dispose();
    await loaded.dispose();
    await llama.dispose();
  }
}
