// Edits in place as a user sees them: the VSIX in code-server, driven in Chromium, a Refactor
// answered by a scripted OpenAI-compatible server on 127.0.0.1 that changes two separate places.
// The server holds its answer after the first function, so the inline diff is photographed while
// it streams (lines so far, the rest dimmed, the progress lens with Cancel) and once complete
// (shaded and highlighted lines, CodeLens), into test-results/.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { describeWorkbench, openWorkbench, vsixForTests, workspaceFolder, type Workbench } from "./workbench";

const CODE = [
  "def mean(values: list[float]) -> float:",
  "    return sum(values) / len(values)",
  "",
  "",
  "def median(values: list[float]) -> float:",
  "    ordered = sorted(values)",
  "    middle = len(ordered) // 2",
  "    if len(ordered) % 2:",
  "        return ordered[middle]",
  "    return (ordered[middle - 1] + ordered[middle]) / 2",
].join("\n");

/** Opens a workspace file through Quick Open; returns once the editor shows `shows`. */
async function quickOpen(page: Page, name: string, shows: string): Promise<void> {
  const input = page.locator(".quick-input-widget input");
  await page.keyboard.press("Control+P");
  await input.waitFor({ state: "visible" });
  await input.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-lines", { hasText: shows }).first().waitFor();
}

/** A palette command by hand: runFromPalette clicks into the editor first, which drops the selection. */
async function palette(page: Page, title: string): Promise<void> {
  const input = page.locator(".quick-input-widget input");
  await page.keyboard.press("F1");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().click();
}

/** Selects the whole file and asks for the refactor, the answer held at `pauseAfter` when given. */
async function refactorAll(page: Page, server: ScriptedOpenAi, pauseAfter?: string): Promise<void> {
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+A");
  await palette(page, "Mixtral: Refactor Selection");
  await page.locator('.quick-input-widget input[placeholder*="What should change"]').waitFor({ state: "visible" });
  server.pauseAfter = pauseAfter;
  await page.locator(".quick-input-widget input").fill("add type hints");
  await page.keyboard.press("Enter");
}

describe("edits in place in the browser workbench", function () {
  this.timeout(300_000);
  let scratch: string;
  let wb: Workbench;
  let server: ScriptedOpenAi;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-edits-e2e-"));
    server = await startScriptedOpenAi({ flavour: "openai", answer: `Typed:\n\n\`\`\`python\n${CODE}\n\`\`\`\n` });
    wb = await openWorkbench(await vsixForTests(scratch), {
      "mixtral.engine": "openai",
      "mixtral.remote.url": server.url,
      "mixtral.maxTokens": 512,
      // code-server saves after a delay by default: the fixture on disk must stay as it is.
      "files.autoSave": "off",
    });
  });

  after(async () => {
    await wb?.close();
    await server?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("shows a two-place refactor as an inline diff with Accept / Reject lenses, and Reject All restores the file", async () => {
    const { page } = wb;
    const fixture = fs.readFileSync(path.join(workspaceFolder, "src", "stats.py"), "utf8");
    await quickOpen(page, "stats.py", "def median(values):");
    await refactorAll(page, server, "    return sum(values) / len(values)\n\n\n");
    await server.whenPaused();
    const writing = page.locator(".monaco-editor .codelens-decoration", { hasText: "Mixtral is writing" });
    try {
      await writing.first().waitFor({ timeout: 60_000 });
    } catch {
      assert.fail(`no streaming lens; the workbench shows ${await describeWorkbench(page)}`);
    }
    assert.match((await page.locator(".monaco-editor .codelens-decoration").allTextContents()).join(" | "), /Cancel \(Ctrl\+Alt\+N\)/);
    await page.locator(".monaco-editor .view-lines", { hasText: "def mean(values: list[float]) -> float:" }).first().waitFor();
    await page.waitForTimeout(500);
    await wb.screenshot("inline-diff-streaming");
    server.resume();
    const lens = page.locator(".monaco-editor .codelens-decoration", { hasText: "Accept All" });
    try {
      await lens.first().waitFor({ timeout: 60_000 });
    } catch {
      assert.fail(`no proposal lens; the workbench shows ${await describeWorkbench(page)}`);
    }
    const lenses = (await page.locator(".monaco-editor .codelens-decoration").allTextContents()).join(" | ");
    assert.match(lenses, /Accept All \(Ctrl\+Alt\+Y\)/);
    assert.match(lenses, /Show Side-by-Side Diff/);
    assert.equal((lenses.match(/\bReject\b(?! All)/g) ?? []).length, 2, `one Reject per hunk: ${lenses}`);
    await page.waitForTimeout(500);
    await wb.screenshot("inline-diff");
    // Monaco renders spaces as no-break spaces.
    const shown = ((await page.locator(".monaco-editor .view-lines").first().textContent()) ?? "").replace(/\u00a0/g, " ");
    assert.ok(
      shown.includes("def median(values: list[float]) -> float:") && shown.includes("def median(values):"),
      `the original and the proposed line are both in the editor: ${shown}`,
    );
    await page.keyboard.press("Control+Alt+N");
    await lens.first().waitFor({ state: "detached", timeout: 15_000 });
    assert.equal(
      await page.locator(".monaco-editor .view-lines", { hasText: "list[float]" }).count(),
      0,
      "Reject All took every proposed line back",
    );
    assert.equal(fs.readFileSync(path.join(workspaceFolder, "src", "stats.py"), "utf8"), fixture, "the file on disk was never written");
  });

  it("closing the file with a proposal pending, Save in VS Code's dialog: the file is written without the proposal and the editor closes", async () => {
    const { page } = wb;
    const file = path.join(workspaceFolder, "src", "stats.py");
    const fixture = fs.readFileSync(file, "utf8");
    await refactorAll(page, server);
    await page.locator(".monaco-editor .codelens-decoration", { hasText: "Accept All" }).first().waitFor({ timeout: 60_000 });
    const tab = page.locator(".tabs-container .tab", { hasText: "stats.py" });
    assert.match((await tab.getAttribute("class")) ?? "", /\bdirty\b/, "the proposal makes the editor dirty");

    await palette(page, "View: Close Editor");
    const dialog = page.locator(".monaco-dialog-box", { hasText: "Do you want to save the changes you made to stats.py?" });
    await dialog.waitFor({ timeout: 15_000 });
    await dialog.locator(".monaco-button", { hasText: /^Save$/ }).click();
    try {
      await tab.waitFor({ state: "detached", timeout: 15_000 });
    } catch {
      assert.fail(
        `the editor stayed open after Save: ${await tab.getAttribute("class")}; the workbench shows ${await describeWorkbench(page)}`,
      );
    }
    assert.equal(fs.readFileSync(file, "utf8"), fixture, "the file on disk holds the user's lines, not the proposal");

    // Opened again: the user's lines, clean, no proposal.
    await quickOpen(page, "stats.py", "def median(values):");
    await page.waitForTimeout(1_000);
    assert.equal(await page.locator(".monaco-editor .view-lines", { hasText: "list[float]" }).count(), 0, "the proposed lines are back");
    assert.equal(await page.locator(".monaco-editor .codelens-decoration", { hasText: "Accept All" }).count(), 0);
    assert.doesNotMatch((await tab.getAttribute("class")) ?? "", /\bdirty\b/, "the reopened editor is dirty");
  });
});
