// A GPU backend is trusted only after it decodes. A throwaway copy of this engine (dist/engine.js
// started with PROBE_ENV) loads the small probe model (dist/probe-model.gguf, written at build
// time) with every layer on the GPU and decodes a few tokens, then prints one result line. A
// native abort there ends only that process: on an H200 with driver 580 the prebuilt CUDA package
// passes node-llama-cpp's own load test and aborts at the first decode, so nothing short of a real
// decode catches it.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, type Dirent } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { GpuBackend, NativeExit } from "../core/gpu/gpuFailure";
import { cuda12PackName, packNameFor } from "../core/gpu/packLayout";
import { gpuPacks, loadedBinaryFolder, PACK_OVERRIDES_ENV } from "./gpuPacks";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

/** Set (to the backend's name) in the probe process's environment. */
export const PROBE_ENV = "MIXTRAL_ENGINE_PROBE";
const RESULT = "MIXTRAL_PROBE_RESULT ";
const FAILED = "MIXTRAL_PROBE_ERROR ";
/** Tokens decoded by the probe: enough for every kernel of a decode step to have run. */
const PROBE_TOKENS = 4;
/** glibc's RTLD_NODELETE (Node has no constant for it): keeps a library loaded after Node closes
 *  it for not being an addon. */
const RTLD_NODELETE = process.platform === "linux" ? 0x1000 : 0;
/** Default limit for one probe: a CUDA driver compiling PTX for a new card can take minutes. */
export const PROBE_TIMEOUT_MS = 300_000;

export interface ProbeSuccess {
  gpu: GpuBackend;
  /** The binary folder the probe loaded (Linux). */
  binaries?: string;
  gpuNames: string[];
  gpuLayers: number;
  tokens: number;
}

export type ProbeOutcome = { ok: true; result: ProbeSuccess; ms: number } | { ok: false; exit: NativeExit; ms: number };

export interface ProbeOptions {
  /** Default this bundle (dist/engine.js). */
  enginePath?: string;
  /** Added to the probe process's environment (PACK_OVERRIDES_ENV for the CUDA 12 view). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs the decode test for `gpu` in a child process and reports how it ended. Never throws. */
export function probeBackend(gpu: GpuBackend, options: ProbeOptions = {}): Promise<ProbeOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [options.enginePath ?? __filename], {
      // The child inherits MIXTRAL_GPU_PACKS, so it resolves the same packs as this process.
      env: { ...process.env, ...options.env, [PROBE_ENV]: gpu, ELECTRON_RUN_AS_NODE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    // Keep the tail: the native error line is printed last, just before the abort.
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr = (stderr + d).slice(-16_384);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? PROBE_TIMEOUT_MS);
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const line = (mark: string) =>
        stdout
          .split("\n")
          .find((l) => l.startsWith(mark))
          ?.slice(mark.length);
      const ok = line(RESULT);
      if (code === 0 && ok) {
        resolve({ ok: true, result: JSON.parse(ok) as ProbeSuccess, ms });
        return;
      }
      const reported = line(FAILED);
      const error =
        spawnError?.message ??
        (reported
          ? (JSON.parse(reported) as string)
          : timedOut
            ? `no answer within ${Math.round((options.timeoutMs ?? PROBE_TIMEOUT_MS) / 1000)} s`
            : undefined);
      resolve({ ok: false, exit: { signal, exitCode: code, stderr, error }, ms });
    };
    child.once("error", (error) => finish(null, null, error));
    child.once("close", (code, signal) => finish(code, signal));
  });
}

/** The probe process's whole life (main.ts calls it when PROBE_ENV is set). */
export async function probeMain(libPromise: Promise<NodeLlamaCpp>, gpu: GpuBackend): Promise<void> {
  const done = (text: string, code: number) => process.stdout.write(text + "\n", () => process.exit(code));
  try {
    const lib = await libPromise;
    const llama = await lib
      .getLlama({
        gpu,
        build: "never",
        maxThreads: 1,
        logLevel: lib.LlamaLogLevel.warn,
        logger: (_level, message) => {
          if (message.trim()) process.stderr.write(`${message.trimEnd()}\n`);
        },
        progressLogs: true,
      })
      .catch((error: unknown) => {
        diagnoseLibraries(gpu);
        throw error;
      });
    if (llama.gpu !== gpu) throw new Error(`node-llama-cpp loaded ${llama.gpu === false ? "CPU" : llama.gpu} binaries, not ${gpu}`);
    const model = await llama.loadModel({ modelPath: path.join(__dirname, "probe-model.gguf"), gpuLayers: "max" });
    if (model.gpuLayers === 0) throw new Error("no layer could be put on the GPU");
    const context = await model.createContext({ contextSize: 256, sequences: 1 });
    let tokens = 0;
    for await (const token of context.getSequence().evaluate(model.tokenize("The quick brown fox"), { temperature: 0 })) {
      void token;
      if (++tokens >= PROBE_TOKENS) break;
    }
    const result: ProbeSuccess = {
      gpu,
      binaries: loadedBinaryFolder(),
      gpuNames: await llama.getGpuDeviceNames(),
      gpuLayers: model.gpuLayers,
      tokens,
    };
    done(RESULT + JSON.stringify(result), 0);
  } catch (error) {
    done(FAILED + JSON.stringify(error instanceof Error ? error.message : String(error)), 1);
  }
}

/** node-llama-cpp says only "no binary found" when a GPU library cannot load: load the backend's
 *  library directly (in this throwaway process) so that the loader's own words reach stderr,
 *  e.g. "libvulkan.so.1: cannot open shared object file". */
function diagnoseLibraries(gpu: GpuBackend): void {
  const name = packNameFor(gpu);
  // Testing the CUDA 12 build (through the view): its library is in the -cuda-ext pack.
  const viaView = process.env[PACK_OVERRIDES_ENV] !== undefined;
  const packDir = (n: string) => gpuPacks().packs.find((p) => p.name === n)?.dir;
  const dirs = viaView ? [packDir(cuda12PackName())] : [packDir(name), path.join(__dirname, "..", "node_modules", "@node-llama-cpp", name)];
  const dir = dirs.find((d): d is string => !!d && existsSync(path.join(d, "bins")));
  if (!dir) return;
  const walk = (folder: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory() && depth > 0) walk(file, depth - 1);
      else if (/ggml-(cuda|vulkan|metal)[^/]*\.(so|dll|dylib)$/.test(entry.name)) {
        try {
          process.dlopen({ exports: {} }, file);
        } catch (error) {
          const message = (error as Error).message;
          // A library that loads is not a Node addon: "did not self-register" means it loaded fine.
          if (!/self-register|Module did not/i.test(message)) process.stderr.write(`loading ${entry.name}: ${message}\n`);
        }
      }
    }
  };
  if (viaView) {
    // The CUDA 12 library links ggml's base library, which sits in the CUDA pack's folder (the
    // addon has it loaded when node-llama-cpp loads the fallback): load it globally, and kept (Node
    // closes a library that is not an addon), or the
    // loader would name it instead of what is really missing (the CUDA 12 runtime).
    const main = packDir(name);
    for (const folder of main ? readdirSync(path.join(main, "bins")) : []) {
      const base = path.join(main as string, "bins", folder, process.platform === "win32" ? "ggml-base.dll" : "libggml-base.so");
      try {
        if (existsSync(base))
          process.dlopen({ exports: {} }, base, os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE);
      } catch {
        /* not an addon: loaded */
      }
    }
  }
  walk(path.join(dir, "bins"), viaView ? 2 : 1);
}
