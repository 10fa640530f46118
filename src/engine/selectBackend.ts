// Picks the compute backend: the user's choice first, then CUDA, Metal, Vulkan, CPU. A GPU
// backend is used only after it decoded in a throwaway process (backendProbe.ts; results cached
// per packs + driver), so a binary that aborts on this card falls back instead of killing the
// engine. A backend passed over becomes a notice with the reason and the fix on every load; one
// passed over for a remembered verdict (the cache) says so.
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import type { Llama, LlamaLogLevel } from "node-llama-cpp" with { "resolution-mode": "import" };
import {
  explainGpuFailure,
  fallbackNotice,
  GPU_BACKEND_LABELS,
  gpuErrorLine,
  rememberedFallbackNotice,
  type GpuBackend,
  type GpuFailure,
} from "../core/gpu/gpuFailure";
import type { Backend } from "../shared/engineProtocol";
import { probeBackend } from "./backendProbe";
import { cuda12View } from "./cuda12View";
import { EngineFailure, log } from "./engineIpc";
import { cuda12PackName, packNameFor } from "../core/gpu/packLayout";
import { describeBinarySource, gpuPacks, PACK_OVERRIDES_ENV, routeCudaPackTo } from "./gpuPacks";
import { gpuMachine, ProbeCache, probeKey } from "./probeCache";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

const GPU_ORDER: GpuBackend[] = ["cuda", "metal", "vulkan"];

/** A backend to try: "cuda12" is CUDA through the CUDA 12 pack (cuda12View.ts). */
type Candidate = GpuBackend | "cuda12";
const gpuOf = (c: Candidate): GpuBackend => (c === "cuda12" ? "cuda" : c);

export interface SelectedBackend {
  llama: Llama;
  notices: string[];
}

export interface SelectBackendOptions {
  backend: Backend;
  maxThreads: number;
  /** Backends the host saw crash the engine (a native GPU abort): not tried again. */
  avoid?: GpuFailure[];
  /** What is happening, for the load's progress (a decode test takes seconds). */
  onStatus?: (message: string) => void;
}

const llamas = new Map<string, Llama>();
let probeCache: ProbeCache | undefined;

function routeLog(level: LlamaLogLevel, message: string): void {
  const text = message.trimEnd();
  if (!text) return;
  switch (level) {
    case "fatal":
    case "error":
      log("error", text);
      break;
    case "warn":
      log("warn", text);
      break;
    case "debug":
      log("debug", text);
      break;
    default:
      log("info", text);
  }
}

const label = (gpu: Candidate | false): string => (gpu === "cuda12" ? "CUDA 12" : GPU_BACKEND_LABELS[gpu === false ? "cpu" : gpu]);

/** GPU backends worth trying, best first: those node-llama-cpp detects the system libraries for,
 *  and those with an installed pack (tried explicitly: node-llama-cpp's "auto" skips CUDA unless
 *  the CUDA runtime and cuBLAS are installed, which no pack contains). */
async function gpuCandidates(lib: NodeLlamaCpp, backend: Backend): Promise<Candidate[]> {
  if (backend === "cpu") return [];
  const packs = new Set(gpuPacks().packs.map((p) => p.name));
  const detected = new Set(await lib.getLlamaGpuTypes("supported"));
  const plausible = GPU_ORDER.filter((g) => detected.has(g) || packs.has(packNameFor(g)));
  const ordered = backend === "auto" ? plausible : [backend, ...plausible.filter((g) => g !== backend)];
  // With both CUDA packs, the CUDA 12 build is the next try after the CUDA 13 one.
  const cuda12 = packs.has(cuda12PackName()) && !gpuPacks().packs.some((p) => p.name === packNameFor("cuda") && p.localBuild);
  return ordered.flatMap((g): Candidate[] => (g === "cuda" && cuda12 ? ["cuda", "cuda12"] : [g]));
}

