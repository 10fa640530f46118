// The real chat bundle (webview/main.ts, built now) in Chromium, under the extension's own shell
// and CSP, with a stand-in for VS Code's webview API that records what the page posts
// (chatWebviewPage.ts). This file: rendering — replayed transcripts, incremental streaming, scroll,
// themes, and the states and errors the header shows. Input and actions: chatWebviewInput.test.ts;
// hostile model output: chatWebviewHostile.test.ts.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { chatWebviewPage, turn } from "./chatWebviewPage";
import { resultsDir } from "./webviewHarness";

// The callbacks passed to page.evaluate run in the page, where these exist (this Node project
// compiles without the DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, requestAnimationFrame: any;
type HTMLElement = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

describe("chat webview in Chromium", function () {
  this.timeout(120_000);
  const chat = chatWebviewPage();
  const { open, send, sent, clearSent, frame } = chat;
  let page: Page;
  before(() => {
    page = chat.page;
  });

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
