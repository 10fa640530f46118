// Why each engine process ended, as the supervisor (EngineClient) records it: stopped on purpose
// (with the reason its requests get), hung (killed by the watchdog), killed by the system for
// memory, dead of a deterministic GPU abort (then reloaded past that backend), or a plain crash.
import type { BackendFailure, LoadOptions } from "../../shared/engineProtocol";
import { EngineCrashedError } from "../errors";
import { abortError, describeExit, loadKey, modelLabel } from "./engineResults";
import type { EngineProcess } from "./EngineProcess";
import { GpuFaults } from "./gpuFaults";
import { outOfMemoryReason } from "./processMemory";

/** The expected-exit reason of a process killed because its load was cancelled. */
export const LOAD_CANCELLED = "loading was cancelled";
export const CRASHED_LOAD_HINT = "Choose another model file or change its settings (GPU layers, context size, experts per token).";

export interface EngineExit {
  /** In words, for the requests in flight and the state. */
  reason: string;
  /** The reason given when we stopped it on purpose; undefined for a crash. */
  expected?: string;
  /** A deterministic GPU abort: the next load falls back past that backend. */
  gpuAbort?: BackendFailure;
}

export class EngineExits {
  private readonly expectedExits = new WeakMap<EngineProcess, string>();
  private readonly hungReasons = new WeakMap<EngineProcess, string>();
  private readonly gpuAborts = new WeakSet<EngineProcess>();
  private readonly gpuFaults = new GpuFaults();
  private crashed?: { key: string; message: string };

  /** @param outOfMemoryFraction see EngineClientOptions.outOfMemoryFraction. */
  constructor(private readonly outOfMemoryFraction?: number) {}

  /** We stop `proc` on purpose; its pending requests get `reason`. */
  expect(proc: EngineProcess, reason: string): void {
    this.expectedExits.set(proc, reason);
  }

  /** The watchdog is killing `proc`: not an expected exit (a hang counts as a crash), with its own reason. */
  markHung(proc: EngineProcess, reason: string): void {
    this.hungReasons.set(proc, reason);
  }

  diedOfGpuAbort(proc: EngineProcess): boolean {
    return this.gpuAborts.has(proc);
  }

  /** What a load gets when its process died under it; a crash that was not a GPU abort is
   *  remembered, and the same settings are not loaded again automatically. */
  loadCrashError(proc: EngineProcess, options: LoadOptions, reason: string): Error {
    if (this.expectedExits.get(proc) === LOAD_CANCELLED) return abortError("Loading the model");
    const crashed = `The engine process crashed while loading ${modelLabel(options)} (${reason.replace(/^the engine process /, "")}).`;
    if (this.diedOfGpuAbort(proc)) return new EngineCrashedError(crashed);
    const text = `${crashed} These settings will not be loaded again automatically.`;
    this.crashed = { key: loadKey(options), message: text };
    return new EngineCrashedError(text, CRASHED_LOAD_HINT);
  }

  /** The crash message, when these are the settings of the load that crashed. */
  crashedLoad(options: LoadOptions): string | undefined {
    return this.crashed?.key === loadKey(options) ? this.crashed.message : undefined;
  }

  /** The load options the engine gets: the user's, plus the backends to fall back past. */
  loadOptions(options: LoadOptions): LoadOptions {
    return this.gpuFaults.apply(options);
  }

  /** Classifies an exit (once per process). `disposed`: the client is shutting down, so nothing
   *  is a GPU fault worth remembering. */
  classify(proc: EngineProcess, code: number | null, signal: NodeJS.Signals | null, disposed: boolean): EngineExit {
    const expected = this.expectedExits.get(proc);
    // A SIGKILL nobody here sent, from a process that had grown large: the OOM killer's signature.
    const outOfMemory = signal === "SIGKILL" ? outOfMemoryReason(proc.peakMemoryBytes, this.outOfMemoryFraction) : undefined;
    const reason = expected ?? this.hungReasons.get(proc) ?? outOfMemory ?? describeExit(code, signal);
    const gpuAbort = expected === undefined && !disposed ? this.gpuFaults.recordExit(signal, code, proc.recentStderr) : undefined;
    if (gpuAbort) this.gpuAborts.add(proc);
    return { reason, expected, gpuAbort };
  }
}
