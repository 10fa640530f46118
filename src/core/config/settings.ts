// The typed shape of the `mixtral.*` settings and how a change is applied. Pure: the VS Code
// adapter (src/vscode/Config.ts) reads raw values and passes them through `normalizeSettings`,
// because VS Code does not enforce the schema at run time (a hand-edited settings.json can hold
// anything).
import type { Backend } from "../../shared/engineProtocol";
import { normalizeWorkspaceSettings, type WorkspaceSettings } from "./workspaceSettings";

export type EngineKind = "local" | "tgi" | "openai";
export type Quantization = "auto" | "Q2_K" | "Q3_K_M" | "Q4_0" | "Q4_K_M" | "Q5_K_M" | "Q6_K" | "Q8_0" | "IQ3_M" | "IQ4_XS";
export const QUANTIZATIONS: readonly Quantization[] = [
  "auto",
  "Q2_K",
  "Q3_K_M",
  "Q4_0",
  "Q4_K_M",
  "Q5_K_M",
  "Q6_K",
  "Q8_0",
  "IQ3_M",
  "IQ4_XS",
];
export const PROMPT_NAMES = ["explain", "refactor", "writeTests", "fix", "document", "ask", "inlineCompletion", "nextEdit"] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];

export interface Settings {
  engine: EngineKind;
  remoteUrl: string;
  remoteModel: string;
  remoteHeaders: Record<string, string>;
  modelPath: string;
  modelsDirectory: string;
  modelSource: string;
  /** An npm registry mirror for GPU packs (origin and base path; the pinned hashes still apply). */
  gpuPackMirror: string;
  quantization: Quantization;
  gpuLayers: "auto" | "max" | number;
  contextSize: number;
  expertsPerToken: number;
  backend: Backend;
  threads: number;
  flashAttention: "auto" | "on" | "off";
  useMmap: boolean;
  idleUnloadMinutes: number;
  loraAdapters: { path: string; scale: number }[];
  temperature: number;
  maxTokens: number;
  /** Input-lookup speculative decoding on the local engine (chat and commands). */
  speculativeDecoding: "auto" | "off";
  systemPrompt: string;
  inlineEnabled: boolean;
  inlineLanguages: Record<string, boolean>;
  inlineDebounceMs: number;
  inlineMaxTokens: number;
  inlineMultiline: "auto" | "always" | "never";
  /** Next-edit suggestions: "auto" = on with the whole model on a GPU or a remote server
   *  (src/core/nextEdit/enablement.ts). */
  nextEditEnabled: "auto" | "on" | "off";
  nextEditDebounceMs: number;
  nextEditLanguages: Record<string, boolean>;
  prompts: Record<PromptName, string>;
  /** `mixtral.workspace.*`: workspace knowledge (workspaceSettings.ts). */
  workspace: WorkspaceSettings;
}

/** Which settings need what when they change. */
export const RELOAD_ENGINE_KEYS = [
  "engine",
  "remote.url",
  "remote.model",
  "remote.headers",
  "modelPath",
  "quantization",
  "gpuLayers",
  "contextSize",
  "expertsPerToken",
  "backend",
  "threads",
  "flashAttention",
  "useMmap",
  "loraAdapters",
] as const;

type Raw = (key: string) => unknown;

function pickEnum<T extends string>(raw: unknown, allowed: readonly T[], fallback: T, key: string, warn: (m: string) => void): T {
  if (typeof raw === "string" && (allowed as readonly string[]).includes(raw)) return raw as T;
  if (raw !== undefined) warn(`mixtral.${key}: "${String(raw)}" is not one of ${allowed.join(", ")}; using "${fallback}".`);
  return fallback;
}

function clampInt(raw: unknown, min: number, max: number, fallback: number, key: string, warn: (m: string) => void): number {
  if (typeof raw !== "number" || !Number.isFinite(raw)) {
    if (raw !== undefined) warn(`mixtral.${key}: ${JSON.stringify(raw)} is not a number; using ${fallback}.`);
    return fallback;
  }
  const v = Math.round(raw);
  if (v < min || v > max) {
    const c = Math.min(max, Math.max(min, v));
    warn(`mixtral.${key}: ${raw} is outside ${min}–${max}; using ${c}.`);
    return c;
  }
  return v;
}

function clampNum(raw: unknown, min: number, max: number, fallback: number, key: string, warn: (m: string) => void): number {
  if (typeof raw !== "number" || !Number.isFinite(raw)) return fallback;
  if (raw < min || raw > max) {
    const c = Math.min(max, Math.max(min, raw));
    warn(`mixtral.${key}: ${raw} is outside ${min}–${max}; using ${c}.`);
    return c;
  }
  return raw;
}

const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === "boolean" ? v : fallback);
function strRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v)) if (typeof val === "string" && k !== "__proto__") out[k] = val;
  }
  return out;
}
function boolRecord(v: unknown, fallback: Record<string, boolean>): Record<string, boolean> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return fallback;
  const out: Record<string, boolean> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === "boolean" && k !== "__proto__") out[k] = val;
  return out;
}

