// VS Code's own chat (code-server 4.139.1 bundles it: the built-in GitHub Copilot Chat 0.67)
// answering with Mixtral, offline and signed out, driven in Chromium as a user would: the
// extension from the VSIX, the tiny model, VS Code's chat view, its model picker, a question.
// On first start VS Code disables its built-in chat extension until "chat setup" (a GitHub,
// Google or Apple sign-in) is done; its model picker then offers only "Sign in to use Copilot",
// and a request opens the sign-in dialog. Enabling the extension again (Extensions: Show Disabled
// Extensions lists it as "GitHub Copilot"; Extensions: Enable All Extensions) and reloading is all
// it takes offline: the chat then runs on a third-party provider's model with no account.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { writeTinyMixtral } from "../../src/core/gguf/tinyMixtral";
import { TINY_MODEL_SEED } from "../helpers/tinyModel";
import { readLengths, watchLengths } from "./chatHelpers";
import { describeWorkbench, openWorkbench, runFromPalette, vsixForTests, type Workbench } from "./workbench";

const QUESTION = "What does a mixture of experts route?";

/** runFromPalette, with a fresh palette every few seconds until the command is listed. */
async function runWhenListed(page: Page, title: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await runFromPalette(page, title, 3_000);
      return;
    } catch (err) {
      await page.keyboard.press("Escape");
      if (attempt >= 10) throw new Error(`the palette never listed ${title}: ${String(err)}`);
      await page.waitForTimeout(2_000);
    }
  }
}

