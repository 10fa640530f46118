// What the extension's engine does with the GPU binaries installed in a data folder: the engine
// child started as the extension starts it (EngineClient, MIXTRAL_GPU_PACKS from packLayout),
// loading a model with backend "auto" (or --backend), answering a short greedy prompt. Prints the
// backend it ended on, the notices the user would see, and the log lines about backends, packs and
// decode tests: on the GPU machine this shows the probe catching the prebuilt CUDA pack's abort
// and the fallback message, and then the GPU support built for this machine being used.
//   node gpuBench.js backend --engine dist/engine.js --model tiny.gguf --data-dir DIR [--backend auto]
import * as path from "node:path";
import { EngineClient } from "../../src/core/engineClient/EngineClient";
import { GPU_PACKS_ENV, gpuPacksRoot } from "../../src/core/gpu/packLayout";
import type { Backend } from "../../src/shared/engineProtocol";
import { argValue, record } from "./common";

export async function runBackendCheck(argv: string[]): Promise<void> {
  const enginePath = path.resolve(argValue(argv, "engine"));
  const modelPath = path.resolve(argValue(argv, "model"));
  const root = gpuPacksRoot(path.resolve(argValue(argv, "data-dir")), argValue(argv, "nlc-version", "3.21.1"));
  const backend = argValue(argv, "backend", "auto") as Backend;
  const results = argValue(argv, "results", "");
  const label = argValue(argv, "label", "backend-check");
  const logs: string[] = [];
  const client = new EngineClient({
    enginePath,
    env: { [GPU_PACKS_ENV]: root },
    idleUnloadMs: 0,
    hangTimeoutMs: 0,
    onLog: (level, message) => {
      logs.push(`[${level}] ${message}`);
    },
  });
  const started = performance.now();
  try {
    const info = await client.load({
      modelPath,
      backend,
      gpuLayers: "max",
      contextSize: 512,
      threads: 0,
      flashAttention: "auto",
      useMmap: true,
      loraAdapters: [],
    });
    const loadS = (performance.now() - started) / 1000;
    const answer = await client.generate(
      { slot: "chat", prompt: [{ type: "bos" }, { type: "text", text: "[INST] Hello [/INST]" }], maxTokens: 8, temperature: 0 },
      () => undefined,
    );
    process.stdout.write(
      `${label}: backend ${info.backend}, GPU layers ${info.gpuLayers}/${info.layerCount}, load ${loadS.toFixed(1)} s, answered ${answer.stats.generatedTokens} tokens\n`,
    );
    for (const n of info.notices) process.stdout.write(`  notice: ${n}\n`);
    if (results)
      record(results, {
        path: label,
        test: "backend",
        model: path.basename(modelPath),
        value: loadS,
        unit: "s",
        backend: info.backend,
        notices: info.notices.join(" | "),
      });
  } catch (error) {
    process.stdout.write(`${label}: load failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await client.dispose();
    const relevant = logs.filter((l) => /backend|pack|decode test|binary folder|probe|CUDA|Vulkan|fall/i.test(l));
    process.stdout.write(
      `  engine log (backend lines):\n${relevant
        .slice(-30)
        .map((l) => `    ${l}`)
        .join("\n")}\n`,
    );
  }
}
