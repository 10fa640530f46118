// "Mixtral: Doctor" and `mixtral-local doctor`: one report of what this machine has, which model
// file would load and whether it is sound, what fits, the settings in effect and the decode-speed
// ceiling. Built here (pure, shared by the extension and the CLI), rendered as Markdown or JSON.
import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import * as path from "node:path";
import type { Settings } from "../config/settings";
import { GgufPrecheckError, precheckGguf, type GgufSummary } from "../gguf/ggufPrecheck";
import { describeQualityCost, getQuantLevel, isQuantLevelId, type QuantLevelId } from "./catalog";
import { chooseAutoQuantization, estimateAll, estimateLevel, fmtGB, MIXTRAL_8X7B_SHAPE, type FitOptions, type MemoryEstimate } from "./fit";
import type { DetectedMachine } from "./machineInfo";
import { describeSource, fileNameFor, parseModelSource } from "./modelSource";

export type DoctorSettings = Pick<
  Settings,
  | "modelPath"
  | "modelSource"
  | "quantization"
  | "gpuLayers"
  | "contextSize"
  | "expertsPerToken"
  | "backend"
  | "threads"
  | "flashAttention"
  | "useMmap"
  | "loraAdapters"
>;

export interface DoctorInput {
  machine: DetectedMachine;
  settings: DoctorSettings;
  /** The folder downloads go to (resolved: the setting or the default). */
  modelsDirectory: string;
  /** What the engine reported at its last load, when one happened (node-llama-cpp's own view). */
  engine?: { backend: string; gpuName?: string; vramTotalBytes?: number; notices?: string[]; quantization?: string; gpuLayers?: number };
  lastTokensPerSecond?: number;
  /** Hash the model file (a full read: ~15 s per 28 GB on an SSD). Default false. */
  checkHash?: boolean;
}

export interface ModelFileCheck {
  path: string;
  source: "mixtral.modelPath" | "download";
  exists: boolean;
  sizeBytes?: number;
  ok: boolean;
  /** Format, experts, layout, quantization: one line each. */
  findings: string[];
  refusal?: { reason: string; message: string; hint?: string };
  upgradeAvailable: boolean;
  sha256?: string;
}

export interface DoctorReport {
  backend: { expected: string; why: string; actual?: string; notices: string[] };
  machine: DetectedMachine;
  chosenLevel?: QuantLevelId;
  chosenWhy: string;
  modelFile: ModelFileCheck;
  fits: (MemoryEstimate & { qualityCost: string })[];
  settings: DoctorSettings & { modelsDirectory: string; source: string };
  speed: { ceilingTokPerSec?: number; bytesPerToken?: number; basis: string; lastMeasuredTokPerSec?: number };
}

