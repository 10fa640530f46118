// The chat view as a user meets it: the extension installed from the VSIX into code-server,
// driven in Chromium. Two set-ups: the real engine on the tiny model (streaming, stop, reload,
// attach), and a scripted TGI server on 127.0.0.1 (deterministic markdown: a code block to insert
// and the hostile corpus, with the "attacker" server counting requests).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Frame, FrameLocator, Page } from "playwright-core";
import { ensureTinyModel } from "../helpers/tinyModel";
import { hostileCorpus } from "./chatHostileCorpus";
import { openWorkbench, vsixForTests, workspaceFolder, type Workbench } from "./workbench";

// Callbacks passed to frame.evaluate run in the page (this Node project has no DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, MutationObserver: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

async function openChat(page: Page): Promise<FrameLocator> {
  const item = page.locator('.part.activitybar .action-item a[aria-label^="Mixtral"]').first();
  await item.waitFor({ state: "visible", timeout: 60_000 });
  const chat = page.frameLocator("iframe.webview.ready").first().frameLocator("#active-frame");
  const input = chat.locator("#prompt-input");
  // Clicking the item of the container already shown would hide it: click only when it is not.
  // VS Code 1.100 marks the shown container's item with the "checked" class (and aria-pressed);
  // right after a reload the workbench may still be restoring the view, so look again each round.
  const li = page.locator(".part.activitybar .action-item", { has: page.locator('a[aria-label^="Mixtral"]') }).first();
  const shown = async () =>
    ((await li.getAttribute("class")) ?? "").split(/\s+/).includes("checked") ||
    (await item.getAttribute("aria-pressed")) === "true" || (await item.getAttribute("aria-expanded")) === "true";
  for (let round = 0; round < 3; round++) {
    if (await input.isVisible().catch(() => false)) return chat;
    if (!(await shown())) await item.click();
    try {
      await input.waitFor({ state: "visible", timeout: 20_000 });
      return chat;
    } catch {
      // Not there yet: the next round looks at the container's state again.
    }
  }
  await input.waitFor({ state: "visible", timeout: 20_000 });
  return chat;
}

async function chatFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    for (const f of page.frames()) {
      if (await f.locator("#transcript").count().catch(() => 0)) return f;
    }
    await page.waitForTimeout(100);
  }
  throw new Error("the chat view's frame was not found");
}

async function sendMessage(chat: FrameLocator, text: string): Promise<void> {
  const input = chat.locator("#prompt-input");
  await input.click();
  await input.pressSequentially(text);
  await input.press("Enter");
}

/** Lengths of the streaming answer's text at each DOM change, recorded inside the view. */
async function watchLengths(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const w = window as { __lengths: number[] };
    w.__lengths = [];
    new MutationObserver(() => {
      const bodies = document.querySelectorAll("article.turn.assistant .body");
      const last = bodies[bodies.length - 1];
      if (last) w.__lengths.push(last.textContent.length);
    }).observe(document.getElementById("transcript"), { childList: true, subtree: true, characterData: true });
  });
}

