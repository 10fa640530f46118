// Model output → safe DOM. Layers, each enough on its own for its threat:
//  1. markdown-it with `html: false`: raw HTML from the model is shown as text, never parsed.
//  2. Images are rendered as a text label plus (for http/https) a host-routed link: no <img>,
//     nothing is ever fetched.
//  3. Links carry no `href` (an <a> without href is inert); the URL sits in data-href and a click
//     asks the host, which shows the real URL before opening it. Unsafe schemes get no data-href.
//     A `path:line` reference gets data-file/data-line instead (fileLinks.ts): the host opens only
//     a file inside the workspace's folders.
//  4. DOMPurify with a tag/attribute allow-list over the result, as defence in depth.
//  5. The CSP (default-src 'none', no remote img-src) blocks anything that slipped through.
import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/common";
import MarkdownIt from "markdown-it";
import { safeLinkTarget } from "../src/shared/protocol";
import { fileLinks } from "./fileLinks";

/** Above this many characters a message is shown as plain text: markdown-it and highlight.js on
 *  multi-megabyte single lines would freeze the view for seconds. */
export const MAX_MARKDOWN_CHARS = 200_000;
/** Code blocks larger than this are not highlighted. */
const MAX_HIGHLIGHT_CHARS = 50_000;

const md = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: false,
  // The default is 100; deep nests still render, just flattened past this depth.
  maxNesting: 50,
  highlight(code, lang) {
    const language = normalizeLang(lang);
    if (code.length > MAX_HIGHLIGHT_CHARS) return "";
    try {
      if (language && hljs.getLanguage(language)) return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    } catch {
      // Highlighting is cosmetic: fall back to plain, escaped code.
    }
    return "";
  },
});

// Every link gets through parsing so we can show it inert (markdown-it would otherwise leave a
// `javascript:` link as literal text, which is also fine but hides that it was a link).
md.validateLink = () => true;

md.use(fileLinks);

md.renderer.rules.link_open = (tokens, idx) => {
  const file = String(tokens[idx].attrGet("data-file") ?? "");
  const line = String(tokens[idx].attrGet("data-line") ?? "");
  if (file && line) {
    const label = md.utils.escapeHtml(`Open ${file} at line ${line}`);
    return `<a class="md-link file-link" data-file="${md.utils.escapeHtml(file)}" data-line="${md.utils.escapeHtml(line)}" title="${label}">`;
  }
  const href = String(tokens[idx].attrGet("href") ?? "");
  const safe = safeLinkTarget(href);
  const title = md.utils.escapeHtml(href.slice(0, 2000));
  if (!safe) return `<a class="md-link inert-link" title="Blocked link: ${title}">`;
  return `<a class="md-link" data-href="${md.utils.escapeHtml(safe)}" title="${md.utils.escapeHtml(safe)}">`;
};

md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx];
  const src = String(token.attrGet("src") ?? "");
  const alt = md.utils.escapeHtml(token.content || "image");
  const safe = safeLinkTarget(src);
  const label = `<span class="md-image" title="Images from the model are not loaded">[image: ${alt}]</span>`;
  if (!safe) return label;
  return `${label} <a class="md-link" data-href="${md.utils.escapeHtml(safe)}" title="${md.utils.escapeHtml(safe)}">${md.utils.escapeHtml(truncate(safe, 80))}</a>`;
};

const PURIFY_CONFIG = {
  ALLOWED_TAGS: [
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "span",
    "div",
  ],
  ALLOWED_ATTR: ["class", "title", "data-href", "data-file", "data-line", "start"],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  RETURN_DOM_FRAGMENT: true as const,
};

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    // data-href must be an allowed absolute URL; anything else is removed.
    if (node instanceof Element && node.hasAttribute("data-href")) {
      const safe = safeLinkTarget(node.getAttribute("data-href") ?? "");
      if (safe) node.setAttribute("data-href", safe);
      else node.removeAttribute("data-href");
    }
  });
}

/** Renders markdown to a sanitized fragment ready to append. */
export function renderMarkdown(source: string): DocumentFragment {
  installHooks();
  if (source.length > MAX_MARKDOWN_CHARS) {
    const frag = document.createDocumentFragment();
    const pre = document.createElement("div");
    pre.className = "plain-text";
    pre.textContent = source;
    frag.append(pre);
    return frag;
  }
  const html = md.render(source);
  return DOMPurify.sanitize(html, PURIFY_CONFIG);
}

export function normalizeLang(info: string): string {
  const lang = (info.trim().split(/\s+/, 1)[0] ?? "").toLowerCase();
  return /^[a-z0-9_+#.-]{1,32}$/.test(lang) ? lang : "";
}

/** Where the already-streamed text can be cut into a part that will not change any more:
 *  after the last blank line that is outside a code fence. Rendering the stable prefix once and
 *  only the tail per frame keeps the cost per token independent of the answer's length. */
export function stableBoundary(text: string, maxTail = 2000): number {
  let inFence = false;
  let fenceChar = "";
  let fenceLen = 0;
  let boundary = 0;
  // A long paragraph without blank lines (typical of small or confused models) would make the
  // tail, and so each frame's work, grow without bound: past maxTail, cut at a line end instead
  // (a paragraph may render split until the final whole render on `done`).
  let lineEnd = 0;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    if (nl < 0) break; // The last line is still being written.
    const line = text.slice(pos, nl);
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (m) {
      const run = m[1];
      if (!inFence) {
        inFence = true;
        fenceChar = run[0];
        fenceLen = run.length;
      } else if (run[0] === fenceChar && run.length >= fenceLen && line.trim() === run) {
        inFence = false;
      }
    } else if (!inFence && line.trim() === "" && pos > 0) {
      boundary = nl + 1;
    }
    if (!inFence) lineEnd = nl + 1;
    pos = nl + 1;
  }
  return text.length - boundary > maxTail && lineEnd > boundary ? lineEnd : boundary;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
