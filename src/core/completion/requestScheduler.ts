// At most one completion runs and one waits; everything older is dropped. A new request aborts
// the running one (a superseded request stops within one decode step, its signal reaching the
// engine) and takes the single waiting place, dropping whoever held it. It starts only once the
// aborted one has settled, so the engine never has two completions in flight.

/** `value` is set on a failed result when the task ran and returned after its abort (partial). */
export type ScheduleResult<T> = { ok: true; value: T } | { ok: false; reason: "superseded" | "aborted"; value?: T };

class Superseded extends Error {
  constructor() {
    super("Superseded by a newer completion request.");
    this.name = "Superseded";
  }
}

interface Waiter {
  drop(): void;
}

export class RequestScheduler {
  private running?: { controller: AbortController; done: Promise<void> };
  private waiter?: Waiter;
  private active = 0;
  /** The most tasks ever running at once (1 by construction; tests check it). */
  peakActive = 0;

  constructor(private readonly onBusyChange?: (busy: boolean) => void) {}

  get busy(): boolean {
    return this.active > 0;
  }

  async run<T>(task: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<ScheduleResult<T>> {
    if (signal?.aborted) return { ok: false, reason: "aborted" };
    this.waiter?.drop();
    this.running?.controller.abort(new Superseded());

    let dropped = false;
    let wake!: () => void;
    const woken = new Promise<void>((r) => (wake = r));
    const me: Waiter = { drop: () => ((dropped = true), wake()) };
    this.waiter = me;
    const onAbort = () => wake();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (this.running && !dropped && !signal?.aborted) await Promise.race([this.running.done, woken]);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (this.waiter === me) this.waiter = undefined;
    }
    if (dropped) return { ok: false, reason: "superseded" };
    if (signal?.aborted) return { ok: false, reason: "aborted" };

    const controller = new AbortController();
    const forward = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    let finish!: () => void;
    this.running = { controller, done: new Promise<void>((r) => (finish = r)) };
    this.setActive(+1);
    try {
      const value = await task(controller.signal);
      if (controller.signal.aborted)
        return { ok: false, reason: controller.signal.reason instanceof Superseded ? "superseded" : "aborted", value };
      return { ok: true, value };
    } finally {
      signal?.removeEventListener("abort", forward);
      this.running = undefined;
      this.setActive(-1);
      finish();
    }
  }

  private setActive(delta: number): void {
    const wasBusy = this.active > 0;
    this.active += delta;
    this.peakActive = Math.max(this.peakActive, this.active);
    if (wasBusy !== this.active > 0) this.onBusyChange?.(this.active > 0);
  }
}
