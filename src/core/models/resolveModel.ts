// Which GGUF the engine should load for the settings in effect: `mixtral.modelPath` when set,
// else the downloaded file of the chosen level (`auto` resolved against this machine) in the
// models folder. Pure apart from one stat; shared by the extension, the CLI and the doctor.
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { Settings } from "../config/settings";
import { ModelNotInstalledError } from "../errors";
import { getQuantLevel, type QuantLevelId } from "./catalog";
import { chooseAutoQuantization, fmtGB, type MachineInfo } from "./fit";
import { fileNameFor, parseModelSource, resolveFileUrl } from "./modelSource";

export interface ResolvedModel {
  path: string;
  /** Undefined for a user-chosen modelPath. */
  level?: QuantLevelId;
  /** Where to download it from (levels only). */
  url?: string;
  installed: boolean;
  /** Why this level (auto's reasoning, or the setting). */
  why: string;
}

export type ModelSettings = Pick<
  Settings,
  "modelPath" | "modelsDirectory" | "modelSource" | "quantization" | "contextSize" | "gpuLayers" | "flashAttention"
>;

export async function resolveModel(settings: ModelSettings, defaultModelsDirectory: string, machine: MachineInfo): Promise<ResolvedModel> {
  if (settings.modelPath) {
    return { path: settings.modelPath, installed: await isFile(settings.modelPath), why: "mixtral.modelPath" };
  }
  let level: QuantLevelId;
  let why: string;
  if (settings.quantization === "auto") {
    const choice = chooseAutoQuantization(machine, {
      contextSize: settings.contextSize,
      gpuLayers: settings.gpuLayers,
      flashAttention: settings.flashAttention !== "off",
    });
    if (!choice.level)
      throw new ModelNotInstalledError(
        `No Mixtral level fits this machine: ${choice.reason}`,
        "Pick a level explicitly with Mixtral: Select or Download Model…, or use a remote server (mixtral.engine).",
      );
    level = choice.level.id;
    why = choice.reason;
  } else {
    level = settings.quantization;
    why = `mixtral.quantization is ${level} (${fmtGB(getQuantLevel(level).sizeBytes)})`;
  }
  const source = parseModelSource(settings.modelSource);
  const dir = settings.modelsDirectory || defaultModelsDirectory;
  const file = path.join(dir, fileNameFor(source, level));
  return { path: file, level, url: resolveFileUrl(source, level), installed: await isFile(file), why };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}