type Trust = { ok: true } | { ok: false; failure: GpuFailure; fresh: boolean };

/** Cached decode-test result for `gpu`, or a new test. */
async function trust(gpu: Candidate, avoid: GpuFailure[], onStatus?: (message: string) => void): Promise<Trust> {
  const packs = gpuPacks();
  probeCache ??= new ProbeCache(packs.root);
  const machine = await gpuMachine();
  const key = probeKey(gpu, packs.packs, machine);
  // A GPU abort of the engine itself names the runtime (CUDA), not the build: both CUDA builds go.
  const avoided = avoid.find((f) => f.backend === gpuOf(gpu));
  if (avoided) {
    await probeCache.set(key, { ok: false, at: new Date().toISOString(), failure: avoided }).catch(() => undefined);
    return { ok: false, failure: avoided, fresh: true };
  }
  const cached = probeCache.get(key);
  if (cached?.ok) return { ok: true };
  if (cached?.failure) return { ok: false, failure: cached.failure, fresh: false };
  log(
    "info",
    `testing the ${label(gpu)} backend: loading the probe model on the GPU and decoding a few tokens in a separate process (${key})`,
  );
  onStatus?.(`testing ${label(gpu)} (a short decode)`);
  const view = gpu === "cuda12" ? await cuda12View(packs) : undefined;
  const outcome = await probeBackend(
    gpuOf(gpu),
    view ? { env: { [PACK_OVERRIDES_ENV]: JSON.stringify({ [packNameFor("cuda")]: view }) } } : {},
  );
  if (outcome.ok) {
    const r = outcome.result;
    log(
      "info",
      `${label(gpu)} decoded ${r.tokens} tokens with ${r.gpuLayers} layers on ${r.gpuNames.join(", ") || "the GPU"} in ${Math.round(outcome.ms)} ms${r.binaries ? ` (binary folder ${r.binaries})` : ""}`,
    );
    await probeCache
      .set(key, { ok: true, at: new Date().toISOString(), binaries: r.binaries })
      .catch((e: unknown) => log("warn", `could not save the backend test result: ${(e as Error).message}`));
    return { ok: true };
  }
  const failure = { ...explainGpuFailure(gpuOf(gpu), outcome.exit, machine), ...(gpu === "cuda12" ? { label: "CUDA 12" } : {}) };
  const errorLine = gpuErrorLine(outcome.exit.stderr)?.line;
  const tail = outcome.exit.stderr.trim().split("\n").slice(-8).join("\n");
  log(
    "warn",
    `${label(gpu)} failed its decode test (${outcome.exit.signal ?? `exit code ${outcome.exit.exitCode}`}${outcome.exit.error ? `: ${outcome.exit.error.split("\n")[0]}` : ""})` +
      `${errorLine ? `: ${errorLine}` : ""}${tail ? `; its stderr ended with:\n${tail}` : ""}`,
  );
  // Deterministic failures are remembered: the same binary on the same driver fails the same way.
  if (failure.deterministic) await probeCache.set(key, { ok: false, at: new Date().toISOString(), failure }).catch(() => undefined);
  return { ok: false, failure, fresh: true };
}

/** Whether any binaries of this backend are here: a pack (or a build made here), the extension's
 *  own @node-llama-cpp packages (a development checkout has them all), or a source build inside
 *  node-llama-cpp (llama/localBuilds, as bench/gpu makes). */
function hasBinariesFor(gpu: GpuBackend): boolean {
  const name = packNameFor(gpu);
  if (gpuPacks().packs.some((p) => p.name === name || (gpu === "cuda" && p.name === cuda12PackName()))) return true;
  const modules = path.join(__dirname, "..", "node_modules");
  if (existsSync(path.join(modules, "@node-llama-cpp", name))) return true;
  try {
    return readdirSync(path.join(modules, "node-llama-cpp", "llama", "localBuilds")).some((b) => b.includes(`-${gpu}`));
  } catch {
    return false;
  }
}

