// Bounded restarts: a child that keeps dying (bad driver, a file that aborts llama.cpp, OOM) must
// not be restarted forever. At most `maxRestarts` in `windowMs`, with growing delays.

export interface RestartPolicyOptions {
  /** Default 3. */
  maxRestarts?: number;
  /** Default 5 minutes. */
  windowMs?: number;
  /** Delay before the 1st, 2nd, 3rd… restart in the window. Default [500, 2000, 5000] ms. */
  delaysMs?: number[];
}

export class RestartPolicy {
  private crashes: number[] = [];
  private readonly maxRestarts: number;
  private readonly windowMs: number;
  private readonly delaysMs: number[];

  constructor(
    options: RestartPolicyOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxRestarts = options.maxRestarts ?? 3;
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.delaysMs = options.delaysMs ?? [500, 2000, 5000];
  }

  /** Records a crash; returns the delay before restarting, or undefined when it is time to stop. */
  next(): number | undefined {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    if (this.crashes.length > this.maxRestarts) return undefined;
    return this.delaysMs[Math.min(this.crashes.length - 1, this.delaysMs.length - 1)] ?? 0;
  }

  /** Why the engine is not restarted after `next()` gave up (`reason`: the last crash). */
  gaveUpMessage(reason: string): string {
    return (
      `The engine process crashed ${this.crashes.length} times in ${Math.round(this.windowMs / 60_000)} minutes (last: ${reason}). ` +
      "It will not be restarted automatically: run “Mixtral: Restart Engine” to start it again, or change the model or its settings."
    );
  }

  /** The user acted (explicit load, changed settings): start counting afresh. */
  reset(): void {
    this.crashes = [];
  }
}
