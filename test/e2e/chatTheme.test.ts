// The chat bundle (webview/main.ts, built now) in Chromium under the extension's shell and CSP,
// painted with the colour variables VS Code sets for its default light, dark and dark
// high-contrast themes (values from VS Code 1.100's colour registry; in high contrast VS Code
// leaves button backgrounds unset and outlines controls with contrastBorder). Checks, computed
// in the page: every text on screen against its real (composited) background reaches 4.5:1,
// focus is visible in the theme's focusBorder, and in high contrast controls and code blocks
// carry the contrast borders. Screenshots: test-results/chat-{light,dark,high-contrast}.png.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import type { HostToWebview, Turn } from "../../src/shared/protocol";
import { openStandaloneWebview, resultsDir, THEMES, type StandaloneWebview, type ThemeName } from "./webviewHarness";

// The callbacks passed to page.evaluate run in the page (this project compiles without the DOM
// library, so page objects are `any` in this file).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, getComputedStyle: any, requestAnimationFrame: any;

const turn = (id: string, role: "user" | "assistant", content: string, extra: Partial<Turn> = {}): Turn => ({
  id,
  role,
  content,
  ...extra,
});
const SCENE: HostToWebview = {
  type: "transcript",
  conversationId: "theme",
  generating: false,
  turns: [
    turn("u1", "user", "/explain", {
      displayText: "/explain",
      attachments: [{ fileName: "src/fibonacci.ts", languageId: "typescript", startLine: 1, endLine: 8, code: "" }],
    }),
    turn(
      "a1",
      "assistant",
      'This computes **Fibonacci** numbers iteratively:\n\n```ts\n// iterative, O(n)\nexport function fib(n: number): number {\n  let [a, b] = [0, 1];\n  for (let i = 0; i < n; i++) [a, b] = [b, a + b];\n  return a + "".length * 42;\n}\n```\n\n- it keeps two numbers\n- see [the docs](https://example.com)',
      { stats: { ttftMs: 140, tokensPerSecond: 153.2, generatedTokens: 96 } },
    ),
    turn("u2", "user", "Make it recursive"),
    turn("a2", "assistant", "Sure — a recursive version", { incomplete: true, incompleteReason: "stopped" }),
  ],
};

/** What each probe's text colour reaches against its composited background, worst case per selector. */
interface Contrast {
  selector: string;
  ratio: number;
  fg: string;
  bg: string;
}

