// Model management as a user meets it in the browser: the Mixtral status bar item opens the menu,
// the menu opens the model picker, and the picker shows every level with size and fit.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { QUANT_LEVEL_IDS } from "../../src/core/models/catalog";
import { openWorkbench, resultsDir, vsixForTests, type Workbench } from "./workbench";

const ROWS = ".quick-input-widget .quick-input-list .monaco-list-row";

/** The text of every row of the open quick pick, walking it with the arrow keys: the list is
 *  virtualised, so rows far from the focus are not in the DOM. */
async function allRows(page: Page, count: number): Promise<string[]> {
  const seen = new Map<string, string>();
  for (let i = 0; i <= count; i++) {
    for (const row of await page.locator(ROWS).all()) {
      const label = (await row.getAttribute("aria-label")) ?? "";
      if (label) seen.set(label, (await row.textContent()) ?? "");
    }
    await page.keyboard.press("ArrowDown");
  }
  return [...seen.values()];
}

describe("model management in the browser workbench", function () {
  this.timeout(180_000);
  let scratch: string;
  let wb: Workbench;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-e2e-models-"));
    wb = await openWorkbench(await vsixForTests(scratch), { "mixtral.modelsDirectory": path.join(scratch, "models") });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && wb) {
      await wb.screenshot(`failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
    }
  });

  after(async () => {
    await wb?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("the status bar item opens the Mixtral menu, and the menu opens the model picker with every level", async () => {
    const { page } = wb;
    const item = page.locator(".part.statusbar .statusbar-item", { hasText: "Mixtral" }).first();
    await item.waitFor({ state: "visible", timeout: 60_000 });
    assert.match((await item.textContent()) ?? "", /Mixtral: no model/);
    await item.locator("a").first().click();

    const widget = page.locator(".quick-input-widget");
    await widget.locator(".quick-input-title", { hasText: "Mixtral Local" }).waitFor({ state: "visible" });
    const menu = (await page.locator(ROWS).allTextContents()).join("\n");
    for (const entry of ["Select or Download Model", "Doctor", "Settings", "Show Log"])
      assert.ok(menu.includes(entry), `the menu lists ${entry}: ${menu}`);

    await page.locator(ROWS, { hasText: "Select or Download Model" }).click();
    await widget.locator(".quick-input-title", { hasText: "Select or Download Model" }).waitFor({ state: "visible", timeout: 30_000 });
    await page.locator(ROWS, { hasText: "Q8_0" }).first().waitFor({ state: "visible" });
    fs.mkdirSync(resultsDir, { recursive: true });
    const shot = await wb.screenshot("model-picker");
    assert.ok(fs.statSync(shot).size > 0);

    // Auto, Choose a file, then the levels (the separator is part of the first level's row).
    const rows = await allRows(page, 2 + QUANT_LEVEL_IDS.length);
    for (const id of QUANT_LEVEL_IDS) {
      // A row's text is its label (the icon is a glyph without text), description and detail.
      const row = rows.find((r) => new RegExp(`^\\s*${id}\\d+\\.\\d GB · `).test(r));
      assert.ok(row, `a row for ${id} among:\n${rows.join("\n")}`);
      assert.match(row, /\d+\.\d GB · [\d.]+ bits\/weight/, `${id}: file size`);
      assert.match(row, /(Fits|Does not fit) · needs RAM \d+\.\d GB/, `${id}: memory and fit`);
      assert.match(row, /layers on GPU\)/, `${id}: GPU-layer split`);
      assert.match(row, /perplexity|reference \(8-bit\)/, `${id}: quality cost`);
    }
    await page.keyboard.press("Escape");
    await widget.waitFor({ state: "hidden" });
  });
});
