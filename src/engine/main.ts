// Engine child process entry (bundled to dist/engine.js, forked by src/core/engineClient/EngineClient).
// The only place node-llama-cpp is loaded: a crash in native code (GGML_ASSERT, GPU OOM, a bad
// file) ends this process, and the host sees an exit instead of losing VS Code. The same bundle,
// started with PROBE_ENV, is the throwaway process that tests a GPU backend (backendProbe.ts).
import type { GpuBackend } from "../core/gpu/gpuFailure";
import { PROBE_ENV, probeMain } from "./backendProbe";
import { installGpuPackHook } from "./gpuPacks";
import { serve } from "./serve";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

// GPU packs: the resolve hook must be in place before node-llama-cpp is first imported.
installGpuPackHook();
// A real dynamic import: node-llama-cpp is ESM-only with top-level await (esbuild keeps it).
const libPromise: Promise<NodeLlamaCpp> = import("node-llama-cpp");
libPromise.catch(() => undefined); // reported by the first load that needs it

const probe = process.env[PROBE_ENV];
if (probe) void probeMain(libPromise, probe as GpuBackend);
else serve(libPromise);
