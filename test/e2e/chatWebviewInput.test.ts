// The real chat bundle in Chromium (chatWebviewPage.ts): what the user types and clicks —
// keyboard, a failed send giving its text back, the draft surviving a reload, code-block actions
// and links going to the host (blocked links post nothing), path:line references opening files.
import * as assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { chatWebviewPage, turn } from "./chatWebviewPage";

// The callbacks passed to page.evaluate run in the page, where these exist (this Node project
// compiles without the DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, sessionStorage: any;
type HTMLElement = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

describe("chat webview in Chromium: input and actions", function () {
  this.timeout(120_000);
  const chat = chatWebviewPage();
  const { open, send, sent, clearSent } = chat;
  let page: Page;
  before(() => {
    page = chat.page;
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
});
