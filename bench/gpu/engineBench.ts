// Our engine (dist/engine.js through EngineClient, i.e. a child process and JSON IPC, as the
// extension runs it) on the shaped files: decode after 512 and 2,048 prompt tokens, prompt speed,
// keystroke-to-suggestion latency with KV reuse (and without, for the ratio), experts per token
// 1/2/3, Q3_K_M, and a partial offload that mimics a 24 GB card.
import * as path from "node:path";
import { EngineClient } from "../../src/core/engineClient/EngineClient";
import type { LoadOptions, PromptSegment } from "../../src/shared/engineProtocol";
import { argValue, decodeRate, median, percentile, promptText, record } from "./common";
import { shapedModels } from "./mixtralShaped";

interface Gen {
  ttftMs: number;
  hostTps: number;
  engineTps: number;
  promptTokens: number;
  evaluated: number;
  totalMs: number;
  chunks: number;
}

async function generate(client: EngineClient, slot: "chat" | "completion", text: string, maxTokens: number): Promise<Gen> {
  const prompt: PromptSegment[] = [{ type: "bos" }, { type: "text", text }];
  const started = performance.now();
  const times: number[] = [];
  const result = await client.generate({ slot, prompt, maxTokens, temperature: 0 }, () => {
    times.push(performance.now());
  });
  const ended = performance.now();
  const s = result.stats;
  return {
    ttftMs: (times[0] ?? ended) - started,
    hostTps: decodeRate(times),
    engineTps: s.tokensPerSecond,
    promptTokens: s.promptTokens,
    evaluated: s.evaluatedTokens,
    totalMs: ended - started,
    chunks: times.length,
  };
}

async function repeat<T>(runs: number, fn: (run: number) => Promise<T>): Promise<T[]> {
  await fn(17); // warm-up, not counted
  const out: T[] = [];
  for (let r = 0; r < runs; r++) out.push(await fn(r));
  return out;
}

/** Typing one word after a long code-like prefix: each keystroke asks for a 16-token suggestion.
 *  With reuse the engine evaluates only the changed tail; "cold" changes the first word each time. */
async function keystrokes(client: EngineClient, results: string, model: string, prefixWords: number, label: string): Promise<void> {
  const prefix = promptText(prefixWords, 3);
  const word = "result";
  const run = async (cold: boolean, keys: number) => {
    const lat: number[] = [],
      first: number[] = [],
      evaluated: number[] = [];
    await generate(client, "completion", prefix, 16); // prime the KV cache
    for (let k = 1; k <= keys; k++) {
      const typed = k <= word.length ? word.slice(0, k) : `${word} ${word.slice(0, k - word.length)}`;
      const text = (cold ? `${["list", "item", "data", "code", "file", "line", "test", "call"][k % 8]} ` : "") + `${prefix} ${typed}`;
      const g = await generate(client, "completion", text, 16);
      lat.push(g.totalMs);
      first.push(g.ttftMs);
      evaluated.push(g.evaluated);
    }
    const tag = cold ? "no reuse" : "KV reuse";
    record(results, {
      path: label,
      test: `keystroke p50 (${tag})`,
      model,
      value: median(lat),
      unit: "ms",
      p95: percentile(lat, 95),
      firstChunkP50: median(first),
      evaluatedPerKey: median(evaluated),
      keystrokes: lat.length,
      suggestionTokens: 16,
    });
  };
  await run(false, word.length * 2);
  await run(true, 4);
}

/** Loading a model and timing its decode through the engine, each recorded under `label`. */
function engineMeasures(
  client: EngineClient,
  results: string,
  label: string,
): {
  load: (options: LoadOptions, model: string) => Promise<void>;
  decode: (model: string, words: number, tokens: number, n: number) => Promise<void>;
} {
  const load = async (options: LoadOptions, model: string) => {
    const started = performance.now();
    const info = await client.load(options);
    record(results, {
      path: label,
      test: "load",
      model,
      value: (performance.now() - started) / 1000,
      unit: "s",
      backend: info.backend,
      gpu: info.gpuName ?? "",
      gpuLayers: `${info.gpuLayers}/${info.layerCount}`,
      experts: info.expertUsedCount,
      context: info.contextSize,
    });
    if (info.backend !== options.backend)
      throw new Error(`engine loaded ${info.backend}, not ${options.backend}: ${info.notices.join(" ")}`);
  };
  const decode = async (model: string, words: number, tokens: number, n: number) => {
    const g = await repeat(n, (r) => generate(client, "chat", promptText(words, r), tokens));
    record(results, {
      path: label,
      test: `decode@${words + 1}`,
      model,
      value: median(g.map((x) => x.hostTps)),
      unit: "tok/s",
      engineSide: median(g.map((x) => x.engineTps)),
      promptTokens: g[0].promptTokens,
      chunks: g[0].chunks,
      runs: g.map((x) => +x.hostTps.toFixed(1)).join("/"),
    });
    record(results, { path: label, test: `ttft@${words + 1}`, model, value: median(g.map((x) => x.ttftMs)), unit: "ms" });
    record(results, {
      path: label,
      test: `prompt@${words + 1}`,
      model,
      value: median(g.map((x) => (x.promptTokens * 1000) / x.ttftMs)),
      unit: "tok/s",
    });
  };
  return { load, decode };
}

