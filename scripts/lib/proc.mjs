// Child processes for the harness scripts. Long-lived ones (code-server, its extension host,
// Chromium) run in their own process group so one kill reaches the whole tree, and every group
// is killed when this process exits for any reason: a test run must never leave a server behind.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

const groups = new Set();

function killAll() {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  groups.clear();
}

process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    killAll();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

/** Spawns a process group leader; it is killed (with its children) on `kill()` or when we exit. */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid) groups.add(child.pid);
  const forget = () => child.pid && groups.delete(child.pid);
  child.on("exit", () => {
    // The leader may exit while its children live on (code-server's extension host): kill them.
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Group already empty.
      }
    }
    forget();
  });
  child.killGroup = (signal = "SIGTERM") => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  return child;
}

/** Kills a group gently, then for sure after `graceMs`. */
export async function stopGroup(child, graceMs = 2000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    child?.killGroup?.("SIGKILL");
    return;
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.killGroup("SIGTERM");
  const timer = setTimeout(() => child.killGroup("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  child.killGroup("SIGKILL");
}

/** Runs a command to completion with inherited stdio; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", ...options });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs a command and collects its output; resolves with { code, stdout, stderr }. */
export function capture(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
