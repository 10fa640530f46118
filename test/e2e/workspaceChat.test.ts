// `@workspace` as a user meets it in the browser: the extension installed from the VSIX into
// code-server on the sample workspace, `@work` picked from the chat's `@` list, the question sent to
// a scripted OpenAI-compatible server on 127.0.0.1 that keeps each request: the request holds the
// chunk the index found (src/pricing.ts), the sent message shows it as a chip, and the answer's
// `src/pricing.ts:4` is a link that opens the file with the cursor on line 4.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { openChat } from "./chatHelpers";
import { openWorkbench, vsixForTests, type Workbench } from "./workbench";

const ANSWER = "The discount is applied in src/pricing.ts:4 (applyDiscount).";

describe("@workspace in the chat in the browser workbench (scripted server)", function () {
  this.timeout(300_000);
  let scratch: string;
  let wb: Workbench;
  let server: ScriptedOpenAi;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-workspace-e2e-"));
    server = await startScriptedOpenAi({ flavour: "ollama", answer: ANSWER });
    wb = await openWorkbench(await vsixForTests(scratch), {
      "mixtral.engine": "openai",
      "mixtral.remote.url": server.url,
      "mixtral.inlineCompletions.enabled": false,
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && wb)
      await wb.screenshot(`failed-workspace-chat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    await server?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("retrieves the chunk for the question, shows it as a chip, and the answer's file:line link opens the file at that line", async () => {
    const { page } = wb;
    const chat = await openChat(page);
    const input = chat.locator("#prompt-input");
    const list = chat.locator("#mention-list");
    await input.click();
    await input.pressSequentially("@work");
    await list.locator(".mention-option", { hasText: "workspace" }).waitFor({ timeout: 30_000 });
    await input.press("Enter");
    await input.pressSequentially("how is the discount applied to a price?");
    assert.equal(await chat.locator(".composer .chip").count(), 0, "@workspace attaches nothing until sent");
    await input.press("Enter");
    const answer = chat.locator("article.turn.assistant", { hasText: "The discount is applied" }).last();
    await answer.waitFor({ timeout: 90_000 });

    const sent = JSON.stringify(server.requests.filter((r) => r.path.includes("chat/completions")).at(-1)?.body ?? {});
    assert.ok(sent.includes("export function applyDiscount(priceCents: number, rate: number)"), sent.slice(0, 3000));
    assert.ok(sent.includes("how is the discount applied to a price?") && !sent.includes("@workspace"), sent.slice(0, 3000));
    await chat
      .locator("article.turn.user", { hasText: "@workspace how is the discount applied" })
      .locator(".chip", { hasText: "src/pricing.ts" })
      .first()
      .waitFor();

    const link = answer.locator("a.file-link", { hasText: "src/pricing.ts:4" });
    await link.waitFor();
    await wb.screenshot("workspace-chat");
    await link.click();
    await page.locator(".tabs-container .tab.active", { hasText: "pricing.ts" }).waitFor({ timeout: 30_000 });
    await page
      .locator(".statusbar-item", { hasText: /Ln 4, Col 1/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.screenshot("workspace-chat-link-opened");
  });
});
