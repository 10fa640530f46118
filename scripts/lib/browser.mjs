// Debian's Chromium driven by playwright-core (no browser download). Flags measured on this
// machine: headless without sandbox or GPU, and nothing that phones home.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./codeServer.mjs";
import { chromiumPath } from "./sysdeps.mjs";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/**
 * Launches Chromium with a fresh profile. Resolves with { context, page, close() };
 * `close()` also deletes the profile. Set HEADFUL=1 to watch it.
 */
export async function launchChromium({ viewport = { width: 1400, height: 900 } } = {}) {
  const executablePath = chromiumPath();
  // playwright-core is a dev dependency of the project; resolve it from there.
  const { chromium } = createRequire(join(REPO_ROOT, "package.json"))("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "mixtral-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: process.env.HEADFUL !== "1",
    args: CHROMIUM_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}
