// The engine a forced-answer benchmark runs on (speculative decoding, next-edit): the built
// dist/engine.js with the model loaded the same way, and the line that describes what it runs on.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { EngineClient } from "../../src/core/engineClient/EngineClient";
import { defaultThreads, physicalCores } from "../../src/engine/physicalCores";
import type { Backend } from "../../src/shared/engineProtocol";
import { repoRoot } from "../../test/helpers/tinyModel";

export interface BenchEngineOptions {
  modelPath: string;
  /** Default "cpu". */
  backend?: Backend;
  /** Default 0 (all on the CPU). */
  gpuLayers?: "auto" | "max" | number;
  /** Default 4096. */
  contextSize?: number;
  /** Default: the physical cores. */
  threads?: number;
  /** Default: the repository's dist/engine.js. */
  enginePath?: string;
}

export interface BenchEngine {
  client: EngineClient;
  info: Awaited<ReturnType<EngineClient["load"]>>;
  /** "file (quantization, size), backend …, n/m layers on GPU". */
  description: string;
}

/** Starts the engine and loads the model; the caller disposes `client`. */
export async function openBenchEngine(o: BenchEngineOptions): Promise<BenchEngine> {
  const enginePath = o.enginePath ?? path.join(repoRoot(), "dist", "engine.js");
  if (!existsSync(enginePath)) throw new Error(`${enginePath} is missing: run \`npm run build\` first`);
  const client = new EngineClient({ enginePath, idleUnloadMs: 0 });
  try {
    const info = await client.load({
      modelPath: o.modelPath,
      backend: o.backend ?? "cpu",
      gpuLayers: o.gpuLayers ?? 0,
      contextSize: o.contextSize ?? 4096,
      threads: o.threads ?? defaultThreads(physicalCores()),
      flashAttention: "auto",
      useMmap: true,
      loraAdapters: [],
      ignoreMemoryCheck: true,
    });
    const gpu = info.gpuName ? ` on ${info.gpuName}` : "";
    const description = `${info.fileName} (${info.quantization}, ${(info.sizeBytes / 1e6).toFixed(0)} MB), backend ${info.backend}${gpu}, ${info.gpuLayers}/${info.layerCount} layers on GPU`;
    return { client, info, description };
  } catch (error) {
    await client.dispose();
    throw error;
  }
}
