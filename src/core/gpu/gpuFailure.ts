// Why a GPU backend failed (its decode test in a throwaway process, or the engine itself), in
// words with the fix. Pure: the engine (probe results) and the host's supervisor (a crashed
// engine) both read a process's exit and its stderr through this one function.
//
// Measured on an H200 with driver 580.159.04 (CUDA 13.0): the prebuilt CUDA package loads, passes
// node-llama-cpp's self-test, then the first decode aborts the process (SIGABRT) with
// `CUDA error: the provided PTX was compiled with an unsupported toolchain`: its code for sm_90
// is PTX 9.1 (CUDA 13.1), which an R580 driver cannot compile. Such an abort is deterministic:
// same binary + same driver = same abort, so it is never retried.

import type { BackendFailure } from "../../shared/engineProtocol";
import { PROBE_CACHE_FILE } from "./packLayout";

export type GpuBackend = BackendFailure["backend"];

/** What is known of the NVIDIA driver and card (nvidia-smi); both optional. */
export interface GpuMachine {
  /** e.g. "580.159.04". */
  driverVersion?: string;
  /** e.g. "9.0". */
  computeCapability?: string;
}

/** How a process that used the backend ended. */
export interface NativeExit {
  signal: string | null;
  exitCode: number | null;
  /** The process's stderr (its tail is enough). */
  stderr: string;
  /** The JavaScript error, when the process reported one instead of dying. */
  error?: string;
}

/** Why, what fixes it, and whether it is deterministic (the protocol carries it to the engine). */
export type GpuFailure = BackendFailure;

export const GPU_BACKEND_LABELS: Record<GpuBackend | "cpu", string> = { cuda: "CUDA", vulkan: "Vulkan", metal: "Metal", cpu: "CPU" };

const BUILD_HINT = "build GPU support for this machine (“Mixtral: Build GPU Support for This Machine”, or `mixtral-local gpu-build`)";
const CRASH_SIGNALS = new Set(["SIGABRT", "SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGTRAP"]);

/** The line of stderr that names a GPU runtime error, and the backend it belongs to. ggml prints
 *  "<file>:108: CUDA error" and "CUDA error: <what>" around a native backtrace, in either order
 *  (on the H200 the generic line came first): the one that says what wins. */
export function gpuErrorLine(stderr: string): { backend: GpuBackend; line: string } | undefined {
  const lines = stderr.split("\n").map((l) => l.trim());
  const telling = lines.find((l) => /CUDA error: \S|cuBLAS error: \S/.test(l));
  if (telling) return { backend: "cuda", line: telling };
  for (const line of lines) {
    if (/CUDA error|cuBLAS error|ggml_cuda|ggml-cuda/.test(line)) return { backend: "cuda", line };
    if (/ggml_vulkan|Vulkan error|vk::|VK_ERROR/.test(line)) return { backend: "vulkan", line };
    if (/ggml_metal|MTLDevice|Metal error/.test(line)) return { backend: "metal", line };
  }
  return undefined;
}

function driverMajor(machine: GpuMachine): string | undefined {
  return machine.driverVersion?.split(".")[0];
}

function smName(machine: GpuMachine): string | undefined {
  return machine.computeCapability ? `sm_${machine.computeCapability.replace(".", "")}` : undefined;
}

