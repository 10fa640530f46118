// What a load refuses before any native code sees the file or the options: a file that is not
// there or fails the bounded GGUF pre-check, and options llama.cpp would abort the process on
// (an expert count above the model's is a GGML_ASSERT).
import * as fs from "node:fs/promises";
import { InvalidModelFileError } from "../core/errors";
import { precheckGguf } from "../core/gguf/ggufPrecheck";
import type { LoadOptions } from "../shared/engineProtocol";
import { EngineFailure } from "./engineIpc";

/** Checks a model file or LoRA adapter; returns its size in bytes. */
export async function checkFile(filePath: string, what: "model file" | "LoRA adapter"): Promise<number> {
  // The next step, for the setting that named the file.
  const fix =
    what === "model file"
      ? "Check mixtral.modelPath, or run “Mixtral: Select or Download Model…” to choose or download it again."
      : "Fix or remove it in mixtral.loraAdapters.";
  let size: number;
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) throw new EngineFailure("modelNotFound", `The ${what} ${filePath} is not a file. ${fix}`);
    size = stat.size;
  } catch (error) {
    if (error instanceof EngineFailure) throw error;
    throw new EngineFailure("modelNotFound", `The ${what} ${filePath} does not exist or cannot be read. ${fix}`);
  }
  try {
    await precheckGguf(filePath);
  } catch (error) {
    if (error instanceof InvalidModelFileError) {
      const hint = error.hint ? ` ${error.hint}` : "";
      throw new EngineFailure("invalidModelFile", `Refused the ${what} ${filePath} before loading it: ${error.message}${hint}`);
    }
    throw error;
  }
  return size;
}

export function validateOptions(options: LoadOptions, expertCount: number): void {
  const fail = (message: string) => {
    throw new EngineFailure("invalidOptions", message);
  };
  const e = options.expertsPerToken;
  if (e !== undefined) {
    if (expertCount === 0)
      fail("expertsPerToken applies only to Mixture of Experts models; this model has no experts. Clear mixtral.expertsPerToken.");
    if (!Number.isInteger(e) || e < 1 || e > expertCount) {
      fail(`expertsPerToken must be a whole number from 1 to ${expertCount} for this model (it has ${expertCount} experts); got ${e}.`);
    }
  }
  if (!Number.isInteger(options.contextSize) || options.contextSize < 16)
    fail(`contextSize must be a whole number of at least 16 tokens; got ${options.contextSize}.`);
  if (typeof options.gpuLayers === "number" && (!Number.isInteger(options.gpuLayers) || options.gpuLayers < 0))
    fail(`gpuLayers must be "auto", "max" or a whole number ≥ 0; got ${options.gpuLayers}.`);
  if (!Number.isInteger(options.threads) || options.threads < 0)
    fail(`threads must be 0 (physical cores) or a positive whole number; got ${options.threads}.`);
  if (!["auto", "cuda", "metal", "vulkan", "cpu"].includes(options.backend)) fail(`Unknown backend "${options.backend}".`);
  if (!["auto", "on", "off"].includes(options.flashAttention))
    fail(`flashAttention must be auto, on or off; got "${options.flashAttention}".`);
}
