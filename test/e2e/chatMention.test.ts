// `@`-mentions as a user meets them: the extension installed from the VSIX into code-server,
// two files open in editors, one picked after `@` in the chat, the message sent to a scripted TGI
// server on 127.0.0.1 that keeps each prompt it receives. The prompt must hold the picked file's
// text and not the other's.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { openChat } from "./chatHelpers";
import { openWorkbench, vsixForTests, workspaceFolder, type Workbench } from "./workbench";

const ANSWER = "Mentioned file received.";

async function recordingTgi(): Promise<{ url: string; prompts: string[]; close(): Promise<void> }> {
  const prompts: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/info") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ model_id: "scripted-tgi", max_total_tokens: 32768, max_input_tokens: 30000 }));
      return;
    }
    if (req.method === "POST" && req.url === "/generate_stream") {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (d: string) => (body += d));
      req.on("end", () => {
        prompts.push(String((JSON.parse(body) as { inputs?: unknown }).inputs));
        res.writeHead(200, { "content-type": "text/event-stream" });
        const ev = {
          token: { id: 1, text: ANSWER, special: false },
          generated_text: ANSWER,
          details: { finish_reason: "eos_token", generated_tokens: 1 },
        };
        res.end(`data: ${JSON.stringify(ev)}\n\n`);
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, prompts, close: () => new Promise((r) => server.close(() => r())) };
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(".tabs-container .tab", { hasText: name }).first().waitFor();
}

describe("chat @-mentions in the browser workbench (scripted server)", function () {
  this.timeout(300_000);
  let scratch: string;
  let wb: Workbench;
  let tgi: Awaited<ReturnType<typeof recordingTgi>>;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-mention-e2e-"));
    tgi = await recordingTgi();
    wb = await openWorkbench(await vsixForTests(scratch), {
      "mixtral.engine": "tgi",
      "mixtral.remote.url": tgi.url,
      "mixtral.inlineCompletions.enabled": false,
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && wb)
      await wb.screenshot(`failed-chat-mention-${this.currentTest.title.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    await tgi?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("lists the open files after @, sends the picked one's text and not the other's", async () => {
    const { page } = wb;
    await openFile(page, "fibonacci.ts");
    await openFile(page, "stats.py");
    const chat = await openChat(page);
    const input = chat.locator("#prompt-input");
    const list = chat.locator("#mention-list");
    await input.click();
    await input.pressSequentially("What does @");
    await list.locator(".mention-option", { hasText: "fibonacci.ts" }).waitFor({ timeout: 30_000 });
    // The workspace index's entry first, then both tabs, the most recently active first, each described by its folder.
    assert.deepEqual(await list.locator(".mention-option .mention-name").allTextContents(), ["workspace", "stats.py", "fibonacci.ts"]);
    assert.equal(await list.locator(".mention-option", { hasText: "fibonacci.ts" }).locator(".mention-description").textContent(), "src");
    await input.pressSequentially("fib");
    await list.locator(".mention-option", { hasText: "stats.py" }).waitFor({ state: "detached" });
    await input.press("Enter");
    await chat.locator(".composer .chip", { hasText: "src/fibonacci.ts" }).waitFor();
    await input.pressSequentially("do?");
    assert.equal(tgi.prompts.length, 0, "picking must not send");
    await input.press("Enter");
    await chat.locator("article.turn.assistant", { hasText: ANSWER }).waitFor({ timeout: 60_000 });

    assert.equal(tgi.prompts.length, 1);
    const prompt = tgi.prompts[0] ?? "";
    const fib = fs.readFileSync(path.join(workspaceFolder, "src", "fibonacci.ts"), "utf8");
    const stats = fs.readFileSync(path.join(workspaceFolder, "src", "stats.py"), "utf8");
    assert.ok(prompt.includes("What does @fibonacci.ts do?"), prompt.slice(0, 2000));
    for (const line of fib.split("\n").filter((l) => l.trim() !== ""))
      assert.ok(prompt.includes(line), `the prompt lacks ${JSON.stringify(line)}`);
    for (const line of ["def mean(values):", "def median(values):"])
      assert.ok(stats.includes(line) && !prompt.includes(line), `the prompt holds the unpicked file's ${JSON.stringify(line)}`);
    // The sent message shows the file as an attachment chip, as the attach-file button would.
    await chat.locator("article.turn.user", { hasText: "src/fibonacci.ts" }).first().waitFor();
    await wb.screenshot("chat-mention-workbench");
  });
});
