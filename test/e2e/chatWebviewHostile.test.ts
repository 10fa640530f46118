// The real chat bundle in Chromium (chatWebviewPage.ts) fed hostile model output, streamed and
// replayed: it must render inert — a local "attacker" server must see zero requests, with and
// without the CSP, no script runs, and clicking its links posts nothing.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import type { Turn } from "../../src/shared/protocol";
import { hostileCorpus } from "./chatHostileCorpus";
import { chatWebviewPage, turn } from "./chatWebviewPage";

// The callbacks passed to page.evaluate run in the page, where these exist (this Node project
// compiles without the DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

interface Server {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Server> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

describe("chat webview in Chromium: hostile model output", function () {
  this.timeout(120_000);
  let omitCsp = false;
  const chat = chatWebviewPage({ omitCsp: () => omitCsp });
  const { open, send, sent, frame } = chat;
  let page: Page;
  let attacker: Server;

  before(async () => {
    page = chat.page;
    attacker = await serve((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end());
  });

  after(async () => {
    await attacker?.close();
  });

  for (const csp of [true, false]) {
    it(`renders the hostile-markdown corpus inert ${csp ? "under the CSP" : "with sanitizing alone (no CSP)"}`, async () => {
      omitCsp = !csp;
      try {
        await open();
        attacker.requests.length = 0;
        const pageRequests: string[] = [];
        page.on("request", (r) => pageRequests.push(r.url()));
        const corpus = hostileCorpus(attacker.url);
        // First as streamed chunks (the live path), then as a restored transcript (the replay path).
        const turns: Turn[] = [];
        for (const [i, c] of corpus.entries()) {
          turns.push(turn(`u${i}`, "user", c.name), turn(`a${i}`, "assistant", c.markdown));
        }
        await send({
          type: "transcript",
          conversationId: "h",
          generating: true,
          turns: [turn("u", "user", "go"), turn("s", "assistant", "", { streaming: true })],
        });
        for (const c of corpus.filter((x) => x.markdown.length < 100_000)) {
          await send({ type: "chunk", requestId: "s", text: `${c.markdown}\n\n` });
          await frame();
        }
        await send({ type: "transcript", conversationId: "h", generating: false, turns });
        await page.waitForFunction(() => !document.getElementById("transcript").hasAttribute("aria-busy"));
        await frame();
        // Click every inert link too: nothing may happen.
        for (const a of await page.locator("a.inert-link").all()) await a.click({ force: true }).catch(() => undefined);
        await page.waitForTimeout(500);
        const pwned = await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned);
        assert.equal(pwned, undefined, `script ran: ${pwned}`);
        assert.deepEqual(attacker.requests, [], "the attacker server was contacted");
        const foreign = pageRequests.filter((u) => !u.startsWith(chat.view.url));
        assert.deepEqual(foreign, []);
        const dangerous = await page.evaluate(() => {
          const root = document.getElementById("transcript")!;
          const bad = root.querySelectorAll(
            "script, img, iframe, svg, math, style, link, meta, base, object, embed, video, audio, form, details",
          );
          const attrs = [...root.querySelectorAll("*")]
            .flatMap((e) => [...e.attributes].map((a) => a.name))
            .filter((n) => n.startsWith("on") || n === "href" || n === "src" || n === "style" || n === "srcdoc");
          return { tags: [...bad].map((e) => e.tagName), attrs };
        });
        assert.deepEqual(dangerous, { tags: [], attrs: [] });
        const sentTypes = (await sent()).map((m) => m.type).filter((t) => t !== "ready");
        assert.deepEqual(sentTypes, [], "clicking inert links posted messages");
        // The content is still visible as text.
        assert.ok(((await page.locator("#transcript").textContent()) ?? "").includes("[image: tracking pixel]"));
        page.removeAllListeners("request");
      } finally {
        omitCsp = false;
      }
    });
  }
});
