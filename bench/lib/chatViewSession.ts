// The browser half of the chat-view benchmark: a local server for the extension's HTML shell and
// the bundle under test, and one Chromium page driven through playwright and DevTools.
import { readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { CDPSession, Page } from "playwright-core";
import { chatShellHtml } from "../../src/core/chat/webviewShell";
import type { HostToWebview } from "../../src/shared/protocol";
import {
  instrumentPage,
  startScrollReader,
  streamInPage,
  timeMessage,
  timeReplay,
  type ReplayFigures,
  type StreamArgs,
  type StreamFigures,
} from "./chatViewPage";

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, sessionStorage: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

type Metrics = Record<string, number>;
export interface StreamSample {
  f: StreamFigures;
  delta: (metric: string) => number;
}

export function serve(bundle: string): Promise<{ url: string; close(): Promise<void> }> {
  let url = "";
  const server = http.createServer((req, res) => {
    if (req.url === "/dist/webview.js") res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(bundle));
    else if (req.url === "/index.html")
      res.writeHead(200, { "content-type": "text/html" }).end(chatShellHtml({ cspSource: url, scriptUri: `${url}/dist/webview.js` }));
    else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ url, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

const DARK: Record<string, string> = {
  "--vscode-foreground": "#cccccc",
  "--vscode-sideBar-background": "#181818",
  "--vscode-editor-background": "#1f1f1f",
  "--vscode-input-background": "#313131",
  "--vscode-textCodeBlock-background": "#2b2b2b",
  "--vscode-textLink-foreground": "#4daafc",
  "--vscode-descriptionForeground": "#9d9d9d",
  "--vscode-font-family": "sans-serif",
  "--vscode-font-size": "13px",
  "--vscode-editor-font-family": "monospace",
};

export class ChatPage {
  private constructor(
    private readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly url: string,
  ) {}

  static async create(page: Page, url: string): Promise<ChatPage> {
    await page.addInitScript(instrumentPage);
    await page.addInitScript(() => {
      window.acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    return new ChatPage(page, cdp, url);
  }

  /** A fresh page: nothing left from the previous scenario in the DOM or the heap. */
  async open(): Promise<void> {
    await this.page.goto(`${this.url}/index.html`);
    await this.page.waitForFunction(() => document.getElementById("transcript") !== null);
    await this.page.evaluate((vars) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add("vscode-dark");
      sessionStorage.clear();
    }, DARK);
  }

  async metrics(gc = false): Promise<Metrics> {
    if (gc) await this.cdp.send("HeapProfiler.collectGarbage");
    const { metrics } = await this.cdp.send("Performance.getMetrics");
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  }

  time(m: HostToWebview): Promise<{ handlerMs: number; toFrameMs: number }> {
    return this.page.evaluate(timeMessage, m);
  }

  /** Streams, with the DevTools metrics' change over the stream. */
  async stream(args: StreamArgs): Promise<StreamSample> {
    const before = await this.metrics();
    const f = await this.rawStream(args);
    const after = await this.metrics();
    return { f, delta: (k) => (after[k] ?? NaN) - (before[k] ?? NaN) };
  }

  /** A transcript replay, timed until every turn is in the DOM and painted. */
  replay(m: HostToWebview & { type: "transcript" }): Promise<ReplayFigures> {
    return this.page.evaluate(timeReplay, m);
  }

  /** Streams and also returns the raw figures (for the scroll phase). */
  async rawStream(args: StreamArgs): Promise<StreamFigures> {
    await this.page.evaluate(startScrollReader, args);
    return this.page.evaluate(streamInPage, args);
  }
}
