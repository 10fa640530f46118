// Picks the compute backend: the user's choice first, then CUDA, Metal, Vulkan, CPU. Each failure
// becomes a notice naming the reason, so a silent fall to CPU never surprises anyone.
import type { Llama, LlamaLogLevel } from "node-llama-cpp" with { "resolution-mode": "import" };
import type { Backend } from "../shared/engineProtocol";
import { EngineFailure, log } from "./engineIpc";
import { describeBinarySource } from "./gpuPacks";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });
type GpuChoice = "cuda" | "metal" | "vulkan" | false;

const FALLBACK_ORDER: GpuChoice[] = ["cuda", "metal", "vulkan", false];

export interface SelectedBackend {
  llama: Llama;
  notices: string[];
}

const cache = new Map<string, Llama>();

function routeLog(level: LlamaLogLevel, message: string): void {
  const text = message.trimEnd();
  if (!text) return;
  switch (level) {
    case "fatal":
    case "error": log("error", text); break;
    case "warn": log("warn", text); break;
    case "debug": log("debug", text); break;
    default: log("info", text);
  }
}

const label = (gpu: GpuChoice | "auto"): string => (gpu === false ? "CPU" : gpu === "auto" ? "auto" : gpu === "cuda" ? "CUDA" : gpu === "metal" ? "Metal" : "Vulkan");

export async function selectBackend(lib: NodeLlamaCpp, backend: Backend, maxThreads: number): Promise<SelectedBackend> {
  const first: GpuChoice | "auto" = backend === "auto" ? "auto" : backend === "cpu" ? false : backend;
  const candidates: (GpuChoice | "auto")[] = [first, ...FALLBACK_ORDER.filter((g) => g !== first)];
  const notices: string[] = [];
  const failures: string[] = [];
  for (const gpu of candidates) {
    if (backend === "auto" && gpu !== "auto" && gpu !== false) continue; // "auto" already tried every GPU type
    const key = `${String(gpu)}:${maxThreads}`;
    const cached = cache.get(key);
    if (cached && !cached.disposed) return { llama: cached, notices };
    try {
      const llama = await lib.getLlama({
        gpu,
        build: "never",
        maxThreads,
        // "info" carries llama.cpp's print_info lines (n_expert, n_expert_used…) into the log.
        logLevel: lib.LlamaLogLevel.info,
        logger: routeLog,
        progressLogs: false,
      });
      cache.set(key, llama);
      log("info", `backend ${label(llama.gpu)} from ${describeBinarySource(llama.gpu, llama.buildType)}`);
      if (failures.length > 0) {
        notices.push(`The ${failures.join("; ")}. Using ${label(llama.gpu)} instead.`);
      }
      return { llama, notices };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log("warn", `backend ${label(gpu)} unavailable: ${reason}`);
      failures.push(`${label(gpu)} backend failed to start (${reason.split("\n")[0]})`);
    }
  }
  throw new EngineFailure("backendUnavailable", `No compute backend could start: ${failures.join("; ")}.`);
}