async function getLlama(lib: NodeLlamaCpp, gpu: Candidate | false, maxThreads: number): Promise<Llama> {
  const key = `${String(gpu)}:${maxThreads}`;
  const cached = llamas.get(key);
  if (cached && !cached.disposed) return cached;
  if (gpu === "cuda12") {
    const view = await cuda12View(gpuPacks());
    if (view) routeCudaPackTo(view);
  }
  const llama = await lib.getLlama({
    gpu: gpu === false ? false : gpuOf(gpu),
    build: "never",
    maxThreads,
    // "info" carries llama.cpp's print_info lines (n_expert, n_expert_used…) into the log.
    logLevel: lib.LlamaLogLevel.info,
    logger: routeLog,
    progressLogs: false,
  });
  llamas.set(key, llama);
  log("info", `backend ${label(llama.gpu)} from ${describeBinarySource(llama.gpu, llama.buildType)}`);
  return llama;
}

export async function selectBackend(lib: NodeLlamaCpp, options: SelectBackendOptions): Promise<SelectedBackend> {
  const failures: { failure: GpuFailure; fresh: boolean }[] = [];
  // Every backend passed over is a notice on every load, a remembered verdict too (marked so):
  // the reason stays in the status bar, the doctor and the CLI for as long as the verdict stands.
  const passedOver = (using: Candidate | "cpu"): string[] =>
    failures.map((f) => {
      const notice = fallbackNotice(f.failure, using === "cpu" ? "cpu" : gpuOf(using), using === "cuda12" ? "CUDA 12" : undefined);
      return f.fresh ? notice : rememberedFallbackNotice(notice);
    });
  for (const gpu of await gpuCandidates(lib, options.backend)) {
    if (!hasBinariesFor(gpuOf(gpu))) {
      // node-llama-cpp detects the card's libraries, but the extension ships CPU binaries only:
      // nothing to test. The host offers the pack; a notice only when the setting asked for it.
      log("info", `no ${label(gpu)} binaries here (no GPU pack, no build for this machine): skipped`);
      if (options.backend === gpuOf(gpu)) {
        failures.push({
          fresh: true,
          failure: {
            backend: gpuOf(gpu),
            deterministic: false,
            signature: "no binaries",
            reason: `no ${label(gpu)} binaries are installed (the extension ships CPU binaries only)`,
            fix: "run “Mixtral: Enable GPU Acceleration…” (or `mixtral-local gpu-pack install`), or build GPU support for this machine",
          },
        });
      }
      continue;
    }
    const trusted = await trust(gpu, options.avoid ?? [], options.onStatus);
    if (!trusted.ok) {
      failures.push(trusted);
      continue;
    }
    try {
      const llama = await getLlama(lib, gpu, options.maxThreads);
      if (llama.gpu === gpuOf(gpu)) return { llama, notices: passedOver(gpu) };
      failures.push({
        failure: explainGpuFailure(gpuOf(gpu), {
          signal: null,
          exitCode: null,
          stderr: "",
          error: `node-llama-cpp loaded ${label(llama.gpu)} binaries instead`,
        }),
        fresh: true,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log("warn", `backend ${label(gpu)} unavailable: ${message}`);
      failures.push({ failure: explainGpuFailure(gpuOf(gpu), { signal: null, exitCode: null, stderr: "", error: message }), fresh: true });
    }
  }
  try {
    const llama = await getLlama(lib, false, options.maxThreads);
    return { llama, notices: passedOver("cpu") };
  } catch (error) {
    const reasons = [
      ...failures.map((f) => `${f.failure.label ?? label(f.failure.backend)}: ${f.failure.reason}`),
      `CPU: ${(error as Error).message}`,
    ];
    throw new EngineFailure("backendUnavailable", `No compute backend could start (${reasons.join("; ")}).`);
  }
}