describe("chat webview themes in Chromium (light, dark, high contrast)", function () {
  this.timeout(120_000);
  let view: StandaloneWebview;
  let url: string;
  let page: Page;

  before(async () => {
    view = await openStandaloneWebview({ viewport: { width: 480, height: 760 } });
    ({ url, page } = view);
    await page.addInitScript(() => {
      window.__sent = [];
      window.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => window.__sent.push(m),
        getState: () => undefined,
        setState: () => undefined,
      });
    });
  });

  after(async () => {
    await view?.close();
  });

  async function render(theme: ThemeName): Promise<void> {
    await page.goto(`${url}/index.html`);
    await page.waitForFunction(() => window.__sent.some((m: { type: string }) => m.type === "ready"));
    // As VS Code does: variables on <html>'s style, the theme kind as a class on <body>.
    const { vars, bodyClass } = THEMES[theme];
    // VS Code derives the settings-editor input colours (which vscode-textarea uses) from input.*.
    const derived = {
      "--vscode-settings-textInputBackground": vars["--vscode-input-background"],
      "--vscode-settings-textInputForeground": vars["--vscode-foreground"],
      "--vscode-settings-textInputBorder": vars["--vscode-input-border"],
    };
    await page.evaluate(
      ({ vars, bodyClass }) => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
        document.body.classList.add(bodyClass);
      },
      { vars: { ...vars, ...derived }, bodyClass },
    );
    const send = (m: HostToWebview) => page.evaluate((msg) => window.postMessage(msg, "*"), m);
    await send({
      type: "header",
      header: { state: "ready", engine: "local", model: "Mixtral-8x7B-Instruct", quantization: "Q4_K_M", backend: "cuda" },
    });
    await send(SCENE);
    await page.locator("article.turn.assistant .code-block").waitFor();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }

  /** WCAG contrast of every visible text probe against the colours actually composited under it
   *  (backgrounds with alpha and opacity walked up through shadow roots to the page). */
  const contrasts = (): Promise<Contrast[]> =>
    page.evaluate(() => {
      type RGBA = [number, number, number, number];
      const parse = (c: string): RGBA => {
        const n = (/rgba?\(([^)]*)\)/.exec(c)?.[1] ?? "0,0,0,0")
          .split(/[\s,/]+/)
          .filter(Boolean)
          .map(Number);
        return [n[0], n[1], n[2], n[3] ?? 1];
      };
      const over = (top: RGBA, under: RGBA): RGBA => {
        const a = top[3] + under[3] * (1 - top[3]);
        if (a === 0) return [0, 0, 0, 0];
        return [0, 1, 2].map((i) => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a).concat(a) as RGBA;
      };
      const up = (e: any): any => e.parentElement ?? (e.getRootNode() as { host?: unknown }).host ?? null;
      const background = (el: any): RGBA => {
        const layers: RGBA[] = [];
        for (let e = el; e; e = up(e)) {
          const cs = getComputedStyle(e);
          const bg = parse(cs.backgroundColor);
          if (bg[3] > 0) layers.push(bg);
          if (bg[3] >= 1) break;
        }
        // The canvas under everything is white in a page without a background of its own.
        return layers.reverse().reduce<RGBA>((acc, l) => over(l, acc), [255, 255, 255, 1]);
      };
      const opacity = (el: any): number => {
        let o = 1;
        for (let e = el; e; e = up(e)) o *= Number(getComputedStyle(e).opacity);
        return o;
      };
      const lum = (c: RGBA): number => {
        const ch = c.slice(0, 3).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
      };
      const probes: [string, any[]][] = [
        "article.turn.assistant .body p",
        "article.turn.assistant .body li",
        ".user-text",
        ".turn .who",
        ".stats",
        ".incomplete",
        "a.md-link",
        ".code-lang",
        "#model-label",
        ".turn .chip",
        "pre code",
        "pre code .hljs-keyword",
        "pre code .hljs-string",
        "pre code .hljs-number",
        "pre code .hljs-comment",
        "pre code .hljs-title",
      ].map((s) => [s, [...document.querySelectorAll(s)]]);
      // Button labels live in the elements' shadow roots.
      probes.push([
        "vscode-button .base",
        [...document.querySelectorAll("vscode-button")].map((b: any) => b.shadowRoot?.querySelector(".base")).filter(Boolean),
      ]);
      const out: { selector: string; ratio: number; fg: string; bg: string }[] = [];
      for (const [selector, els] of probes) {
        let worst: { selector: string; ratio: number; fg: string; bg: string } | undefined;
        for (const el of els) {
          // A button's label is slotted: its text is the host's, its colour the shadow part's.
          const text = (el.getRootNode() as { host?: any }).host?.textContent ?? el.textContent ?? "";
          if (!el.getClientRects().length || !text.trim()) continue;
          const bg = background(el);
          const fg0 = parse(getComputedStyle(el).color);
          const fg = over([fg0[0], fg0[1], fg0[2], fg0[3] * opacity(el)], bg);
          const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
          const ratio = (l1 + 0.05) / (l2 + 0.05);
          if (!worst || ratio < worst.ratio)
            worst = { selector, ratio, fg: fg.map(Math.round).join(","), bg: bg.map(Math.round).join(",") };
        }
        if (worst) out.push(worst);
      }
      return out;
    });

  const baseStyle = (selector: string, nth = 0) =>
    page.evaluate(
      ([sel, i]) => {
        const cs = getComputedStyle(document.querySelectorAll(sel)[i].shadowRoot.querySelector(".base"));
        return {
          borderColor: cs.borderTopColor,
          borderWidth: cs.borderTopWidth,
          background: cs.backgroundColor,
          outlineStyle: cs.outlineStyle,
          outlineColor: cs.outlineColor,
        };
      },
      [selector, nth] as const,
    );
  const style = (selector: string, props: string[]) =>
    page.evaluate(
      ([sel, ps]) => {
        const cs = getComputedStyle(document.querySelector(sel));
        return Object.fromEntries(ps.map((p: string) => [p, cs.getPropertyValue(p)]));
      },
      [selector, props] as const,
    );

  for (const theme of ["light", "dark", "high-contrast"] as const) {
    it(`${theme}: every text reaches 4.5:1 on its background, focus is visible, screenshot`, async () => {
      await render(theme);
      const vars = THEMES[theme].vars;
      const results = await contrasts();
      // The probes that must be on screen in this scene (others, e.g. token kinds, may vary).
      for (const s of [
        "article.turn.assistant .body p",
        ".user-text",
        ".stats",
        "a.md-link",
        "pre code",
        "vscode-button .base",
        ".turn .chip",
        ".incomplete",
      ]) {
        assert.ok(
          results.some((r) => r.selector === s),
          `${s} not found on screen`,
        );
      }
      const low = results.filter((r) => r.ratio < 4.5);
      assert.deepEqual(
        low,
        [],
        `below 4.5:1 in ${theme}: ${low.map((r) => `${r.selector} ${r.ratio.toFixed(2)} (${r.fg} on ${r.bg})`).join("; ")}`,
      );
      // The view's own background is the theme's, not a colour of ours.
      assert.equal((await style("body", ["background-color"]))["background-color"], hexToRgb(vars["--vscode-sideBar-background"]));
      // Keyboard focus on a code-block action shows the theme's focus colour.
      await page.locator(".code-block vscode-button").first().focus();
      const focused = await baseStyle(".code-block vscode-button");
      assert.notEqual(focused.outlineStyle, "none");
      assert.equal(focused.outlineColor, hexToRgb(vars["--vscode-focusBorder"]));
      await page.locator("a.md-link").first().focus();
      const link = await style("a.md-link", ["outline-style", "outline-color"]);
      assert.notEqual(link["outline-style"], "none");
      assert.equal(link["outline-color"], hexToRgb(vars["--vscode-focusBorder"]));
      await page.evaluate(() => document.activeElement?.blur());
      const file = path.join(resultsDir, `chat-${theme}.png`);
      await page.screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 5_000);
    });
  }

  it("high contrast: controls, chips and code blocks are outlined with contrastBorder, not filled", async () => {
    await render("high-contrast");
    const border = hexToRgb(THEMES["high-contrast"].vars["--vscode-contrastBorder"]);
    for (const sel of [".code-block vscode-button", "article.turn.assistant .turn-actions vscode-button"]) {
      const b = await baseStyle(sel);
      assert.equal(b.borderColor, border, `${sel} border`);
      assert.equal(b.borderWidth, "1px");
      // VS Code sets no button fill in high contrast; the elements' blue/grey fallbacks must not show.
      assert.equal(b.background, "rgba(0, 0, 0, 0)", `${sel} background`);
    }
    for (const sel of [".code-block", ".turn .chip", "article.turn.user .body"]) {
      const s = await style(sel, ["border-top-color", "border-top-style", "border-top-width"]);
      assert.deepEqual(s, { "border-top-color": border, "border-top-style": "solid", "border-top-width": "1px" }, sel);
    }
    assert.equal((await style(".code-actions", ["border-bottom-color"]))["border-bottom-color"], border);
    // Hover: the workbench's dashed contrastActiveBorder.
    await page.locator(".code-block vscode-button").first().hover();
    const hover = await style(".code-block vscode-button:hover", ["outline-style", "outline-color"]);
    assert.deepEqual(hover, {
      "outline-style": "dashed",
      "outline-color": hexToRgb(THEMES["high-contrast"].vars["--vscode-contrastActiveBorder"]),
    });
  });
});

function hexToRgb(hex: string): string {
  const n = hex.replace("#", "");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(n.slice(i, i + 2), 16));
  const a = n.length === 8 ? parseInt(n.slice(6, 8), 16) / 255 : 1;
  return a === 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${Number(a.toFixed(3))})`;
}