export async function runEngine(argv: string[]): Promise<void> {
  const enginePath = path.resolve(argValue(argv, "engine"));
  const dir = argValue(argv, "models-dir");
  const threads = Number(argValue(argv, "threads"));
  const runs = Number(argValue(argv, "runs", "3"));
  const results = argValue(argv, "results");
  const sections = argValue(argv, "sections", "main,experts,q3,offload").split(",");
  const deadline = Number(argValue(argv, "deadline-ms", "0"));
  // --label engine-base: the same measurements through another engine build (before/after a fix).
  const label = argValue(argv, "label", "engine");
  const [q4, e1, e3, q3] = shapedModels(dir);
  const scale = Number(argValue(argv, "scale", "1")); // < 1: a quick check of the script on a CPU
  const P = Math.round(511 * scale),
    P2 = Math.round(2047 * scale),
    N = Math.max(4, Math.round(128 * scale));
  const logs: string[] = [];
  // --uv-pool 4: the engine with libuv's default worker pool, as before EngineProcess set it to 1.
  const uvPool = argValue(argv, "uv-pool", "");
  const client = new EngineClient({
    enginePath,
    env: uvPool ? { UV_THREADPOOL_SIZE: uvPool } : undefined,
    idleUnloadMs: 0,
    hangTimeoutMs: 0,
    onLog: (level, message) => {
      if (level !== "debug" && level !== "trace") logs.push(`[${level}] ${message}`);
    },
  });
  const backend = argValue(argv, "backend", "cuda") === "cpu" ? "cpu" : "cuda";
  const base: LoadOptions = {
    modelPath: q4.file,
    backend,
    gpuLayers: "max",
    contextSize: 4096,
    threads,
    flashAttention: "auto",
    useMmap: true,
    loraAdapters: [],
    ignoreMemoryCheck: true,
  };
  const late = () => deadline > 0 && Date.now() > deadline;
  const { load, decode } = engineMeasures(client, results, label);
  try {
    if (sections.includes("main")) {
      await load(base, path.basename(q4.file));
      await decode(path.basename(q4.file), P, N, runs);
      await decode(path.basename(q4.file), P2, N, Math.min(runs, 2));
      await keystrokes(client, results, path.basename(q4.file), Math.round(1500 * scale), label);
    }
    if (sections.includes("experts")) {
      for (const e of [1, 3]) {
        if (late()) break;
        await load({ ...base, expertsPerToken: e }, `${path.basename(q4.file)} experts=${e}`);
        await decode(`${path.basename(q4.file)} experts=${e}`, P, N, 2);
      }
      void e1;
      void e3; // llama-bench runs the e1/e3 files; the engine overrides expert_used_count on q4
    }
    if (sections.includes("q3") && !late()) {
      await load({ ...base, modelPath: q3.file }, path.basename(q3.file));
      await decode(path.basename(q3.file), P, N, 2);
    }
    if (sections.includes("cpu") && !late()) {
      // The CPU user's case: no GPU layers, the CPU binaries node-llama-cpp finds (the VSIX's prebuilt).
      const model = `${path.basename(q4.file)} cpu`;
      await load({ ...base, backend: "cpu", gpuLayers: 0 }, model);
      await decode(model, P, Math.max(4, Math.round(N / 2)), 2);
    }
    if (sections.includes("offload") && !late()) {
      await load({ ...base, gpuLayers: 20 }, `${path.basename(q4.file)} ngl=20`);
      await decode(`${path.basename(q4.file)} ngl=20`, P, Math.max(4, Math.round(N / 2)), 1);
    }
  } finally {
    await client.dispose();
    process.stdout.write(
      `engine log (errors and warnings):\n${logs
        .filter((l) => !l.startsWith("[info]"))
        .slice(-20)
        .join("\n")}\n`,
    );
  }
}
