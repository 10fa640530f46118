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
  await esbuild.build({
    entryPoints: [path.join(repo, "webview/main.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    loader: { ".css": "text" },
    outfile: bundle,
    logLevel: "error",
  });
  let url = "";
  const server = http.createServer((req, res) => {
    if (req.url === "/dist/webview.js") res.writeHead(200, { "content-type": "text/javascript" }).end(fs.readFileSync(bundle));
    else if (req.url?.startsWith("/index.html"))
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(chatShellHtml({ cspSource: url, scriptUri: `${url}/dist/webview.js`, omitCsp: options.omitCsp?.() ?? false }));
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

export type ThemeName = "light" | "dark" | "high-contrast";

const FONTS = { "--vscode-font-family": "sans-serif", "--vscode-font-size": "13px", "--vscode-editor-font-family": "monospace" };
/** The colour variables VS Code 1.100 sets in its default light, dark and dark high-contrast themes
 *  (values from its colour registry), with the body class it adds. */
export const THEMES: Record<ThemeName, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: "vscode-light",
    vars: {
      ...FONTS,
      "--vscode-foreground": "#3b3b3b",
      "--vscode-sideBar-background": "#f8f8f8",
      "--vscode-editor-background": "#ffffff",
      "--vscode-input-background": "#ffffff",
      "--vscode-input-border": "#cecece",
      "--vscode-textCodeBlock-background": "#f0f0f0",
      "--vscode-textLink-foreground": "#005fb8",
      "--vscode-descriptionForeground": "#616161",
      "--vscode-button-background": "#005fb8",
      "--vscode-button-foreground": "#ffffff",
      "--vscode-button-border": "#0000001a",
      "--vscode-button-secondaryBackground": "#e5e5e5",
      "--vscode-button-secondaryForeground": "#3b3b3b",
      "--vscode-badge-background": "#cccccc",
      "--vscode-badge-foreground": "#3b3b3b",
      "--vscode-focusBorder": "#005fb8",
      "--vscode-panel-border": "#e5e5e5",
      "--vscode-editorWidget-background": "#f8f8f8",
    },
  },
  dark: {
    bodyClass: "vscode-dark",
    vars: {
      ...FONTS,
      "--vscode-foreground": "#cccccc",
      "--vscode-sideBar-background": "#181818",
      "--vscode-editor-background": "#1f1f1f",
      "--vscode-input-background": "#313131",
      "--vscode-input-border": "#3c3c3c",
      "--vscode-textCodeBlock-background": "#2b2b2b",
      "--vscode-textLink-foreground": "#4daafc",
      "--vscode-descriptionForeground": "#9d9d9d",
      "--vscode-button-background": "#0078d4",
      "--vscode-button-foreground": "#ffffff",
      "--vscode-button-border": "#ffffff12",
      "--vscode-button-secondaryBackground": "#313131",
      "--vscode-button-secondaryForeground": "#cccccc",
      "--vscode-badge-background": "#616161",
      "--vscode-badge-foreground": "#f8f8f8",
      "--vscode-focusBorder": "#0078d4",
      "--vscode-panel-border": "#2b2b2b",
      "--vscode-editorWidget-background": "#202020",
    },
  },
  // VS Code's "Dark High Contrast": no button.background / secondaryBackground (null in the
  // registry, so not set at all), borders from contrastBorder, focus in contrastActiveBorder's orange.
  "high-contrast": {
    bodyClass: "vscode-high-contrast",
    vars: {
      ...FONTS,
      "--vscode-foreground": "#ffffff",
      "--vscode-sideBar-background": "#000000",
      "--vscode-editor-background": "#000000",
      "--vscode-contrastBorder": "#6fc3df",
      "--vscode-contrastActiveBorder": "#f38518",
      "--vscode-focusBorder": "#f38518",
      "--vscode-button-border": "#6fc3df",
      "--vscode-button-foreground": "#ffffff",
      "--vscode-button-secondaryForeground": "#ffffff",
      "--vscode-input-background": "#000000",
      "--vscode-input-border": "#6fc3df",
      "--vscode-textCodeBlock-background": "#000000",
      "--vscode-textLink-foreground": "#21a6ff",
      "--vscode-descriptionForeground": "#ffffffb3",
      "--vscode-panel-border": "#6fc3df",
      "--vscode-badge-background": "#000000",
      "--vscode-badge-foreground": "#ffffff",
      "--vscode-editorWidget-background": "#0c141f",
      "--vscode-textBlockQuote-border": "#ffffff",
      "--vscode-errorForeground": "#f48771",
    },
  },
};