/** Reads every setting through `raw` (without the `mixtral.` prefix), clamping with one warning each. */
export function normalizeSettings(raw: Raw, warn: (message: string) => void): Settings {
  const gl = raw("gpuLayers");
  let gpuLayers: Settings["gpuLayers"] = "auto";
  if (gl === "auto" || gl === "max") gpuLayers = gl;
  else if (typeof gl === "number") gpuLayers = clampInt(gl, 0, 1000, 0, "gpuLayers", warn);
  else if (gl !== undefined) warn(`mixtral.gpuLayers: ${JSON.stringify(gl)} is not "auto", "max" or a number; using "auto".`);

  const lora = Array.isArray(raw("loraAdapters")) ? (raw("loraAdapters") as unknown[]) : [];
  const prompts = {} as Record<PromptName, string>;
  for (const name of PROMPT_NAMES) prompts[name] = str(raw(`prompts.${name}`));

  return {
    engine: pickEnum(raw("engine"), ["local", "tgi", "openai"] as const, "local", "engine", warn),
    remoteUrl: str(raw("remote.url")).trim(),
    remoteModel: str(raw("remote.model")).trim(),
    remoteHeaders: strRecord(raw("remote.headers")),
    modelPath: str(raw("modelPath")).trim(),
    modelsDirectory: str(raw("modelsDirectory")).trim(),
    modelSource: str(raw("modelSource")).trim(),
    gpuPackMirror: str(raw("gpu.packMirror")).trim(),
    quantization: pickEnum(raw("quantization"), QUANTIZATIONS, "auto", "quantization", warn),
    gpuLayers,
    contextSize: clampInt(raw("contextSize"), 512, 32768, 8192, "contextSize", warn),
    expertsPerToken: clampInt(raw("expertsPerToken"), 1, 8, 2, "expertsPerToken", warn),
    backend: pickEnum(raw("backend"), ["auto", "cuda", "metal", "vulkan", "cpu"] as const, "auto", "backend", warn),
    threads: clampInt(raw("threads"), 0, 256, 0, "threads", warn),
    flashAttention: pickEnum(raw("flashAttention"), ["auto", "on", "off"] as const, "auto", "flashAttention", warn),
    useMmap: bool(raw("useMmap"), true),
    idleUnloadMinutes: clampInt(raw("idleUnloadMinutes"), 0, 1440, 15, "idleUnloadMinutes", warn),
    loraAdapters: lora.flatMap((a) => {
      if (typeof a !== "object" || a === null) return [];
      const o = a as Record<string, unknown>;
      if (typeof o.path !== "string" || !o.path) return [];
      return [{ path: o.path, scale: typeof o.scale === "number" && Number.isFinite(o.scale) ? o.scale : 1 }];
    }),
    temperature: clampNum(raw("temperature"), 0, 2, 0.2, "temperature", warn),
    maxTokens: clampInt(raw("maxTokens"), 16, 8192, 1024, "maxTokens", warn),
    speculativeDecoding: pickEnum(raw("speculativeDecoding"), ["auto", "off"] as const, "auto", "speculativeDecoding", warn),
    systemPrompt: str(raw("systemPrompt")),
    inlineEnabled: bool(raw("inlineCompletions.enabled"), true),
    inlineLanguages: boolRecord(raw("inlineCompletions.languages"), { "*": true, plaintext: false, markdown: false, scminput: false }),
    inlineDebounceMs: clampInt(raw("inlineCompletions.debounceMs"), 0, 2000, 100, "inlineCompletions.debounceMs", warn),
    inlineMaxTokens: clampInt(raw("inlineCompletions.maxTokens"), 8, 512, 64, "inlineCompletions.maxTokens", warn),
    inlineMultiline: pickEnum(
      raw("inlineCompletions.multiline"),
      ["auto", "always", "never"] as const,
      "auto",
      "inlineCompletions.multiline",
      warn,
    ),
    nextEditEnabled: pickEnum(raw("nextEdit.enabled"), ["auto", "on", "off"] as const, "auto", "nextEdit.enabled", warn),
    nextEditDebounceMs: clampInt(raw("nextEdit.debounceMs"), 0, 5000, 300, "nextEdit.debounceMs", warn),
    nextEditLanguages: boolRecord(raw("nextEdit.languages"), { "*": true, plaintext: false, markdown: false, scminput: false }),
    prompts,
    workspace: normalizeWorkspaceSettings(raw, warn),
  };
}

/** Sorts a change: `engine` = reload the model/engine; `hot` = applied at once. */
export function classifyChange(affects: (key: string) => boolean): "engine" | "hot" | "none" {
  if (RELOAD_ENGINE_KEYS.some((k) => affects(`mixtral.${k}`))) return "engine";
  return affects("mixtral") ? "hot" : "none";
}