/** Explains a failed decode test or a crashed engine for `backend`. */
export function explainGpuFailure(backend: GpuBackend, exit: NativeExit, machine: GpuMachine = {}): GpuFailure {
  const label = GPU_BACKEND_LABELS[backend];
  const errorLine = gpuErrorLine(exit.stderr)?.line;
  const text = `${exit.error ?? ""}\n${exit.stderr}`;
  const crashed = exit.signal !== null && CRASH_SIGNALS.has(exit.signal);
  const signature = `${exit.signal ?? `code ${exit.exitCode}`}|${(errorLine ?? exit.error ?? "").replace(/^.*?(CUDA error|error)/i, "$1")}`;
  const driver = driverMajor(machine);
  const card = smName(machine);
  const onCard = card ? ` on an ${card} card` : " on this card";
  const failure = (reason: string, fix: string, deterministic = true): GpuFailure => ({ backend, deterministic, signature, reason, fix });

  if (/PTX was compiled with an unsupported toolchain/i.test(text)) {
    return failure(
      `${driver ? `driver ${driver}` : "this NVIDIA driver"} cannot run this CUDA build${onCard} (its code for the card is PTX from a newer CUDA than the driver supports)`,
      `update the NVIDIA driver to R590+ (CUDA 13.1), or ${BUILD_HINT}, or use the Vulkan pack`,
    );
  }
  if (/no kernel image is available/i.test(text)) {
    return failure(`this CUDA build has no code for this card${card ? ` (${card})` : ""}`, `${BUILD_HINT}, or use the Vulkan pack`);
  }
  if (/driver version is insufficient|CUDA driver is a stub|forward compatibility was attempted/i.test(text)) {
    return failure(
      `${driver ? `driver ${driver}` : "the NVIDIA driver"} is too old for this CUDA build`,
      `update the NVIDIA driver, or ${BUILD_HINT}, or use the Vulkan pack`,
    );
  }
  if (/out of memory/i.test(text)) {
    // The test model is tiny: the card is full of something else. Not a property of the binary.
    return failure(
      `the GPU ran out of memory${errorLine ? ` (${errorLine})` : ""}`,
      "close what uses the GPU's memory, then reload the model",
      false,
    );
  }
  if (/lib(cudart|cublas|cublasLt)\.so[.\d]*|cudart64_|cublas64_/i.test(text)) {
    const lib = /lib(?:cudart|cublasLt|cublas)\.so[.\d]*|cu(?:dart|blas)64_\d+\.dll/i.exec(text)?.[0];
    return failure(
      `the CUDA runtime is not installed${lib ? ` (${lib} not found)` : ""}: the CUDA pack contains no CUDA runtime`,
      "install the CUDA runtime (CUDA Toolkit 13, or 12 for the CUDA 12 pack) from NVIDIA, or use the Vulkan pack, which needs only the GPU driver",
    );
  }
  if (/libcuda\.so|nvcuda\.dll/i.test(text)) {
    return failure(
      "no NVIDIA driver was found (libcuda is missing)",
      "install the NVIDIA driver, or use the Vulkan pack with another GPU's driver",
    );
  }
  if (backend === "vulkan" && /libvulkan|vulkan-1\.dll|Vulkan/i.test(text) && !crashed) {
    return failure(
      "no usable Vulkan driver was found (the Vulkan loader libvulkan.so.1 and a GPU's Vulkan driver are needed)",
      "install the Vulkan loader and your GPU's Vulkan driver (Debian/Ubuntu: `apt install libvulkan1 mesa-vulkan-drivers`; NVIDIA's driver includes its own)",
    );
  }
  if (crashed) {
    return failure(
      `the ${label} backend crashed the process (${exit.signal}${errorLine ? `: ${errorLine}` : ""})`,
      `update the GPU driver, or ${backend === "cuda" ? `${BUILD_HINT}, or ` : ""}set mixtral.backend to another backend`,
      errorLine !== undefined,
    );
  }
  if (exit.signal !== null || exit.error === undefined) {
    // Killed from outside (SIGKILL from the OOM killer, a timeout): not a property of the binary.
    return failure(
      `the ${label} test process ended unexpectedly (${exit.signal ?? `exit code ${exit.exitCode}`})`,
      "reload the model to test it again",
      false,
    );
  }
  const first = exit.error.split("\n")[0];
  return failure(
    `the ${label} backend could not start (${first})`,
    backend === "cuda" ? "install the NVIDIA driver and CUDA runtime, or use the Vulkan pack" : "install or update the GPU driver",
  );
}

const FALLBACK = " was not used: ";

/** The notice shown once, in the status bar and the log, when a faster backend is passed over. */
export function fallbackNotice(failure: GpuFailure, using: GpuBackend | "cpu", usingLabel?: string): string {
  return `${failure.label ?? GPU_BACKEND_LABELS[failure.backend]}${FALLBACK}${failure.reason}. Using ${usingLabel ?? GPU_BACKEND_LABELS[using]} instead${using === "cpu" ? " (much slower)" : ""}. To fix: ${failure.fix}.`;
}

const REMEMBERED = ` (Remembered from an earlier decode test on this driver; to test again: \`mixtral-local gpu-check --retest\`, or delete ${PROBE_CACHE_FILE} in the GPU packs folder.)`;

/** The notice of a backend passed over because of a remembered verdict (probe-results.json): the
 *  same words as when it was found, on every load for as long as the verdict stands, marked so an
 *  adapter can show it without announcing it again. */
export function rememberedFallbackNotice(notice: string): string {
  return `${notice}${REMEMBERED}`;
}

/** Whether a fallback notice comes from a remembered verdict rather than a test of this load. */
export function isRememberedFallback(notice: string): boolean {
  return isFallbackNotice(notice) && notice.endsWith(REMEMBERED);
}

/** Whether a model notice is a backend fallback (the status bar marks those). */
export function isFallbackNotice(notice: string): boolean {
  return /^(CUDA|CUDA 12|Vulkan|Metal) was not used: /.test(notice);
}
