// The page the chat webview tests share (chatWebview*.test.ts): the real chat bundle in Chromium
// under the extension's shell and CSP, with a stand-in for VS Code's webview API that records what
// the page posts, and the helpers that drive it as the host would.
import type { Page } from "playwright-core";
import type { HostToWebview, Turn } from "../../src/shared/protocol";
import { openStandaloneWebview, THEMES, type StandaloneWebview } from "./webviewHarness";

// The callbacks passed to page.evaluate run in the page, where these exist (this Node project
// compiles without the DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, sessionStorage: any, requestAnimationFrame: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

export const turn = (id: string, role: "user" | "assistant", content: string, extra: Partial<Turn> = {}): Turn => ({
  id,
  role,
  content,
  ...extra,
});

export interface ChatWebviewPage {
  /** Set by the suite's `before`. */
  view: StandaloneWebview;
  page: Page;
  /** A fresh view (no saved state) with a theme's variables set the way VS Code sets them. */
  open(theme?: "light" | "dark"): Promise<void>;
  send(m: HostToWebview): Promise<void>;
  /** What the page posted; draft mirroring (debounced) only when asked. */
  sent(withDrafts?: boolean): Promise<{ type: string; [k: string]: unknown }[]>;
  clearSent(): Promise<unknown>;
  /** Two animation frames: whatever the page scheduled has rendered. */
  frame(): Promise<unknown>;
}

/** Opens the page once for the calling `describe` (its own before/after) and returns its helpers. */
export function chatWebviewPage(options: { omitCsp?: () => boolean } = {}): ChatWebviewPage {
  const w = {} as ChatWebviewPage;

  before(async () => {
    w.view = await openStandaloneWebview({ viewport: { width: 480, height: 800 }, omitCsp: options.omitCsp });
    w.page = w.view.page;
    await w.page.addInitScript(() => {
      const w = window as { __sent: unknown[]; acquireVsCodeApi: () => unknown };
      w.__sent = [];
      // State lives in sessionStorage so that it survives page.reload(), as VS Code keeps it.
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => w.__sent.push(JSON.parse(JSON.stringify(m))),
        getState: () => JSON.parse(sessionStorage.getItem("vscodeState") ?? "null") ?? undefined,
        setState: (s: unknown) => sessionStorage.setItem("vscodeState", JSON.stringify(s)),
      });
    });
  });

  after(async () => {
    await w.view?.close();
  });

  w.open = async (theme: "light" | "dark" = "dark"): Promise<void> => {
    const page = w.page;
    await page.goto(`${w.view.url}/index.html`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.waitForFunction(() => (window as { __sent: { type: string }[] }).__sent.some((m) => m.type === "ready"));
    await page.evaluate(({ vars, bodyClass }) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add(bodyClass);
    }, THEMES[theme]);
  };
  w.send = (m: HostToWebview) => w.page.evaluate((msg) => window.postMessage(msg, "*"), m);
  w.sent = async (withDrafts = false) =>
    ((await w.page.evaluate(() => window.__sent)) as { type: string; [k: string]: unknown }[]).filter(
      (m) => withDrafts || m.type !== "draft",
    );
  w.clearSent = () => w.page.evaluate(() => ((window as unknown as { __sent: unknown[] }).__sent.length = 0));
  w.frame = () => w.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return w;
}