export async function buildDoctorReport(input: DoctorInput): Promise<DoctorReport> {
  const { machine, settings } = input;
  const fitOptions: FitOptions = {
    contextSize: settings.contextSize,
    gpuLayers: settings.gpuLayers,
    flashAttention: settings.flashAttention !== "off",
    expertsPerToken: settings.expertsPerToken,
  };
  const auto = settings.quantization === "auto" ? chooseAutoQuantization(machine, fitOptions) : undefined;
  let chosenLevel = settings.quantization === "auto" ? auto?.level?.id : settings.quantization;
  let chosenWhy = settings.quantization === "auto" ? `auto: ${auto?.reason}` : `mixtral.quantization is ${settings.quantization}`;
  let sourceText: string;
  let fileName: string | undefined;
  try {
    const source = parseModelSource(settings.modelSource);
    sourceText = describeSource(source);
    fileName = chosenLevel ? fileNameFor(source, chosenLevel) : undefined;
  } catch (err) {
    sourceText = `invalid: ${(err as Error).message}`;
  }
  const filePath = settings.modelPath || (fileName ? path.join(input.modelsDirectory, fileName) : "");
  const modelFile = await checkModelFile(filePath, settings.modelPath ? "mixtral.modelPath" : "download", input.checkHash ?? false);

  const gpu = input.engine?.gpuName ? input.engine : undefined;
  const backend = {
    expected: settings.backend !== "auto" ? settings.backend : machine.gpu ? machine.gpu.backend : "cpu",
    why:
      settings.backend !== "auto"
        ? "set by mixtral.backend"
        : machine.gpu
          ? `${machine.gpu.name} found (${machine.gpuSource}); node-llama-cpp tries CUDA, Metal, Vulkan, then CPU`
          : `no GPU found: ${machine.gpuSource}`,
    actual: input.engine ? `${input.engine.backend}${gpu ? ` on ${gpu.gpuName}` : ""}` : undefined,
    notices: input.engine?.notices ?? [],
  };

  let fileLevel =
    modelFile.findings.length && isQuantLevelId(fileTypeOf(modelFile) ?? "") ? (fileTypeOf(modelFile) as QuantLevelId) : chosenLevel;
  // With mixtral.modelPath the file decides the level; auto's reasoning would describe a download
  // that is not used.
  if (settings.modelPath) {
    const own = fileTypeOf(modelFile) ?? "";
    chosenLevel = isQuantLevelId(own) ? own : undefined;
    fileLevel = chosenLevel;
    chosenWhy = modelFile.exists
      ? `read from the file named by mixtral.modelPath${chosenLevel ? "" : " (not one of the catalog's levels)"}`
      : "mixtral.modelPath names a file that does not exist";
  }
  let speed: DoctorReport["speed"] = { basis: "no model chosen", lastMeasuredTokPerSec: input.lastTokensPerSecond };
  if (fileLevel) {
    const e = estimateLevel(
      getQuantLevel(fileLevel),
      machine,
      fitOptions,
      MIXTRAL_8X7B_SHAPE,
      modelFile.sizeBytes ?? getQuantLevel(fileLevel).sizeBytes,
    );
    const bw = [
      e.gpuLayers > 0 && machine.gpu ? `${machine.gpu.name} ${e.gpuLayers}/${e.totalLayers} layers` : "",
      e.gpuLayers < e.totalLayers
        ? `RAM ${machine.ramBandwidthBytesPerSec ? `${(machine.ramBandwidthBytesPerSec / 1e9).toFixed(0)} GB/s (measured copy)` : "bandwidth unknown"}`
        : "",
    ]
      .filter(Boolean)
      .join(" + ");
    speed = {
      ceilingTokPerSec: e.decodeCeilingTokPerSec,
      bytesPerToken: e.bytesPerToken,
      basis: `${fileLevel}: ${fmtGB(e.bytesPerToken)} read per token (${settings.expertsPerToken} of 8 experts); ${bw}`,
      lastMeasuredTokPerSec: input.lastTokensPerSecond,
    };
  }
  return {
    backend,
    machine,
    chosenLevel,
    chosenWhy,
    modelFile,
    fits: estimateAll(machine, fitOptions).map((e) => ({ ...e, qualityCost: describeQualityCost(getQuantLevel(e.level)) })),
    settings: { ...settings, modelsDirectory: input.modelsDirectory, source: sourceText },
    speed,
  };
}

function fileTypeOf(c: ModelFileCheck): string | undefined {
  return /quantization (\S+)/.exec(c.findings.join("\n"))?.[1];
}

export async function checkModelFile(filePath: string, source: ModelFileCheck["source"], hash: boolean): Promise<ModelFileCheck> {
  const check: ModelFileCheck = { path: filePath, source, exists: false, ok: false, findings: [], upgradeAvailable: false };
  if (!filePath) {
    check.findings.push("no model file: nothing fits, or mixtral.modelSource is invalid");
    return check;
  }
  try {
    check.sizeBytes = (await fs.stat(filePath)).size;
    check.exists = true;
  } catch {
    check.findings.push(source === "download" ? "not downloaded yet (Mixtral: Select or Download Model…)" : "the file does not exist");
    return check;
  }
  let summary: GgufSummary;
  try {
    summary = await precheckGguf(filePath);
  } catch (err) {
    if (err instanceof GgufPrecheckError) {
      check.refusal = { reason: err.reason, message: err.message, hint: err.hint };
      check.upgradeAvailable = err.reason === "old-expert-layout";
      check.findings.push(
        check.upgradeAvailable ? "layout: old per-expert tensors (Dec 2023); can be upgraded in place" : `refused: ${err.message}`,
      );
      return check;
    }
    throw err;
  }
  check.findings.push(`format: GGUF v${summary.version}, ${summary.tensorCount} tensors, ${fmtGB(summary.fileSize)}`);
  check.findings.push(
    `architecture ${summary.architecture ?? "?"}, ${summary.blockCount ?? "?"} layers, context ${summary.contextLength ?? "?"}`,
  );
  check.findings.push(
    summary.expertCount
      ? `experts: ${summary.expertCount}, ${summary.expertUsedCount ?? "?"} per token; layout: merged (current)`
      : "experts: none (not a mixture-of-experts model)",
  );
  check.findings.push(`quantization ${summary.fileTypeName ?? "unknown"}`);
  check.ok = true;
  if (hash) check.sha256 = await sha256Of(filePath);
  return check;
}

