// A lock file beside a download so two VS Code windows (two extension hosts) or a window and the
// CLI never write the same `.partial` at once. Created with O_EXCL; holds the owner's pid and is
// touched every few seconds, so a lock left by a crashed process is recognised as stale (its pid
// is gone, or its heartbeat is older than `staleMs`) and taken over.
import { promises as fs } from "node:fs";
import * as os from "node:os";

export interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

export class DownloadLock {
  private timer?: NodeJS.Timeout;
  private constructor(readonly path: string) {}

  /** Returns the lock, or the current owner when another live process holds it. */
  static async acquire(path: string, options: { staleMs?: number; heartbeatMs?: number } = {}): Promise<DownloadLock | LockOwner> {
    const staleMs = options.staleMs ?? 60_000;
    const heartbeatMs = options.heartbeatMs ?? Math.max(1000, staleMs / 4);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
        await fs.writeFile(path, JSON.stringify(owner), { flag: "wx" });
        const lock = new DownloadLock(path);
        lock.timer = setInterval(() => {
          const now = new Date();
          fs.utimes(path, now, now).catch(() => undefined);
        }, heartbeatMs);
        lock.timer.unref();
        return lock;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const owner = await readOwner(path);
      if (owner && !(await isStale(path, owner, staleMs))) return owner;
      // Stale: remove and retry the exclusive create (another process may win the race; fine).
      await fs.rm(path, { force: true });
    }
    return (await readOwner(path)) ?? { pid: 0, host: "unknown", since: Date.now() };
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await fs.rm(this.path, { force: true });
  }
}

export type LockState = { state: "none" } | { state: "stale"; owner?: LockOwner } | { state: "live"; owner: LockOwner };

/** What `acquire` would find, without taking the lock: for the UI's "paused" / "downloading in
 *  another window" (a stale lock is what `acquire` takes over, so it never blocks a resume). */
export async function inspectLock(path: string, staleMs = 60_000): Promise<LockState> {
  try {
    await fs.stat(path);
  } catch {
    return { state: "none" };
  }
  const owner = await readOwner(path);
  if (!owner || (await isStale(path, owner, staleMs))) return { state: "stale", owner };
  return { state: "live", owner };
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const v = JSON.parse(await fs.readFile(path, "utf8")) as Partial<LockOwner>;
    if (typeof v.pid === "number" && typeof v.host === "string" && typeof v.since === "number") return v as LockOwner;
  } catch {
    // Unreadable or half-written: judged by its age alone.
  }
  return undefined;
}

async function isStale(path: string, owner: LockOwner, staleMs: number): Promise<boolean> {
  if (owner.host === os.hostname() && owner.pid !== process.pid && !pidAlive(owner.pid)) return true;
  try {
    const st = await fs.stat(path);
    return Date.now() - st.mtimeMs > staleMs;
  } catch {
    return true;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function isLockOwner(v: DownloadLock | LockOwner): v is LockOwner {
  return !(v instanceof DownloadLock);
}