/** Types `text` into VS Code's chat input and sends it. */
async function ask(page: Page, text: string): Promise<void> {
  await page.locator(".interactive-input-part").first().locator(".monaco-editor .view-lines").click();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

describe("VS Code's chat with Mixtral as its model (tiny model, offline, signed out)", function () {
  this.timeout(300_000);
  let scratch: string;
  let wb: Workbench;
  let model: string;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-lmchat-e2e-"));
    // VS Code's chat sends its own instructions and tool list (~8,200 tokens of this tiny model's
    // vocabulary): the cached tiny model's 4096-token context is too small, so this one has 32k.
    model = path.join(scratch, "tiny-mixtral-32k.gguf");
    await writeTinyMixtral(model, { variant: "q8_0", seed: TINY_MODEL_SEED, contextLength: 32_768 });
    wb = await openWorkbench(await vsixForTests(scratch), {
      "mixtral.modelPath": model,
      "mixtral.contextSize": 32_768,
      "mixtral.threads": 1,
      "mixtral.maxTokens": 200,
      "mixtral.temperature": 0,
      "mixtral.inlineCompletions.enabled": false,
      "workbench.colorTheme": "Default Dark Modern",
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && wb)
      await wb.screenshot(`failed-lmchat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("picks Mixtral in the chat's model picker, asks, and the engine's answer streams into VS Code's chat", async () => {
    const { page } = wb;
    // The built-in chat extension, disabled by VS Code at first start (no chat setup), back on.
    // VS Code disables its chat extension shortly after the first start: wait until it has, or
    // enabling would come first and be undone.
    await runWhenListed(page, "Extensions: Show Disabled Extensions");
    await page
      .locator(".extensions-viewlet .monaco-list-row", { hasText: "AI chat features powered by Copilot" })
      .waitFor({ timeout: 60_000 });
    await runWhenListed(page, "Extensions: Enable All Extensions");
    const reloaded = page.waitForEvent("load", { timeout: 60_000 });
    await runFromPalette(page, "Developer: Reload Window");
    await reloaded;
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    // A palette opened while the reloaded window registers its extensions' commands keeps the
    // list it started with: open it again until our command is there.
    await runWhenListed(page, "Mixtral: Use Mixtral in VS Code's Chat");

    const input = page.locator(".interactive-input-part").first();
    await input.waitFor({ state: "visible", timeout: 60_000 });
    // The picker lists Mixtral once the provider has answered (before that it offers sign-in only).
    const pickerButton = input.locator(".model-picker-item .model-picker-name");
    const mixtralRow = page.locator(".action-widget .monaco-list-row", { hasText: "Mixtral (local)" }).first();
    for (let attempt = 0; ; attempt++) {
      await pickerButton.click();
      try {
        await mixtralRow.waitFor({ state: "visible", timeout: 5_000 });
        break;
      } catch {
        const listed = await page
          .locator(".action-widget")
          .allInnerTexts()
          .catch(() => []);
        await page.keyboard.press("Escape");
        if (attempt >= 15)
          throw new Error(
            `the model picker never listed Mixtral (it lists ${JSON.stringify(listed)}); the workbench shows ${await describeWorkbench(page)}`,
          );
        await page.waitForTimeout(1_000);
      }
    }
    await mixtralRow.click();
    await pickerButton.filter({ hasText: "Mixtral (local)" }).waitFor({ timeout: 10_000 });
    // Ask mode: a question, with VS Code's read-only tools only.
    await input.locator(".chat-mode-picker-item a").click();
    await page.locator(".action-widget .monaco-list-row", { hasText: /^Ask/ }).first().click();
    await input.locator(".chat-mode-picker-item a", { hasText: "Ask" }).waitFor({ timeout: 10_000 });

    // Every change of the answer's text, recorded in the page while it streams.
    await watchLengths(page, { answers: ".interactive-item-container.interactive-response .value", root: ".interactive-session" });
    await ask(page, QUESTION);

    const response = page.locator(".interactive-item-container.interactive-response").last();
    // Done: the response's footer names the model that answered.
    await response.filter({ hasText: "Mixtral (local)" }).waitFor({ timeout: 180_000 });
    const answer = ((await response.locator(".value").first().textContent()) ?? "").trim();
    assert.equal(await response.locator(".codicon-error").count(), 0, `VS Code's chat shows an error: ${answer.slice(0, 600)}`);
    assert.ok(answer.length > 0, "VS Code's chat shows an empty answer");
    const lengths = await readLengths(page);
    assert.ok(
      new Set(lengths.filter((n) => n > 0)).size >= 2,
      `the answer arrived in ${new Set(lengths).size} step(s): ${lengths.slice(0, 20).join(",")}`,
    );
    await wb.screenshot("vscode-chat-mixtral");

    // Our engine built the prompt: Mixtral's [INST] format around the question.
    await runFromPalette(page, "Mixtral: Show Last Prompt");
    const doc = page.locator(".part.editor .monaco-editor .view-lines").first();
    await doc.filter({ hasText: "last prompt (vscodeChat)" }).waitFor({ timeout: 30_000 });
    // The editor draws spaces as no-break spaces.
    const top = ((await doc.textContent()) ?? "").replace(/\s/g, " ");
    assert.ok(top.includes("<s> [INST] "), `Show Last Prompt shows: ${top.slice(0, 400)}`);
    // The question closes the ~8,000-token prompt; the editor draws only the lines in view.
    await page.keyboard.press("Control+End");
    // VS Code's chat wraps it: <userRequest>…</userRequest>, then Mixtral's end of instruction.
    await doc.filter({ hasText: QUESTION }).filter({ hasText: "</userRequest> [/INST]" }).waitFor({ timeout: 30_000 });
  });

  it("a model file that is gone: VS Code's chat shows what happened and the command that fixes it, once, with no stack", async () => {
    const { page } = wb;
    fs.renameSync(model, `${model}.moved`);
    try {
      // The engine let go of the file: the next request loads it again, and finds nothing.
      await runFromPalette(page, "Mixtral: Restart Engine");
      await page.locator(".notifications-toasts", { hasText: "does not exist or cannot be read" }).waitFor({ timeout: 60_000 });
      // The toast covers the chat's input; hovers would take the palette's click.
      await page.mouse.move(5, 5);
      await page.keyboard.press("Escape");
      await runFromPalette(page, "Notifications: Clear All Notifications");
      await ask(page, "Are you there?");
      const response = page.locator(".interactive-item-container.interactive-response").last();
      const error = response.locator(".chat-notification-widget", { has: page.locator(".codicon-error") });
      await error.waitFor({ timeout: 120_000 });
      const text = (await error.innerText()).trim();
      assert.match(
        text,
        /^The model file \S+tiny-mixtral-32k\.gguf does not exist or cannot be read\. Check mixtral\.modelPath, or run “Mixtral: Select or Download Model…” to choose or download it again\.$/,
      );
      await wb.screenshot("vscode-chat-mixtral-model-missing");
    } finally {
      fs.renameSync(`${model}.moved`, model);
    }
    // The file is back: the next request loads it and answers, with nothing to restart.
    const responses = page.locator(".interactive-item-container.interactive-response");
    const before = await responses.count();
    await ask(page, "And now?");
    const answer = responses.nth(before);
    await answer.waitFor({ timeout: 30_000 });
    // Done when the answer has text that stays the same for 5 s (the footer differs by version).
    let last = "";
    for (let same = 0, waited = 0; same < 5; waited++) {
      assert.ok(waited < 180, `no settled answer after 180 s: ${last.slice(0, 300)}`);
      await page.waitForTimeout(1_000);
      const now = ((await answer.locator(".value").first().textContent()) ?? "").trim();
      same = now && now === last ? same + 1 : 0;
      last = now;
    }
    assert.equal(await answer.locator(".codicon-error").count(), 0, `VS Code's chat shows an error: ${last.slice(0, 600)}`);
  });
});
