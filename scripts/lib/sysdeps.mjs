// System dependencies of the offline harness. A missing one must end the run with the command
// that installs it, not with a stack trace from deep inside npm or Playwright.
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Thrown when something only the system package manager can provide is missing. */
export class MissingDependencyError extends Error {
  constructor(what, aptPackages) {
    super(
      `${what} is missing.\n` +
        `Install it with:\n  sudo apt-get update && sudo apt-get install -y ${aptPackages.join(" ")}\n` +
        `(all of the harness's system packages: chromium fonts-liberation ripgrep libkrb5-dev build-essential python3)`,
    );
    this.name = "MissingDependencyError";
  }
}

/** Absolute path of `name` on the PATH, or undefined. */
export function which(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Debian's Chromium (Playwright's own browsers need a download; this does not). */
export function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = ["chromium", "chromium-browser", "google-chrome"].map(which).find(Boolean);
  if (!found) throw new MissingDependencyError("Chromium (the browser the harness drives)", ["chromium", "fonts-liberation"]);
  return found;
}

/** Debian's ripgrep: code-server 4.104's @vscode/ripgrep would otherwise download it from GitHub
 *  (4.139 ships its own in @vscode/ripgrep-universal). */
export function ripgrepPath() {
  const found = which("rg");
  if (!found) throw new MissingDependencyError("ripgrep (rg)", ["ripgrep"]);
  return found;
}

/** What code-server's native modules (kerberos, node-pty, spdlog, sqlite3…) need to build at
 *  install time; Node's headers come from the npm-installed Node (nodeRuntime.mjs), not from apt. */
export function checkCodeServerBuildDeps({ ripgrep = false } = {}) {
  if (!existsSync("/usr/include/krb5.h") && !existsSync("/usr/include/gssapi/gssapi.h") && !which("krb5-config")) {
    throw new MissingDependencyError("The Kerberos headers (needed to build code-server's kerberos module)", ["libkrb5-dev"]);
  }
  for (const tool of ["make", "g++", "python3"]) {
    if (!which(tool)) throw new MissingDependencyError(`${tool} (needed to build code-server's node-pty)`, ["build-essential", "python3"]);
  }
  if (ripgrep) ripgrepPath();
}

/** Runs `main`; a MissingDependencyError becomes its message and exit code 1. */
export async function runMain(main) {
  try {
    const code = await main();
    process.exitCode = typeof code === "number" ? code : 0;
  } catch (err) {
    if (err instanceof MissingDependencyError || err?.name === "HarnessError") {
      process.stderr.write(`\n${err.message}\n`);
    } else {
      process.stderr.write(`\n${err?.stack ?? String(err)}\n`);
    }
    process.exitCode = 1;
  }
}
