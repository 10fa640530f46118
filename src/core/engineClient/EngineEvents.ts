// The local engine's state and what its listeners hear (state changes, load progress, the log),
// so that a listener that throws never breaks the supervisor's bookkeeping.
import type { LoadProgress } from "./engineClientOptions";
import type { EngineLogLevel } from "./EngineProcess";
import { Listeners } from "./PendingRequests";
import type { EngineState, EngineStateChange } from "./types";

export class EngineEvents {
  private current: EngineStateChange = { state: "stopped" };
  private readonly stateListeners = new Listeners<EngineStateChange>();
  private readonly progressListeners = new Listeners<LoadProgress>();

  constructor(private readonly onLog?: (level: EngineLogLevel, message: string) => void) {}

  /** The latest state with its reason. */
  get stateChange(): EngineStateChange {
    return this.current;
  }

  setState(state: EngineState, reason?: string): void {
    if (this.current.state === state && this.current.reason === reason) return;
    this.current = { state, reason };
    this.stateListeners.fire(this.current, (e) => this.listenerError(e));
  }

  onDidChangeState(listener: (change: EngineStateChange) => void): { dispose(): void } {
    return this.stateListeners.add(listener);
  }

  onDidLoadProgress(listener: (progress: LoadProgress) => void): { dispose(): void } {
    return this.progressListeners.add(listener);
  }

  fireProgress(progress: LoadProgress): void {
    this.progressListeners.fire(progress, (e) => this.listenerError(e));
  }

  /** The caller's callbacks never break the client's bookkeeping. */
  safely(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.listenerError(error);
    }
  }

  log(level: EngineLogLevel, message: string): void {
    this.onLog?.(level, message);
  }

  clear(): void {
    this.stateListeners.clear();
    this.progressListeners.clear();
  }

  private listenerError(error: unknown): void {
    this.log("error", `a listener threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
