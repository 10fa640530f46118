// The chat bundle (webview/main.ts, built now with esbuild) served from 127.0.0.1 under the
// extension's real shell HTML and CSP, opened in Chromium: the standalone-webview browser tests
// drive it with a fake `acquireVsCodeApi` they install with page.addInitScript.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { chatShellHtml } from "../../src/core/chat/webviewShell";

type BrowserLib = typeof import("../../scripts/lib/browser.mjs", { with: { "resolution-mode": "import" } });

export const repo = path.resolve(__dirname, "../../..");
export const resultsDir = path.join(repo, "test-results");

export interface StandaloneWebview {
  /** The page's origin; the view is at `${url}/index.html`. */
  url: string;
  page: Page;
  close(): Promise<void>;
}

export interface StandaloneWebviewOptions {
  viewport: { width: number; height: number };
  /** Asked on every page load: serve the shell without its CSP (to test sanitising alone). */
  omitCsp?: () => boolean;
}

export async function openStandaloneWebview(options: StandaloneWebviewOptions): Promise<StandaloneWebview> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-webview-"));
  const bundle = path.join(scratch, "webview.js");
  const esbuild = await import("esbuild");
  await esbuild.build({ entryPoints: [path.join(repo, "webview/main.ts")], bundle: true, format: "iife", platform: "browser", target: "es2022", loader: { ".css": "text" }, outfile: bundle, logLevel: "error" });
  let url = "";
  const server = http.createServer((req, res) => {
    if (req.url === "/dist/webview.js") res.writeHead(200, { "content-type": "text/javascript" }).end(fs.readFileSync(bundle));
    else if (req.url?.startsWith("/index.html")) res.writeHead(200, { "content-type": "text/html" }).end(chatShellHtml({ cspSource: url, scriptUri: `${url}/dist/webview.js`, omitCsp: options.omitCsp?.() ?? false }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lib = (await import(pathToFileURL(path.join(repo, "scripts/lib/browser.mjs")).href)) as BrowserLib;
  const browser = await lib.launchChromium({ viewport: options.viewport });
  fs.mkdirSync(resultsDir, { recursive: true });
  return {
    url,
    page: browser.page,
    close: async () => {
      await browser.close();
      await new Promise((r) => server.close(r));
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}
