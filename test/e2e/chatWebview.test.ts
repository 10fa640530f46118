// The real chat bundle (webview/main.ts, built now) in Chromium, under the extension's own shell
// and CSP, with a stand-in for VS Code's webview API that records what the page posts. It covers
// what the page alone is responsible for: incremental streaming, safe rendering of hostile model
// output (a local "attacker" server must see zero requests, with and without the CSP), keyboard,
// code-block and link actions, and the draft surviving a reload.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { Page } from "playwright-core";
import type { HostToWebview, Turn } from "../../src/shared/protocol";
import { openStandaloneWebview, resultsDir, THEMES, type StandaloneWebview } from "./webviewHarness";
import { hostileCorpus } from "./chatHostileCorpus";

// The callbacks passed to page.evaluate run in the page, where these exist (this Node project
// compiles without the DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, sessionStorage: any, requestAnimationFrame: any;
type HTMLElement = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

interface Server {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Server> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

const turn = (id: string, role: "user" | "assistant", content: string, extra: Partial<Turn> = {}): Turn => ({
  id,
  role,
  content,
  ...extra,
});

describe("chat webview in Chromium", function () {
  this.timeout(120_000);
  let view: StandaloneWebview;
  let attacker: Server;
  let page: Page;
  let omitCsp = false;

  before(async () => {
    view = await openStandaloneWebview({ viewport: { width: 480, height: 800 }, omitCsp: () => omitCsp });
    page = view.page;
    attacker = await serve((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end());
    await page.addInitScript(() => {
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
    await view?.close();
    await attacker?.close();
  });

  /** A fresh view (no saved state) with a theme's variables set the way VS Code sets them. */
  async function open(theme: "light" | "dark" = "dark"): Promise<void> {
    await page.goto(`${view.url}/index.html`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.waitForFunction(() => (window as { __sent: { type: string }[] }).__sent.some((m) => m.type === "ready"));
    await page.evaluate(({ vars, bodyClass }) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add(bodyClass);
    }, THEMES[theme]);
  }

  const send = (m: HostToWebview) => page.evaluate((msg) => window.postMessage(msg, "*"), m);
  // Draft mirroring (debounced) is checked on its own; the other tests look at the rest.
  const sent = async (withDrafts = false) =>
    ((await page.evaluate(() => window.__sent)) as { type: string; [k: string]: unknown }[]).filter(
      (m) => withDrafts || m.type !== "draft",
    );
  const clearSent = () => page.evaluate(() => ((window as unknown as { __sent: unknown[] }).__sent.length = 0));
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  it("says ready and renders a replayed transcript", async () => {
    await open();
    await send({
      type: "header",
      header: { state: "ready", engine: "local", model: "tiny-mixtral", quantization: "Q8_0", backend: "cpu" },
    });
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: false,
      turns: [
        turn("u1", "user", "Hello"),
        turn("a1", "assistant", "Hi **there**", { stats: { ttftMs: 12, tokensPerSecond: 99.5, generatedTokens: 7 } }),
      ],
    });
    await page.locator("article.turn.assistant strong", { hasText: "there" }).waitFor();
    assert.match((await page.locator("#model-label").textContent()) ?? "", /tiny-mixtral · Q8_0 · cpu/);
    assert.match((await page.locator("article.turn.assistant .stats").textContent()) ?? "", /12 ms to first token · 99\.5 tok\/s/);
    assert.equal(await page.locator("#transcript").getAttribute("role"), "log");
  });

  it("gives an answer's rate only when one was measured (a partial answer kept after an engine crash has none)", async () => {
    await open();
    // What the host sends after the engine was killed mid-answer, and what an older saved one holds.
    const crashed = turn("a1", "assistant", "Partial", { incomplete: true, stats: { ttftMs: 87, generatedTokens: 312 } });
    const stored = turn("a2", "assistant", "Older", { stats: { ttftMs: 40, tokensPerSecond: 0, generatedTokens: 1 } });
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: false,
      turns: [turn("u1", "user", "Hi"), crashed, turn("u2", "user", "Again"), stored],
    });
    const stats = page.locator("article.turn.assistant .stats");
    await stats.nth(1).waitFor();
    assert.deepEqual(await stats.allTextContents(), ["87 ms to first token · 312 tokens", "40 ms to first token · 1 token"]);
  });

  it("streams incrementally: stable blocks are rendered once, only the tail re-renders", async () => {
    await open();
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: true,
      turns: [turn("u1", "user", "Tell me"), turn("a1", "assistant", "", { streaming: true })],
    });
    const snapshots: string[] = [];
    const pieces = [
      "First para",
      "graph here.\n\n",
      "Second ",
      "paragraph",
      " with `code`.\n\n",
      "```ts\nconst x",
      " = 1;\n```\n\nThe end.",
    ];
    for (const p of pieces) {
      await send({ type: "chunk", requestId: "a1", text: p });
      await frame();
      snapshots.push((await page.locator("article.turn.assistant .body").textContent()) ?? "");
      if (p === "graph here.\n\n") {
        // Mark the first stable block; if it is re-rendered later, the mark disappears.
        await page.evaluate(
          () => ((document.querySelector("article.turn.assistant .md-part") as HTMLElement & { __mark?: number }).__mark = 1),
        );
      }
    }
    assert.ok(new Set(snapshots).size >= 5, `text arrived in ${new Set(snapshots).size} distinct steps`);
    assert.equal(
      await page.evaluate(() => (document.querySelector("article.turn.assistant .md-part") as HTMLElement & { __mark?: number }).__mark),
      1,
    );
    assert.ok(
      (await sent()).every((m) => m.type === "ready"),
      "streaming must not post anything",
    );
    await send({
      type: "done",
      requestId: "a1",
      turn: turn("a1", "assistant", pieces.join(""), { incomplete: true, incompleteReason: "stopped" }),
    });
    await page.locator("article.turn.assistant .incomplete", { hasText: "stopped" }).waitFor();
    assert.equal(await page.locator("article.turn.assistant .code-block").count(), 1);
    assert.equal(await page.locator("article.turn.assistant pre code .hljs-keyword").first().textContent(), "const");
  });

  it("a replay re-renders only the turns that changed (the host replays on every send)", async () => {
    await open();
    const history = [
      turn("u1", "user", "one"),
      turn("a1", "assistant", "first `answer`"),
      turn("u2", "user", "two"),
      turn("a2", "assistant", "second answer"),
    ];
    await send({ type: "transcript", conversationId: "c1", generating: false, turns: history });
    // Older turns of a replay may come in idle slices; the log is busy until all are in.
    await page.waitForFunction(
      () => document.querySelectorAll("article.turn").length === 4 && !document.getElementById("transcript").hasAttribute("aria-busy"),
    );
    await page.evaluate(() => document.querySelectorAll("article.turn").forEach((e: HTMLElement & { __mark?: number }) => (e.__mark = 1)));
    // A send: two more turns, an answer streaming. Only the old last question (loses Edit) and
    // last answer (loses Regenerate) change; the first pair is kept as it is.
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: true,
      turns: [...history, turn("u3", "user", "three"), turn("a3", "assistant", "", { streaming: true })],
    });
    const marks = await page.evaluate(() =>
      [...document.querySelectorAll("article.turn")].map((e: HTMLElement & { __mark?: number }) => `${e.dataset.turnId}:${e.__mark ?? 0}`),
    );
    assert.deepEqual(marks, ["u1:1", "a1:1", "u2:0", "a2:0", "u3:0", "a3:0"]);
    assert.equal(await page.locator("article.turn vscode-button", { hasText: "Regenerate" }).count(), 0);
    assert.equal(await page.locator("article.turn vscode-button", { hasText: "Edit" }).count(), 0);
    // Changed content is re-rendered even under the same id.
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: false,
      turns: [history[0], turn("a1", "assistant", "first answer, edited")],
    });
    assert.deepEqual(await page.locator("article.turn").evaluateAll((els) => els.map((e) => (e.textContent ?? "").replace(/\s+/g, ""))), [
      "YouoneEdit",
      "Mixtralfirstanswer,editedRegenerate",
    ]);
  });

  it("streaming never pulls a reader who scrolled up back down, even when a render lands first", async () => {
    await open();
    const long = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} with a few more words in it.`).join("\n\n");
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: true,
      turns: [turn("u1", "user", "q"), turn("a1", "assistant", long, { streaming: true })],
    });
    await frame();
    const r = await page.evaluate(
      () =>
        new Promise<{ bottom: number; now: number }>((resolve) => {
          const sc = document.querySelector("main.scroller");
          const bottom = sc.scrollTop;
          // The user's scroll lands in the same frame as the next render, before its scroll event fires.
          requestAnimationFrame(() => (sc.scrollTop = bottom - 300));
          window.dispatchEvent(new window.MessageEvent("message", { data: { type: "chunk", requestId: "a1", text: "\n\nmore text" } }));
          requestAnimationFrame(() => requestAnimationFrame(() => resolve({ bottom, now: sc.scrollTop })));
        }),
    );
    assert.ok(r.bottom > 300, `the answer must overflow the view (${r.bottom})`);
    assert.equal(r.now, r.bottom - 300);
  });

  it("keyboard: Enter sends, Shift+Enter is a newline, Up recalls, Escape stops", async () => {
    await open();
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: false,
      turns: [turn("u1", "user", "previous question"), turn("a1", "assistant", "ok")],
    });
    const input = page.locator("#prompt-input");
    await input.click();
    await page.keyboard.press("ArrowUp");
    assert.equal(await input.evaluate((e) => (e as HTMLElement & { value: string }).value), "previous question");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("line one");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("line two");
    await clearSent();
    await page.keyboard.press("Enter");
    const msgs = await sent();
    assert.deepEqual(msgs, [{ type: "send", text: "line one\nline two", attachments: [] }]);
    assert.equal(await input.evaluate((e) => (e as HTMLElement & { value: string }).value), "");
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: true,
      turns: [turn("u1", "user", "line one\nline two"), turn("a1", "assistant", "", { streaming: true })],
    });
    // postMessage is delivered as a later task: Escape before it would find nothing generating.
    await page.locator("#send-button", { hasText: "Stop" }).waitFor();
    await clearSent();
    await page.keyboard.press("Escape");
    assert.ok((await sent()).some((m) => m.type === "stop"));
    assert.equal(await page.locator("#send-button").textContent(), "Stop");
  });

  it("puts text back into the input when a send fails, and keeps the draft across a reload", async () => {
    await open();
    await send({
      type: "restoreInput",
      text: "my precious question",
      attachments: [{ fileName: "a.ts", languageId: "typescript", startLine: 1, endLine: 3, code: "x" }],
    });
    const input = page.locator("#prompt-input");
    assert.equal(await input.evaluate((e) => (e as HTMLElement & { value: string }).value), "my precious question");
    await page.locator(".composer .chip", { hasText: "a.ts:1-3" }).waitFor();
    await input.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" and more");
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === "ready"));
    assert.equal(
      await page.locator("#prompt-input").evaluate((e) => (e as HTMLElement & { value: string }).value),
      "my precious question and more",
    );
    await page.locator(".composer .chip", { hasText: "a.ts:1-3" }).waitFor();
    // The host gets the draft too (a window reload may drop webview state) and hands it to a
    // page that has none.
    await page.waitForFunction(() => window.__sent.some((m: { type: string }) => m.type === "draft"));
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.waitForFunction(() => window.__sent.some((m: { type: string }) => m.type === "ready"));
    assert.equal(await page.locator("#prompt-input").evaluate((e) => (e as HTMLElement & { value: string }).value), "");
    await send({ type: "draft", text: "from the host", attachments: [] });
    assert.equal(await page.locator("#prompt-input").evaluate((e) => (e as HTMLElement & { value: string }).value), "from the host");
  });

  it("code-block actions and links go to the host; blocked links post nothing", async () => {
    await open();
    const md = "Here:\n\n```python\nprint('hi')\n```\n\n[docs](https://example.com/docs) and [evil](command:workbench.action.terminal.new)";
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: false,
      turns: [turn("u1", "user", "q"), turn("a1", "assistant", md)],
    });
    await clearSent();
    await page.locator(".code-block vscode-button", { hasText: "Insert" }).click();
    await page.locator(".code-block vscode-button", { hasText: "Copy" }).click();
    await page.locator("a.md-link", { hasText: "docs" }).click();
    await page.locator("a.md-link", { hasText: "evil" }).click();
    const msgs = await sent();
    assert.deepEqual(msgs, [
      { type: "codeAction", action: "insert", code: "print('hi')", languageId: "python" },
      { type: "codeAction", action: "copy", code: "print('hi')", languageId: "python" },
      { type: "openLink", href: "https://example.com/docs" },
    ]);
    assert.equal(await page.locator("a[href]").count(), 0, "no element in the view carries a real href");
  });

  it("path:line references in an answer become file links that ask the host to open the file at the line", async () => {
    await open();
    const md =
      "The total is in src/cart.ts:12, the rate in `src/pricing.ts:3-6` (and stats.py:4).\n\nNot [a page](https://example.com/x.ts:3) nor http://example.com:8080/y.ts:3.";
    await send({
      type: "transcript",
      conversationId: "c1",
      generating: false,
      turns: [turn("u1", "user", "q"), turn("a1", "assistant", md)],
    });
    await clearSent();
    const links = page.locator("a.file-link");
    assert.deepEqual(await links.allTextContents(), ["src/cart.ts:12", "src/pricing.ts:3-6", "stats.py:4"]);
    for (const text of ["src/cart.ts:12", "src/pricing.ts:3-6", "stats.py:4"]) await links.filter({ hasText: text }).click();
    await page.locator("a.md-link", { hasText: "a page" }).click();
    assert.deepEqual(await sent(), [
      { type: "openFile", path: "src/cart.ts", line: 12 },
      { type: "openFile", path: "src/pricing.ts", line: 3 },
      { type: "openFile", path: "stats.py", line: 4 },
      { type: "openLink", href: "https://example.com/x.ts:3" },
    ]);
    assert.equal(await page.locator("a[href]").count(), 0, "no element in the view carries a real href");
  });

  for (const csp of [true, false]) {
    it(`renders the hostile-markdown corpus inert ${csp ? "under the CSP" : "with sanitizing alone (no CSP)"}`, async () => {
      omitCsp = !csp;
      try {
        await open();
        attacker.requests.length = 0;
        const pageRequests: string[] = [];
        page.on("request", (r) => pageRequests.push(r.url()));
        const corpus = hostileCorpus(attacker.url);
        // First as streamed chunks (the live path), then as a restored transcript (the replay path).
        const turns: Turn[] = [];
        for (const [i, c] of corpus.entries()) {
          turns.push(turn(`u${i}`, "user", c.name), turn(`a${i}`, "assistant", c.markdown));
        }
        await send({
          type: "transcript",
          conversationId: "h",
          generating: true,
          turns: [turn("u", "user", "go"), turn("s", "assistant", "", { streaming: true })],
        });
        for (const c of corpus.filter((x) => x.markdown.length < 100_000)) {
          await send({ type: "chunk", requestId: "s", text: `${c.markdown}\n\n` });
          await frame();
        }
        await send({ type: "transcript", conversationId: "h", generating: false, turns });
        await page.waitForFunction(() => !document.getElementById("transcript").hasAttribute("aria-busy"));
        await frame();
        // Click every inert link too: nothing may happen.
        for (const a of await page.locator("a.inert-link").all()) await a.click({ force: true }).catch(() => undefined);
        await page.waitForTimeout(500);
        const pwned = await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned);
        assert.equal(pwned, undefined, `script ran: ${pwned}`);
        assert.deepEqual(attacker.requests, [], "the attacker server was contacted");
        const foreign = pageRequests.filter((u) => !u.startsWith(view.url));
        assert.deepEqual(foreign, []);
        const dangerous = await page.evaluate(() => {
          const root = document.getElementById("transcript")!;
          const bad = root.querySelectorAll(
            "script, img, iframe, svg, math, style, link, meta, base, object, embed, video, audio, form, details",
          );
          const attrs = [...root.querySelectorAll("*")]
            .flatMap((e) => [...e.attributes].map((a) => a.name))
            .filter((n) => n.startsWith("on") || n === "href" || n === "src" || n === "style" || n === "srcdoc");
          return { tags: [...bad].map((e) => e.tagName), attrs };
        });
        assert.deepEqual(dangerous, { tags: [], attrs: [] });
        const sentTypes = (await sent()).map((m) => m.type).filter((t) => t !== "ready");
        assert.deepEqual(sentTypes, [], "clicking inert links posted messages");
        // The content is still visible as text.
        assert.ok(((await page.locator("#transcript").textContent()) ?? "").includes("[image: tracking pixel]"));
        page.removeAllListeners("request");
      } finally {
        omitCsp = false;
      }
    });
  }

  for (const theme of ["light", "dark"] as const) {
    it(`screenshot: ${theme} theme`, async () => {
      await open(theme);
      await send({
        type: "header",
        header: { state: "ready", engine: "local", model: "Mixtral-8x7B-Instruct", quantization: "Q4_K_M", backend: "cuda" },
      });
      await send({
        type: "transcript",
        conversationId: "s",
        generating: false,
        turns: [
          turn("u1", "user", "/explain", {
            displayText: "/explain",
            attachments: [{ fileName: "src/fibonacci.ts", languageId: "typescript", startLine: 1, endLine: 8, code: "" }],
          }),
          turn(
            "a1",
            "assistant",
            "This computes **Fibonacci** numbers iteratively:\n\n```ts\nexport function fib(n: number): number {\n  let [a, b] = [0, 1];\n  for (let i = 0; i < n; i++) [a, b] = [b, a + b];\n  return a;\n}\n```\n\nSee [the docs](https://example.com).",
            { stats: { ttftMs: 140, tokensPerSecond: 153.2, generatedTokens: 96 } },
          ),
          turn("u2", "user", "Make it recursive"),
          turn("a2", "assistant", "Sure — a recursive version", { incomplete: true, incompleteReason: "stopped" }),
        ],
      });
      await frame();
      const file = path.join(resultsDir, `chat-webview-${theme}.png`);
      await page.screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 5_000);
    });
  }

  it("shows what to do when there is no model, while loading, and after a crash", async () => {
    await open();
    await send({ type: "header", header: { state: "noModel", engine: "local" } });
    await page.locator(".status-panel vscode-button", { hasText: "Choose or download a model" }).click();
    await send({ type: "header", header: { state: "loading", engine: "local", progress: 0.4, message: "Loading tiny (40 %)" } });
    await page.locator(".status-panel vscode-progress-bar").waitFor();
    await send({ type: "header", header: { state: "crashed", engine: "local", message: "The engine stopped (exit code 134)." } });
    await clearSent();
    await page.locator(".status-panel vscode-button", { hasText: "Retry" }).click();
    await page.locator(".status-panel vscode-button", { hasText: "Show Log" }).click();
    assert.deepEqual(await sent(), [
      { type: "action", action: "retry" },
      { type: "action", action: "showLog" },
    ]);
    await page.screenshot({ path: path.join(resultsDir, "chat-webview-crashed.png") });
  });

  it("an error shows every action it carries, in the notice and the header, with the shared titles", async () => {
    await open();
    // What the host sends for a model too large for the machine (src/vscode/describeError.ts).
    await send({
      type: "notice",
      level: "error",
      message: "The model needs about 28.0 GB…",
      actions: ["selectModel", "loadAnyway", "doctor"],
    });
    const buttons = page.locator(".notice vscode-button");
    await buttons.filter({ hasText: "Dismiss" }).waitFor();
    assert.deepEqual(await buttons.allTextContents(), ["Select Model…", "Load Anyway", "Doctor", "Dismiss"]);
    await clearSent();
    await buttons.filter({ hasText: "Load Anyway" }).click();
    // A 401: the command its message names.
    await send({
      type: "notice",
      level: "error",
      message: "The remote engine refused the request (401).",
      actions: ["setRemoteApiKey", "showLog"],
    });
    await page.locator(".notice vscode-button", { hasText: "Set Remote API Key…" }).click();
    // The engine stopped after repeated crashes: Restart Engine in the header's panel.
    await send({
      type: "header",
      header: {
        state: "error",
        engine: "local",
        message: "The engine process crashed 4 times…",
        actions: ["restartEngine", "showLog", "doctor"],
      },
    });
    await page.locator(".status-panel vscode-button", { hasText: "Restart Engine" }).waitFor();
    assert.deepEqual(await page.locator(".status-panel vscode-button").allTextContents(), ["Restart Engine", "Show Log", "Doctor"]);
    await page.locator(".status-panel vscode-button", { hasText: "Restart Engine" }).click();
    assert.deepEqual(await sent(), [
      { type: "action", action: "loadAnyway" },
      { type: "action", action: "setRemoteApiKey" },
      { type: "action", action: "restartEngine" },
    ]);
  });
});
