// The ~800 MB synthetic Mixtral-architecture GGUF for the CPU benchmarks: the tiny model's
// generator with bigger dimensions, so compute (not IPC or per-token bookkeeping) dominates a
// token's time. Random (not zero) weights: zero logits would make greedy decoding degenerate.
// Generated once (~1 min, ~3 GB of RAM while writing) into <repo>/.cache/models/ and reused.
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import * as path from "node:path";
import { writeTinyMixtral, type TinyMixtralOptions } from "../../src/core/gguf/tinyMixtral";
import { repoRoot } from "../../test/helpers/tinyModel";

/** Bump when the options change so a stale cached file is not reused. */
const BENCH_MODEL_VERSION = 1;

/** 8 layers, 1024 wide, 3584 FFN per expert, 8 experts (2 used), 8/2 heads of 128, Q8_0: 0.78 GB. */
export const BENCH_MODEL_OPTIONS: TinyMixtralOptions = {
  variant: "q8_0",
  seed: 7,
  layers: 8,
  embeddingLength: 1024,
  feedForwardLength: 3584,
  heads: 8,
  kvHeads: 2,
  name: "bench-mixtral-8x1024-q8_0",
};

export function benchModelPath(): string {
  return path.join(repoRoot(), ".cache", "models", `bench-mixtral-8x1024-q8_0-v${BENCH_MODEL_VERSION}.gguf`);
}

/** Path of the cached benchmark model, generating it first if needed (temp name + rename). */
export async function ensureBenchModel(onStart?: () => void): Promise<string> {
  const target = benchModelPath();
  if (existsSync(target)) return target;
  onStart?.();
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeTinyMixtral(temp, BENCH_MODEL_OPTIONS);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return target;
}

// The file name too: bundled into bench/gpu's gpuBench.js, every module is the main one.
if (require.main === module && path.basename(process.argv[1] ?? "") === "benchModel.js") {
  const started = performance.now();
  ensureBenchModel().then(
    (p) => process.stdout.write(`${p} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`),
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
