// Next-edit suggestions as a user sees them: the VSIX in code-server, driven in Chromium, answered
// by a scripted OpenAI-compatible server on 127.0.0.1 that rewrites the file with the renamed
// parameter renamed at its use too. The user renames the parameter in the signature with the
// keyboard; the hint appears at the end of the line, Tab jumps to the usage (shown in place),
// Tab accepts. Screenshots of each step go to test-results/.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { describeWorkbench, openWorkbench, vsixForTests, workspaceFolder, type Workbench } from "./workbench";
import { NEXT_EDIT_BEFORE } from "../helpers/nextEditSample";

// Page-side globals inside page.evaluate (the Node typings have no DOM), as the other e2e tests do.
declare const document: { querySelectorAll(selector: string): ArrayLike<unknown> };
declare function getComputedStyle(element: unknown, pseudo: string): { content: string };

const BEFORE = NEXT_EDIT_BEFORE;
const NEXT = BEFORE.replace("count: number", "quantity: number").replace("${count}", "${quantity}");
const FILE = path.join(workspaceFolder, "src", "nextEditCart.ts");

/** The texts of the editor's `after` decorations (rendered as CSS ::after content, not DOM text). */
async function decorationTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    for (const el of Array.from(document.querySelectorAll(".monaco-editor .view-lines span"))) {
      const content = getComputedStyle(el, "::after").content;
      if (content && content !== "none" && content !== "normal") texts.push(content.replace(/^"|"$/g, ""));
    }
    return texts;
  });
}

async function waitForDecoration(page: Page, pattern: RegExp, what: string): Promise<string> {
  const end = Date.now() + 60_000;
  for (;;) {
    const found = (await decorationTexts(page)).find((t) => pattern.test(t));
    if (found) return found;
    if (Date.now() > end)
      assert.fail(
        `no ${what}; decorations ${JSON.stringify(await decorationTexts(page))}; the workbench shows ${await describeWorkbench(page)}`,
      );
    await page.waitForTimeout(200);
  }
}

const editorText = async (page: Page) =>
  ((await page.locator(".monaco-editor .view-lines").first().textContent()) ?? "").replace(/\u00a0/g, " ");

describe("next-edit suggestions in the browser workbench", function () {
  this.timeout(300_000);
  let scratch: string;
  let wb: Workbench;
  let server: ScriptedOpenAi;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-nextedit-e2e-"));
    fs.writeFileSync(FILE, BEFORE);
    server = await startScriptedOpenAi({ flavour: "llamaServer", answer: `${NEXT}\`\`\`\n` });
    wb = await openWorkbench(await vsixForTests(scratch), {
      "mixtral.engine": "openai",
      "mixtral.remote.url": server.url,
      "mixtral.nextEdit.debounceMs": 100,
      // The scripted server answers every request alike: an inline completion would show its
      // answer as ghost text and (as VS Code's rule says) take Tab first. The suggest widget too.
      "mixtral.inlineCompletions.enabled": false,
      "editor.quickSuggestions": { other: false, comments: false, strings: false },
      "files.autoSave": "off",
    });
  });

  after(async () => {
    await wb?.close();
    await server?.close();
    fs.rmSync(FILE, { force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("a rename in the signature: the hint, Tab jumps to the usage, Tab accepts", async () => {
    const { page } = wb;
    const input = page.locator(".quick-input-widget input");
    await page.keyboard.press("Control+P");
    await input.waitFor({ state: "visible" });
    await input.fill("nextEditCart.ts");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "nextEditCart.ts" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-lines", { hasText: "export function lineTotal" }).first().waitFor();
    await page.locator(".monaco-editor .view-lines").first().click();

    // The user's edit: "count" in the signature becomes "quantity", typed.
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < "export function lineTotal(price: number, ".length; i++) await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Control+Shift+ArrowRight");
    await page.keyboard.type("quantity");
    const hint = await waitForDecoration(page, /Tab to jump to line 7/, "jump hint");
    assert.equal(hint, "⇥ Tab to jump to line 7 (Mixtral next edit; Esc dismisses)");
    assert.ok((await editorText(page)).includes("items: ${count}"), "nothing written before it is accepted");
    // The end of a long line can be scrolled out of view: the status bar says it too.
    await page.locator(".statusbar-item", { hasText: "Next edit: Tab to jump to line 7" }).first().waitFor({ timeout: 15_000 });
    await wb.screenshot("next-edit-hint");

    await page.keyboard.press("Tab");
    await page
      .locator(".statusbar-item", { hasText: /Ln 7, Col/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await waitForDecoration(page, /^quantity$/, "suggestion shown in place at the usage");
    await page.locator(".statusbar-item", { hasText: "Next edit: Tab to accept" }).first().waitFor({ timeout: 15_000 });
    assert.ok((await editorText(page)).includes("items: ${count}"), "Tab only jumped");
    await wb.screenshot("next-edit-at-usage");

    await page.keyboard.press("Tab");
    await page.locator(".monaco-editor .view-lines", { hasText: "items: ${quantity}" }).first().waitFor({ timeout: 15_000 });
    const text = await editorText(page);
    assert.ok(text.includes("lineTotal(price: number, quantity: number)") && !/\bcount\b/.test(text), text);
    await wb.screenshot("next-edit-accepted");
  });
});
