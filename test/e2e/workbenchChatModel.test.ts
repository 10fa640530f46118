// The chat view on the real engine with the tiny Mixtral model, in code-server driven by
// Chromium: streaming, stop, attach, reload. (It used to be kept last in the e2e tier because a
// suite after it failed; the cause was machine-scoped settings, see writeUserSettings.)
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureTinyModel } from "../helpers/tinyModel";
import { chatFrame, openChat, readLengths, sendMessage, watchLengths } from "./chatHelpers";
import { openWorkbench, vsixForTests, workspaceFolder, type Workbench } from "./workbench";

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
    if (this.currentTest?.state === "failed" && wb)
      await wb.screenshot(`failed-chat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
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
    const lengths = await readLengths(await chatFrame(wb.page));
    assert.ok(
      new Set(lengths.filter((n) => n > 0)).size >= 2,
      `the answer arrived in ${new Set(lengths).size} step(s): ${lengths.slice(0, 20).join(",")}`,
    );
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

  it("attaches the editor selection as a chip naming the file and the selected lines", async () => {
    const { page } = wb;
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill("fibonacci.ts");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "fibonacci.ts" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+A");
    // The editor draws the selection once it has taken the keys: on 1.139 a Ctrl+A pressed right
    // after the click can arrive before the editor has focus, and the selection stays empty.
    const selected = page.locator(".monaco-editor .view-overlays .selected-text").first();
    for (let attempt = 0; attempt < 3 && !(await selected.isVisible()); attempt++) {
      await page.waitForTimeout(500);
      await page.locator(".monaco-editor .view-lines").first().click();
      await page.keyboard.press("Control+A");
    }
    await selected.waitFor({ timeout: 10_000 });
    const chat = await openChat(page);
    await chat.locator("vscode-button", { hasText: "Attach selection" }).click();
    // Select All ends at column 0 of the line after the last one, which is not part of the selection.
    const lines = fs
      .readFileSync(path.join(workspaceFolder, "src", "fibonacci.ts"), "utf8")
      .replace(/\n$/, "")
      .split("\n").length;
    const label = chat.locator(".composer .chip .chip-label");
    await label.first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await label.allTextContents(), [`src/fibonacci.ts:1-${lines}`]);
  });

  it("keeps the conversation across a window reload", async () => {
    // Give the host a moment to store the draft (the chip attached in the previous test). The web
    // workbench writes workspaceState to IndexedDB in the background; a reload that comes too soon
    // after the write can lose it (1 run in ~6 full e2e runs with 1.5 s under load; 5 s since).
    await wb.page.waitForTimeout(5000);
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