describe("chat view in the browser workbench (tiny model)", function () {
  this.timeout(300_000);
  let scratch: string;
  let wb: Workbench;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-chat-e2e-"));
    const model = await ensureTinyModel("q8_0");
    wb = await openWorkbench(await vsixForTests(scratch), {
      "mixtral.modelPath": model,
      // One thread: code-server and Chromium share the machine, and llama.cpp's spinning threads
      // collapse on busy cores. Long answers, so that Stop lands mid-answer.
      "mixtral.threads": 1,
      "mixtral.maxTokens": 3000,
      "mixtral.temperature": 0,
      "mixtral.inlineCompletions.enabled": false,
      "workbench.colorTheme": "Default Dark Modern",
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && wb) await wb.screenshot(`failed-chat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("sends a message and the answer arrives in several steps", async () => {
    const chat = await openChat(wb.page);
    await watchLengths(await chatFrame(wb.page));
    await sendMessage(chat, "Hello there");
    await chat.locator("article.turn.user", { hasText: "Hello there" }).waitFor();
    // Done: the answer shows its stats or an incomplete marker, and Regenerate.
    await chat.locator("article.turn.assistant vscode-button", { hasText: "Regenerate" }).waitFor({ timeout: 120_000 });
    const lengths = (await (await chatFrame(wb.page)).evaluate(() => (window as { __lengths: number[] }).__lengths)) as number[];
    assert.ok(new Set(lengths.filter((n) => n > 0)).size >= 2, `the answer arrived in ${new Set(lengths).size} step(s): ${lengths.slice(0, 20).join(",")}`);
    assert.ok(((await chat.locator("article.turn.assistant .body").last().textContent()) ?? "").length > 0);
    await chat.locator("#model-label", { hasText: /tiny|mixtral/i }).waitFor({ timeout: 30_000 });
  });

  it("stops mid-answer and marks the answer incomplete", async () => {
    const chat = await openChat(wb.page);
    await sendMessage(chat, "Write a very long story");
    // Stop as soon as the first text shows.
    await chat.locator("article.turn.assistant .body.streaming").last().filter({ hasText: /\S/ }).waitFor({ timeout: 60_000 });
    await chat.locator("#send-button", { hasText: "Stop" }).click();
    await chat.locator("article.turn.assistant .incomplete", { hasText: "stopped" }).last().waitFor({ timeout: 30_000 });
    await chat.locator("#send-button", { hasText: "Send" }).waitFor();
  });

  it("attaches the editor selection as a chip", async () => {
    const { page } = wb;
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill("fibonacci.ts");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "fibonacci.ts" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+A");
    const chat = await openChat(page);
    await chat.locator("vscode-button", { hasText: "Attach selection" }).click();
    await chat.locator(".composer .chip", { hasText: /fibonacci\.ts:1-\d+/ }).waitFor({ timeout: 15_000 });
    assert.ok(fs.existsSync(path.join(workspaceFolder, "src", "fibonacci.ts")));
  });

  it("keeps the conversation across a window reload", async () => {
    // Give the host a moment to store the draft (the chip attached in the previous test).
    await wb.page.waitForTimeout(1500);
    await wb.page.reload();
    await wb.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    const chat = await openChat(wb.page);
    await chat.locator("article.turn.user", { hasText: "Hello there" }).waitFor({ timeout: 30_000 });
    await chat.locator("article.turn.user", { hasText: "Write a very long story" }).waitFor();
    await chat.locator("article.turn.assistant .incomplete", { hasText: "stopped" }).first().waitFor();
    // The draft (the attached chip) survived too.
    await chat.locator(".composer .chip", { hasText: /fibonacci\.ts/ }).waitFor();
    await chat.locator("vscode-button", { hasText: "History" }).click();
    await chat.locator(".history-item").first().waitFor();
    await wb.screenshot("chat-workbench-dark");
  });
});

/** A TGI stand-in that streams a scripted answer, one small piece per event. */
async function scriptedTgi(answer: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/info") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ model_id: "scripted-tgi", max_total_tokens: 32768, max_input_tokens: 30000 }));
      return;
    }
    if (req.method === "POST" && req.url === "/generate_stream") {
      req.resume();
      req.on("end", async () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const pieces = answer.match(/[\s\S]{1,40}/g) ?? [];
        for (const [i, text] of pieces.entries()) {
          const last = i === pieces.length - 1;
          const ev = { token: { id: i, text, special: false }, generated_text: last ? answer : null, details: last ? { finish_reason: "eos_token", generated_tokens: pieces.length } : null };
          res.write(`data: ${JSON.stringify(ev)}\n\n`);
          if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
        }
        res.end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe("chat view in the browser workbench (scripted server: code blocks, hostile output)", function () {
  this.timeout(300_000);
  let scratch: string;
  let wb: Workbench;
  let tgi: { url: string; close(): Promise<void> };
  let attacker: http.Server;
  const attackerHits: string[] = [];
  const CODE = "def mean(xs):\n    return sum(xs) / len(xs)";

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-chat-e2e-"));
    attacker = http.createServer((req, res) => {
      attackerHits.push(req.url ?? "");
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", r));
    const attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    // The 5 MB line is covered by chatWebview.test.ts; through SSE it would only slow this down.
    const corpus = hostileCorpus(attackerUrl).filter((c) => c.markdown.length < 100_000);
    const answer = `Here is the function:\n\n\`\`\`python\n${CODE}\n\`\`\`\n\n${corpus.map((c) => `${c.markdown}\n\n`).join("")}End.`;
    tgi = await scriptedTgi(answer);
    wb = await openWorkbench(await vsixForTests(scratch), {
      "mixtral.engine": "tgi",
      "mixtral.remote.url": tgi.url,
      "mixtral.inlineCompletions.enabled": false,
      "workbench.colorTheme": "Default Light Modern",
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && wb) await wb.screenshot(`failed-chat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    await tgi?.close();
    await new Promise((r) => attacker?.close(r));
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("renders the hostile corpus inert: nothing runs, the attacker sees zero requests", async () => {
    const chat = await openChat(wb.page);
    await sendMessage(chat, "Show me everything");
    await chat.locator("article.turn.assistant vscode-button", { hasText: "Regenerate" }).waitFor({ timeout: 60_000 });
    await chat.locator("article.turn.assistant", { hasText: "End." }).waitFor();
    for (const a of await chat.locator("a.inert-link").all()) await a.click({ force: true }).catch(() => undefined);
    await wb.page.waitForTimeout(1000);
    const frame = await chatFrame(wb.page);
    assert.equal(await frame.evaluate(() => (window as { __pwned?: string }).__pwned ?? (window.top as { __pwned?: string }).__pwned), undefined);
    assert.deepEqual(attackerHits, []);
    assert.equal(await frame.locator("#transcript script, #transcript img, #transcript iframe, #transcript svg, #transcript style").count(), 0);
    await wb.screenshot("chat-workbench-light");
  });

  it("inserts a code block into the editor", async () => {
    const { page } = wb;
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill("stats.py");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "stats.py" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    const chat = await openChat(page);
    await chat.locator(".code-block vscode-button", { hasText: "Insert" }).first().click();
    await page.locator(".monaco-editor .view-lines", { hasText: "return sum(xs) / len(xs)" }).first().waitFor({ timeout: 15_000 });
    // A normal edit: undo takes it back (and leaves the fixture file unsaved and unchanged on disk).
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+Z");
    assert.ok(!fs.readFileSync(path.join(workspaceFolder, "src", "stats.py"), "utf8").includes("def mean(xs):\n    return sum(xs) / len(xs)\n"));
  });

  it("restores the hostile answer after a reload and still makes no request", async () => {
    await wb.page.reload();
    await wb.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    const chat = await openChat(wb.page);
    await chat.locator("article.turn.assistant", { hasText: "End." }).waitFor({ timeout: 30_000 });
    await wb.page.waitForTimeout(1000);
    assert.deepEqual(attackerHits, []);
  });
});
