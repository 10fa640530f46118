// Browser end-to-end fixture: code-server with the extension installed from the VSIX, the
// sample workspace open, and the workbench in headless Chromium. The harness itself lives in
// scripts/lib (shared with `npm start` and the `code` shim); it is ESM, hence import().
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Page } from "playwright-core";

type CodeServerLib = typeof import("../../scripts/lib/codeServer.mjs", { with: { "resolution-mode": "import" } });
type BrowserLib = typeof import("../../scripts/lib/browser.mjs", { with: { "resolution-mode": "import" } });

export const repo = path.resolve(__dirname, "../../..");
export const resultsDir = path.join(repo, "test-results");
export const workspaceFolder = path.join(repo, "test", "fixtures", "workspace");

export interface Workbench {
  page: Page;
  url: string;
  extensionsDir: string;
  installOutput: string;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

async function load<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(path.join(repo, relative)).href)) as T;
}

/** The VSIX from `npm run package` (scripts/test.mjs passes MIXTRAL_VSIX), else one built now. */
export async function vsixForTests(scratch: string): Promise<string> {
  if (process.env.MIXTRAL_VSIX) return process.env.MIXTRAL_VSIX;
  const out = path.join(scratch, "e2e.vsix");
  await promisify(execFile)(process.execPath, [path.join(repo, "scripts", "package.mjs"), "--out", out], {
    cwd: repo,
    maxBuffer: 64 * 1024 * 1024,
  });
  return out;
}

export async function openWorkbench(vsix: string, settings: Record<string, unknown> = {}): Promise<Workbench> {
  const cs = await load<CodeServerLib>("scripts/lib/codeServer.mjs");
  const browserLib = await load<BrowserLib>("scripts/lib/browser.mjs");
  const profile = cs.makeProfile();
  const installOutput = await cs.installVsix(vsix, profile);
  cs.writeUserSettings(profile, {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    // The sample workspace sits inside this repository; its git prompt would cover the panel.
    "git.openRepositoryInParentFolders": "never",
    ...settings,
  });
  let serverLog = "";
  const server = await cs.startCodeServer({ profile, onOutput: (s) => (serverLog += s) });
  const browser = await browserLib.launchChromium();
  const close = async () => {
    await browser.close();
    await server.stop();
    fs.rmSync(profile.base, { recursive: true, force: true });
  };
  try {
    await browser.page.goto(cs.workbenchUrl(server.url, { folder: workspaceFolder }));
    await browser.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  } catch (err) {
    await close();
    throw new Error(`the workbench did not open: ${String(err)}\ncode-server said:\n${serverLog.slice(-3000)}`);
  }
  fs.mkdirSync(resultsDir, { recursive: true });
  return {
    page: browser.page,
    url: server.url,
    extensionsDir: profile.extensionsDir,
    installOutput,
    screenshot: async (name) => {
      const file = path.join(resultsDir, `${name}.png`);
      await browser.page.screenshot({ path: file });
      return file;
    },
    close,
  };
}

/** Runs a command by its palette title (F1, type, Enter), as a user would; fails when the palette
 *  does not list it within `listTimeoutMs`. */
export async function runFromPalette(page: Page, title: string, listTimeoutMs = 30_000): Promise<void> {
  const input = page.locator(".quick-input-widget input");
  for (let attempt = 0; ; attempt++) {
    // A focused webview (the chat's composer) swallows F1: give the focus back to the workbench.
    await page.locator(".part.editor").click({ position: { x: 40, y: 40 } });
    await page.keyboard.press("F1");
    try {
      await input.waitFor({ state: "visible", timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
  await input.fill(`>${title}`);
  // Wait for the palette to list the command, then click that row: Enter would run whichever row
  // has the focus (a recently used command can rank first), or nothing while the list filters.
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: listTimeoutMs });
  await row.click();
  await input.waitFor({ state: "hidden", timeout: 10_000 });
}

/** What the workbench shows (notifications, the panel's text, an open palette) for a failure
 *  message: the CI log is all there is to read. */
export async function describeWorkbench(page: Page): Promise<string> {
  const texts = async (selector: string) =>
    (
      await page
        .locator(selector)
        .allTextContents()
        .catch(() => [])
    )
      .map((t) => t.trim().slice(0, 200))
      .filter(Boolean);
  return JSON.stringify({
    notifications: await texts(".notifications-toasts .notification-list-item-message"),
    panel: await texts(".part.panel .composite.title"),
    panelVisible: await page
      .locator(".part.panel")
      .isVisible()
      .catch(() => false),
    palette: await page
      .locator(".quick-input-widget")
      .isVisible()
      .catch(() => false),
    title: await page.title().catch(() => ""),
  });
}
