// `@`-mentions in the real chat bundle (webview/main.ts, built now) in Chromium, under the
// extension's shell and CSP. A stand-in for VS Code's webview API records what the page posts and
// plays the host's part for `listOpenFiles` (a substring match over a fixed list of tabs); the
// host's own listing and reading are covered in code-server by chatMention.test.ts.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Locator, Page } from "playwright-core";
import type { HostToWebview, OpenFileItem } from "../../src/shared/protocol";
import { openStandaloneWebview, repo, type StandaloneWebview } from "./webviewHarness";

// The callbacks passed to page.evaluate run in the page (this project compiles without the DOM).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, sessionStorage: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

type Sent = { type: string; [k: string]: unknown };

const item = (p: string, lineCount: number): OpenFileItem => {
  const i = p.lastIndexOf("/");
  return {
    id: `file:///w/${p}`,
    name: p.slice(i + 1),
    description: i < 0 ? "" : p.slice(0, i),
    path: p,
    languageId: "plaintext",
    lineCount,
  };
};
const TABS = [item("src/fibonacci.ts", 8), item("src/stats.py", 12), item("docs/statistics.md", 30)];

describe("chat webview: @-mentions of open files", function () {
  this.timeout(120_000);
  let view: StandaloneWebview;
  let url: string;
  let page: Page;

  before(async () => {
    view = await openStandaloneWebview({ viewport: { width: 480, height: 800 } });
    ({ url, page } = view);
    await page.addInitScript(() => {
      const w = window as {
        __sent: unknown[];
        __tabs: { path: string }[];
        __delay: number;
        acquireVsCodeApi: () => unknown;
        postMessage: (m: unknown, o: string) => void;
      };
      w.__sent = [];
      w.__tabs = [];
      w.__delay = 10;
      w.acquireVsCodeApi = () => ({
        postMessage: (m: { type: string; query?: string }) => {
          w.__sent.push(JSON.parse(JSON.stringify(m)));
          if (m.type === "listOpenFiles") {
            const q = (m.query ?? "").toLowerCase();
            const items = w.__tabs.filter((t) => t.path.toLowerCase().includes(q));
            // Asynchronously, as the real host answers.
            setTimeout(() => w.postMessage({ type: "openFiles", query: m.query, items }, "*"), w.__delay);
          }
        },
        getState: () => JSON.parse(sessionStorage.getItem("vscodeState") ?? "null") ?? undefined,
        setState: (s: unknown) => sessionStorage.setItem("vscodeState", JSON.stringify(s)),
      });
    });
  });

  after(async () => {
    await view?.close();
  });

  let input: Locator;
  let list: Locator;

  async function open(tabs: OpenFileItem[] = TABS): Promise<void> {
    await page.goto(`${url}/index.html`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.waitForFunction(() => window.__sent.some((m: Sent) => m.type === "ready"));
    await page.evaluate((t) => (window.__tabs = t), tabs);
    input = page.locator("#prompt-input");
    list = page.locator("#mention-list");
    await input.click();
  }

  const host = (m: HostToWebview) => page.evaluate((msg) => window.postMessage(msg, "*"), m);
  const sent = async (): Promise<Sent[]> => ((await page.evaluate(() => window.__sent)) as Sent[]).filter((m) => m.type !== "draft");
  const clearSent = () => page.evaluate(() => (window.__sent.length = 0));
  const value = () => input.evaluate((e) => (e as { value: string }).value);
  const optionNames = () => list.locator("[role=option] .mention-name").allTextContents();
  const selected = () => list.locator('[role=option][aria-selected="true"] .mention-name').allTextContents();

  it("opens on @ with the open files, filters as the user types, and is an accessible listbox", async () => {
    await open();
    await clearSent();
    await page.keyboard.type("Explain @");
    await list.locator("[role=option]", { hasText: "fibonacci.ts" }).waitFor();
    assert.deepEqual(await optionNames(), ["fibonacci.ts", "stats.py", "statistics.md"]);
    assert.equal(await list.getAttribute("role"), "listbox");
    assert.equal(await list.locator("[role=option]", { hasText: "stats.py" }).locator(".mention-description").textContent(), "src");
    assert.equal(await input.getAttribute("aria-expanded"), "true");
    assert.equal(await input.getAttribute("aria-controls"), "mention-list");
    const active = await input.getAttribute("aria-activedescendant");
    assert.equal(await list.locator(`#${active}`).getAttribute("aria-selected"), "true");
    assert.deepEqual(await selected(), ["fibonacci.ts"]);
    assert.deepEqual(await sent(), [{ type: "listOpenFiles", query: "" }], "no file contents asked for, only the list");

    await page.keyboard.type("STAT");
    await page.waitForFunction(() => document.querySelectorAll("#mention-list .mention-option").length === 2);
    assert.deepEqual(await optionNames(), ["stats.py", "statistics.md"]);
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await selected(), ["statistics.md"]);
    assert.equal(await list.locator(`#${await input.getAttribute("aria-activedescendant")}`).textContent(), "statistics.mddocs30 lines");
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await selected(), ["stats.py"], "Down wraps around");
    await page.keyboard.press("ArrowUp");
    assert.deepEqual(await selected(), ["statistics.md"]);
    const shot = path.join(repo, "test-results", "chat-mention-list.png");
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
  });

  it("Enter picks (and does not send): @name in the text and a file chip without contents", async () => {
    await open();
    await page.keyboard.type("Explain @sta");
    await list.locator(".mention-option", { hasText: "statistics.md" }).waitFor();
    await page.keyboard.press("ArrowDown");
    await clearSent();
    await page.keyboard.press("Enter");
    assert.ok(!(await sent()).some((m) => m.type === "send"), "Enter with the list open must not send");
    assert.equal(await value(), "Explain @statistics.md ");
    await page.locator(".composer .chip", { hasText: "docs/statistics.md:1-30" }).waitFor();
    assert.ok(await list.isHidden());
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.equal(await input.getAttribute("aria-activedescendant"), null);
    // Typing continues where the mention ended.
    await page.keyboard.type("please");
    assert.equal(await value(), "Explain @statistics.md please");

    // The same file again (Tab picks too) adds no second chip.
    await page.keyboard.type(" and @statis");
    await list.locator(".mention-option", { hasText: "statistics.md" }).waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await value(), "Explain @statistics.md please and @statistics.md ");
    assert.equal(await page.locator(".composer .chip").count(), 1);

    await clearSent();
    await page.keyboard.press("Enter");
    assert.deepEqual(await sent(), [
      {
        type: "send",
        text: "Explain @statistics.md please and @statistics.md ",
        attachments: [
          {
            fileName: "docs/statistics.md",
            languageId: "plaintext",
            startLine: 1,
            endLine: 30,
            code: "",
            mention: "file:///w/docs/statistics.md",
          },
        ],
      },
    ]);
  });

  it("Enter typed faster than the host answers picks what the user sees, never sends", async () => {
    await open();
    await page.evaluate(() => (window.__delay = 400));
    // Nothing listed yet: Enter waits for the answer and picks its first item.
    await page.keyboard.type("@");
    await page.keyboard.press("Enter");
    await page.locator(".composer .chip", { hasText: "src/fibonacci.ts:1-8" }).waitFor();
    assert.equal(await value(), "@fibonacci.ts ");
    // A listed answer is narrowed at once while the next one is on its way.
    await page.keyboard.type("@");
    await list.locator(".mention-option", { hasText: "stats.py" }).waitFor();
    await page.keyboard.type("stats");
    await page.keyboard.press("Enter");
    assert.equal(await value(), "@fibonacci.ts @stats.py ");
    await page.locator(".composer .chip", { hasText: "src/stats.py:1-12" }).waitFor();
    assert.ok(!(await sent()).some((m) => m.type === "send"));
  });

  it("a click picks; the chip can be removed and the text stays", async () => {
    await open();
    await page.keyboard.type("@");
    await list.locator(".mention-option", { hasText: "stats.py" }).click();
    assert.equal(await value(), "@stats.py ");
    const chip = page.locator(".composer .chip", { hasText: "src/stats.py:1-12" });
    await chip.waitFor();
    await chip.locator(".chip-remove").click();
    assert.equal(await page.locator(".composer .chip").count(), 0);
    assert.equal(await value(), "@stats.py ");
  });

  it("the @workspace entry writes @workspace into the message and attaches nothing", async () => {
    const workspace: OpenFileItem = {
      id: "@workspace",
      kind: "workspace",
      name: "workspace",
      description: "search this workspace's code for the question",
      path: "@workspace",
      languageId: "plaintext",
      lineCount: 0,
    };
    await open([workspace, ...TABS]);
    await page.keyboard.type("@wor");
    await list.locator(".mention-option", { hasText: "workspace" }).waitFor();
    await page.keyboard.press("Enter");
    assert.equal(await value(), "@workspace ");
    await page.keyboard.type("where is the median computed?");
    await page.keyboard.press("Enter");
    assert.deepEqual(
      (await sent()).filter((m) => m.type === "send"),
      [{ type: "send", text: "@workspace where is the median computed?", attachments: [] }],
    );
  });

  it("Escape closes only the list: no stop, the text and chips stay", async () => {
    await open();
    await host({
      type: "transcript",
      conversationId: "c",
      generating: true,
      turns: [
        { id: "u", role: "user", content: "q" },
        { id: "a", role: "assistant", content: "", streaming: true },
      ],
    });
    await host({ type: "attachment", attachment: { fileName: "src/a.ts", languageId: "typescript", startLine: 1, endLine: 2, code: "x" } });
    await input.click();
    await page.keyboard.type("look at @fib");
    await list.locator(".mention-option", { hasText: "fibonacci.ts" }).waitFor();
    await clearSent();
    await page.keyboard.press("Escape");
    assert.ok(await list.isHidden());
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.deepEqual(await sent(), [], "Escape on the list must not stop the answer");
    assert.equal(await value(), "look at @fib");
    assert.equal(await page.locator(".composer .chip").count(), 1);
    // With the list closed, Escape stops as usual.
    await page.keyboard.press("Escape");
    assert.deepEqual(await sent(), [{ type: "stop" }]);
  });

  it("says how long each file is, never '0 lines': lines when known, else its size, else nothing", async () => {
    // A tab restored at startup without a loaded document: the host counts a small file's lines
    // from disk and gives a large one's size (lineCount 0 = not counted).
    const big = { ...item("logs/big.log", 0), sizeBytes: 600_100 };
    const remote = item("remote/unknown.txt", 0);
    await open([item("src/one.ts", 1), item("src/many.ts", 12_345), big, remote]);
    await page.keyboard.type("@");
    await list.locator(".mention-option", { hasText: "unknown.txt" }).waitFor();
    const details = await list
      .locator("[role=option]")
      .evaluateAll((els) =>
        els.map((e) => `${e.querySelector(".mention-name")?.textContent}=${e.querySelector(".mention-detail")?.textContent}`),
      );
    assert.deepEqual(details, ["one.ts=1 line", "many.ts=12,345 lines", "big.log=586 KB", "unknown.txt="]);
    assert.ok(!((await list.textContent()) ?? "").includes("0 lines"));
  });

  it("says 'No open files' when there are none (nothing to pick; Enter only closes the list)", async () => {
    await open([]);
    await page.keyboard.type("@");
    const note = list.locator(".mention-note", { hasText: "No open files" });
    await note.waitFor();
    assert.equal(await note.getAttribute("aria-disabled"), "true");
    assert.equal(await list.locator(".mention-option").count(), 0);
    assert.equal(await input.getAttribute("aria-activedescendant"), null);
    await clearSent();
    await page.keyboard.press("Enter");
    assert.ok(await list.isHidden());
    assert.deepEqual(await sent(), []);
    assert.equal(await value(), "@");
  });

  it("an @ inside a word (an e-mail address) opens nothing", async () => {
    await open();
    await page.keyboard.type("mail me@example.com");
    await page.waitForTimeout(100);
    assert.ok(await list.isHidden());
    assert.ok(!(await sent()).some((m) => m.type === "listOpenFiles"));
  });
});
