// Shared steps of the browser tests of the chat view in code-server.
import type { Frame, FrameLocator, Page } from "playwright-core";

// Callbacks passed to frame.evaluate run in the page (this Node project has no DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, MutationObserver: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

export async function openChat(page: Page): Promise<FrameLocator> {
  const item = page.locator('.part.activitybar .action-item a[aria-label^="Mixtral"]').first();
  await item.waitFor({ state: "visible", timeout: 60_000 });
  const chat = page.frameLocator("iframe.webview.ready").first().frameLocator("#active-frame");
  const input = chat.locator("#prompt-input");
  // Clicking the item of the container already shown would hide it: click only when it is not.
  // VS Code 1.100 marks the shown container's item with the "checked" class (and aria-pressed);
  // right after a reload the workbench may still be restoring the view, so look again each round.
  const li = page.locator(".part.activitybar .action-item", { has: page.locator('a[aria-label^="Mixtral"]') }).first();
  const shown = async () =>
    ((await li.getAttribute("class")) ?? "").split(/\s+/).includes("checked") ||
    (await item.getAttribute("aria-pressed")) === "true" ||
    (await item.getAttribute("aria-expanded")) === "true";
  for (let round = 0; round < 3; round++) {
    if (await input.isVisible().catch(() => false)) return chat;
    if (!(await shown())) await item.click();
    try {
      await input.waitFor({ state: "visible", timeout: 20_000 });
      return chat;
    } catch {
      // Not there yet: the next round looks at the container's state again.
    }
  }
  await input.waitFor({ state: "visible", timeout: 20_000 });
  return chat;
}

export async function chatFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    for (const f of page.frames()) {
      if (
        await f
          .locator("#transcript")
          .count()
          .catch(() => 0)
      )
        return f;
    }
    await page.waitForTimeout(100);
  }
  throw new Error("the chat view's frame was not found");
}

export async function sendMessage(chat: FrameLocator, text: string): Promise<void> {
  const input = chat.locator("#prompt-input");
  await input.click();
  await input.pressSequentially(text);
  await input.press("Enter");
}

/** Where a chat UI keeps its answers: our webview by default; VS Code's own chat passes its own. */
export interface AnswerSelectors {
  /** Every answer's text element; the last one is the streaming answer. */
  answers: string;
  /** An element that holds them all (what the observer watches). */
  root: string;
}

/** Lengths of the streaming answer's text at each DOM change, recorded inside the page or view
 *  (read them back with readLengths). */
export async function watchLengths(
  target: Page | Frame,
  where: AnswerSelectors = { answers: "article.turn.assistant .body", root: "#transcript" },
): Promise<void> {
  await target.evaluate(({ answers, root }) => {
    const w = window as { __lengths: number[] };
    w.__lengths = [];
    new MutationObserver(() => {
      const all = document.querySelectorAll(answers);
      const last = all[all.length - 1];
      if (last) w.__lengths.push(last.textContent.length);
    }).observe(document.querySelector(root)!, { childList: true, subtree: true, characterData: true });
  }, where);
}

/** What watchLengths recorded so far. */
export async function readLengths(target: Page | Frame): Promise<number[]> {
  return (await target.evaluate(() => (window as { __lengths?: number[] }).__lengths ?? [])) as number[];
}
