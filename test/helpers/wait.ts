// The tests' one way to wait: a pause, a poll until a probe gives a value, and a poll until a read
// value passes a check. Every poll is bounded and its failure says what never came.

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

type Maybe<T> = T | undefined | null | false;

/** Polls `probe` every 50 ms until it gives a value (anything but undefined, null or false) and
 *  returns it; after `timeoutMs` fails with "timed out waiting for <what>" and `detail()`, if given. */
export async function waitFor<T>(
  what: string,
  probe: () => PromiseLike<Maybe<T>> | Maybe<T>,
  timeoutMs = 60_000,
  detail?: () => PromiseLike<string> | string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${detail ? ` (${await detail()})` : ""}`);
    await sleep(50);
  }
}

/** Reads every 50 ms until `check` holds and returns that value; after `timeoutMs` (generous: on a
 *  loaded machine an editor redraw can take seconds) fails with "<what>: still <the last value>". */
export async function until<T>(what: string, read: () => PromiseLike<T> | T, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await sleep(50);
  }
}
