// The one abortable wait (debounce, retry back-off), on Node's own timer that takes a signal.
import { setTimeout as wait } from "node:timers/promises";

/** Resolves true after `ms`, or false as soon as `signal` aborts: an abort is an outcome here, not
 *  an error, so callers branch on the result instead of catching. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    return await wait(ms, true, { signal });
  } catch (err) {
    if (signal?.aborted) return false;
    throw err;
  }
}
