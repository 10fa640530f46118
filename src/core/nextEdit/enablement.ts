// When next-edit suggestions run. "auto" (the default) turns them on only where the measured
// speed makes a suggestion arrive while it is still useful: a model on a GPU (bench/nextedit: the
// goal is 300 ms from request to suggestion on an H100/H200) or a remote server (its hardware is
// not ours to know, and the user chose it to be fast). On a CPU a 40-line region takes seconds
// (BENCHMARKS.md, next-edit on this CPU), so "auto" stays off there; "on" forces it.

export type NextEditEnabled = "auto" | "on" | "off";

export interface NextEditEngineFacts {
  /** mixtral.engine. */
  engine: "local" | "tgi" | "openai";
  /** The loaded local model's backend, once a model is loaded (undefined before). */
  backend?: "cuda" | "metal" | "vulkan" | "cpu" | "remote";
  /** Layers on the GPU / layers in the model, when loaded. */
  gpuLayers?: number;
  layerCount?: number;
}

export type NextEditDecision = { on: true } | { on: false; reason: string };

export function nextEditDecision(setting: NextEditEnabled, facts: NextEditEngineFacts): NextEditDecision {
  if (setting === "off") return { on: false, reason: "off in settings (mixtral.nextEdit.enabled)" };
  if (setting === "on" || facts.engine !== "local") return { on: true };
  if (facts.backend === undefined) return { on: false, reason: "waiting for the model to load (auto: on only with a GPU)" };
  const allOnGpu = facts.backend !== "cpu" && facts.layerCount !== undefined && (facts.gpuLayers ?? 0) >= facts.layerCount;
  if (allOnGpu) return { on: true };
  return {
    on: false,
    reason:
      facts.backend === "cpu"
        ? 'the model runs on the CPU (auto: on only with a GPU; set mixtral.nextEdit.enabled to "on" to use it anyway)'
        : "part of the model runs on the CPU (auto: on only with the whole model on the GPU)",
  };
}
