// The supervisor's memory of GPU backends that crashed the engine with a native abort (a crash
// signal with a GPU runtime error on stderr, e.g. SIGABRT + "CUDA error: the provided PTX was
// compiled with an unsupported toolchain"). Such an abort is deterministic: restarting into the
// same binary on the same driver only repeats it, so the next load asks the engine to fall back
// past that backend (LoadOptions.avoidBackends), with the reason and the fix as its notice.
import type { BackendFailure, LoadOptions } from "../../shared/engineProtocol";
import { explainGpuFailure, gpuErrorLine } from "../gpu/gpuFailure";

export class GpuFaults {
  private readonly avoided: BackendFailure[] = [];

  /** Classifies an engine exit; returns the failure when it was a deterministic GPU abort. */
  recordExit(signal: string | null, exitCode: number | null, stderr: string): BackendFailure | undefined {
    if (signal === null) return undefined;
    const found = gpuErrorLine(stderr);
    if (!found) return undefined;
    const failure = explainGpuFailure(found.backend, { signal, exitCode, stderr });
    if (!failure.deterministic) return undefined;
    const index = this.avoided.findIndex((f) => f.backend === failure.backend);
    if (index >= 0) this.avoided.splice(index, 1);
    this.avoided.push(failure);
    return failure;
  }

  /** The load options the engine gets: the user's, plus the backends to fall back past. */
  apply(options: LoadOptions): LoadOptions {
    return this.avoided.length > 0 ? { ...options, avoidBackends: [...(options.avoidBackends ?? []), ...this.avoided] } : options;
  }
}
