// The chat view as a user meets it: the extension installed from the VSIX into code-server,
// driven in Chromium, against a scripted TGI server on 127.0.0.1 (deterministic markdown: a code
// block to insert and the hostile corpus, with the "attacker" server counting requests). The tiny
// model suite is workbenchChatModel.test.ts.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chatFrame, openChat, sendMessage } from "./chatHelpers";

// Callbacks passed to frame.evaluate run in the page (this Node project has no DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */
import { hostileCorpus } from "./chatHostileCorpus";
import { openWorkbench, vsixForTests, type Workbench } from "./workbench";

async function scriptedTgi(answer: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/info") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ model_id: "scripted-tgi", max_total_tokens: 32768, max_input_tokens: 30000 }));
      return;
    }
    if (req.method === "POST" && req.url === "/generate_stream") {
      req.resume();
      req.on("end", async () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const pieces = answer.match(/[\s\S]{1,40}/g) ?? [];
        for (const [i, text] of pieces.entries()) {
          const last = i === pieces.length - 1;
          const ev = {
            token: { id: i, text, special: false },
            generated_text: last ? answer : null,
            details: last ? { finish_reason: "eos_token", generated_tokens: pieces.length } : null,
          };
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
    if (this.currentTest?.state === "failed" && wb)
      await wb.screenshot(`failed-chat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
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
    assert.equal(
      await frame.evaluate(() => (window as { __pwned?: string }).__pwned ?? (window.top as { __pwned?: string }).__pwned),
      undefined,
    );
    assert.deepEqual(attackerHits, []);
    assert.equal(
      await frame.locator("#transcript script, #transcript img, #transcript iframe, #transcript svg, #transcript style").count(),
      0,
    );
    await wb.screenshot("chat-workbench-light");
  });

  it("inserts a code block into the editor, as one edit that undo takes back", async () => {
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
    const inserted = page.locator(".monaco-editor .view-lines", { hasText: "return sum(xs) / len(xs)" });
    await inserted.first().waitFor({ timeout: 15_000 });
    // A normal edit: one undo takes the whole block back (the fixture has `def mean(values):`).
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+Z");
    await inserted.first().waitFor({ state: "detached", timeout: 15_000 });
    assert.equal(await page.locator(".monaco-editor .view-lines", { hasText: "def mean(xs):" }).count(), 0);
    assert.equal(await page.locator(".monaco-editor .view-lines", { hasText: "def mean(values):" }).count(), 1);
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
