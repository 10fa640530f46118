// The extension as a user gets it: installed from the VSIX into code-server, driven in Chromium.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeWorkbench, openWorkbench, resultsDir, runFromPalette, vsixForTests, Workbench } from "./workbench";

describe("Mixtral in the browser workbench", function () {
  this.timeout(180_000);
  let scratch: string;
  let wb: Workbench;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-e2e-"));
    // Screenshots of an earlier run's failures would read as this run's.
    for (const f of fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : [])
      if (f.startsWith("failed-")) fs.rmSync(path.join(resultsDir, f));
    wb = await openWorkbench(await vsixForTests(scratch));
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

  it("installs the extension from the VSIX", () => {
    const installed = fs.readdirSync(wb.extensionsDir).filter((d) => d.startsWith("mixtral-local.mixtral-local-"));
    assert.equal(installed.length, 1, `extensions dir holds ${fs.readdirSync(wb.extensionsDir).join(", ")}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(wb.extensionsDir, installed[0], "package.json"), "utf8"));
    assert.equal(manifest.name, "mixtral-local");
    assert.ok(fs.existsSync(path.join(wb.extensionsDir, installed[0], "dist", "extension.js")));
  });

  it("opens the Mixtral view from the activity bar", async () => {
    const { page } = wb;
    const item = page.locator('.part.activitybar .action-item a[aria-label^="Mixtral"]').first();
    await item.waitFor({ state: "visible", timeout: 60_000 });
    await item.click();
    const title = page.locator(".part.sidebar .composite.title", { hasText: /mixtral/i });
    await title.waitFor({ state: "visible" });
    assert.match((await title.textContent()) ?? "", /mixtral/i);
    // The chat view's pane is part of the container.
    await page.locator(".part.sidebar .pane-header", { hasText: /chat/i }).first().waitFor({ state: "attached" });
    await wb.screenshot("mixtral-view");
  });

  it("runs Mixtral: Show Log from the command palette and shows the Mixtral Local channel", async () => {
    const { page } = wb;
    const shown = page.locator(".part.panel", { hasText: "Mixtral Local" });
    await runFromPalette(page, "Mixtral: Show Log");
    // Once more if nothing showed: in one fresh-clone run on 1.139.1 under full load, the palette
    // closed on the row's click and no panel ever opened (the command had not run); a second run
    // of the same command is what a user would do, and the channel must then show.
    if (
      !(await shown.waitFor({ state: "visible", timeout: 15_000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await runFromPalette(page, "Mixtral: Show Log");
    }
    try {
      await shown.waitFor({ state: "visible", timeout: 30_000 });
    } catch {
      assert.fail(`the Output panel never showed the Mixtral Local channel; the workbench shows ${await describeWorkbench(page)}`);
    }
    const panel = (await page.locator(".part.panel").textContent()) ?? "";
    assert.ok(panel.includes("Mixtral Local"), "the Output panel does not show the Mixtral Local channel");
    await wb.screenshot("mixtral-show-log");
  });
});
