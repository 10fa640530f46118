// Requests in flight to one engine process, by requestId, and the hang watchdog: a generation
// with no message at all from the child (chunk, progress, log) for `hangTimeoutMs` means a hung
// process (deadlock, a stopped process, swapping to death) and is reported through onHang.
import type { EngineMessage } from "../../shared/engineProtocol";

export interface PendingHandlers {
  kind: "generate" | "load" | "other";
  onMessage(message: EngineMessage): void;
  /** The process went away before the reply; `reason` says how, in words. */
  onExit(reason: string): void;
}

export class PendingRequests {
  private readonly table = new Map<string, PendingHandlers>();
  private nextId = 1;
  private lastActivity = 0;
  private watchdog?: NodeJS.Timeout;

  /** @param hangTimeoutMs 0 turns the watchdog off. */
  constructor(
    private readonly hangTimeoutMs: number,
    private readonly onHang: (reason: string) => void,
  ) {}

  get size(): number {
    return this.table.size;
  }

  open(handlers: PendingHandlers): string {
    const id = `r${this.nextId++}`;
    this.table.set(id, handlers);
    if (handlers.kind === "generate") {
      this.lastActivity = Date.now();
      this.arm();
    }
    return id;
  }

  close(id: string): void {
    this.table.delete(id);
  }

  /** Any message is a sign of life; replies go to their request. */
  route(message: EngineMessage): void {
    this.lastActivity = Date.now();
    if ("requestId" in message) this.table.get(message.requestId)?.onMessage(message);
  }

  /** Settles every request with the reason its process went away; returns how many there were. */
  settleAll(reason: string): number {
    const all = [...this.table.values()];
    this.table.clear();
    for (const p of all) p.onExit(reason);
    return all.length;
  }

  dispose(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private arm(): void {
    const hangMs = this.hangTimeoutMs;
    if (hangMs <= 0 || this.watchdog) return;
    this.watchdog = setInterval(
      () => {
        if (![...this.table.values()].some((p) => p.kind === "generate")) return this.dispose();
        if (Date.now() - this.lastActivity > hangMs) {
          this.lastActivity = Date.now(); // one report per silence
          this.onHang(`the engine stopped responding for ${Math.round(hangMs / 1000)} s during a generation and was stopped`);
        }
      },
      Math.min(1000, Math.max(50, hangMs / 4)),
    );
    this.watchdog.unref?.();
  }
}

/** A set of listeners with a VS Code-style `{ dispose }` subscription. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): { dispose(): void } {
    this.set.add(listener);
    return { dispose: () => this.set.delete(listener) };
  }

  fire(value: T, onError: (error: unknown) => void): void {
    for (const l of this.set) {
      try {
        l(value);
      } catch (error) {
        onError(error);
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}