async function sha256Of(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}

export function renderDoctorMarkdown(r: DoctorReport): string {
  const m = r.machine;
  const lines: string[] = ["# Mixtral Local: Doctor", ""];
  lines.push("## Backend", "", `- Expected: **${r.backend.expected}** (${r.backend.why})`);
  lines.push(`- Engine reported: ${r.backend.actual ?? "no model loaded in this session yet"}`);
  for (const n of r.backend.notices) lines.push(`- Notice: ${n}`);
  lines.push("", "## Machine", "", `- ${m.platform}/${m.arch}, ${m.cpuModel}, ${m.logicalCores} logical cores`);
  lines.push(`- CPU features: ${m.cpuFeatures.join(", ") || "unknown"}`);
  lines.push(`- RAM: ${fmtGB(m.totalRamBytes)} (${fmtGB(m.freeRamBytes)} free now)`);
  lines.push(
    `- GPU: ${m.gpu ? `${m.gpu.name}, ${fmtGB(m.gpu.vramTotalBytes)}${m.gpu.unifiedMemory ? " (unified memory)" : ""}` : m.gpuSource}`,
  );
  lines.push(
    "",
    "## Model file",
    "",
    `- ${r.modelFile.path || "(none)"} (${r.modelFile.source === "download" ? `download of ${r.chosenLevel ?? "no level"}` : "mixtral.modelPath"})`,
  );
  for (const f of r.modelFile.findings) lines.push(`- ${f}`);
  if (r.modelFile.refusal?.hint) lines.push(`- What to do: ${r.modelFile.refusal.hint}`);
  if (r.modelFile.sha256) lines.push(`- sha256: \`${r.modelFile.sha256}\``);
  lines.push(`- Level: ${r.chosenLevel ?? "none"} (${r.chosenWhy})`);
  lines.push("", `## What fits (context ${r.settings.contextSize}, gpuLayers ${r.settings.gpuLayers}, 10 % headroom)`, "");
  lines.push("| Level | File | RAM | VRAM | GPU layers | Fits | Quality cost |", "|---|---|---|---|---|---|---|");
  for (const e of r.fits) {
    lines.push(
      `| ${e.level} | ${fmtGB(e.fileBytes)} | ${fmtGB(e.ramBytes)} | ${e.vramBytes ? fmtGB(e.vramBytes) : "–"} | ${e.gpuLayers}/${e.totalLayers} | ${e.fits ? "yes" : `no: ${e.reason}`} | ${e.qualityCost} |`,
    );
  }
  lines.push(
    "",
    "## Speed",
    "",
    `- Decode ceiling: ${r.speed.ceilingTokPerSec ? `**${r.speed.ceilingTokPerSec.toFixed(1)} tok/s**` : "unknown"} (${r.speed.basis})`,
  );
  lines.push(
    `- Last measured: ${r.speed.lastMeasuredTokPerSec ? `${r.speed.lastMeasuredTokPerSec.toFixed(1)} tok/s` : "no generation yet"}`,
  );
  lines.push("- The ceiling is memory bandwidth ÷ bytes read per token; real decoding reaches roughly 40–90 % of it.");
  lines.push("", "## Settings in effect", "", "```json", JSON.stringify(r.settings, null, 2), "```", "");
  return lines.join("\n");
}
