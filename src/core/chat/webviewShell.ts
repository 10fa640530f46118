// The chat view's HTML shell and Content Security Policy, pure so the browser tests load the
// bundle under exactly the policy the extension uses. The bundle (dist/webview.js) builds the UI.
import { randomBytes } from "node:crypto";

export function makeNonce(): string {
  return randomBytes(18)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "");
}

/** CSP: nothing by default; scripts only with the nonce; images and fonts only from the
 *  extension itself (never `https:`, so model output can't make the view fetch anything); styles
 *  from the extension or with the nonce (the UI uses constructable stylesheets, which CSP allows). */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export interface ShellOptions {
  /** The webview's `cspSource`. */
  cspSource: string;
  /** URI of dist/webview.js as the webview can load it. */
  scriptUri: string;
  nonce?: string;
  /** Tests only: leave the CSP out to check that sanitizing alone keeps output inert. */
  omitCsp?: boolean;
}

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export function chatShellHtml(o: ShellOptions): string {
  const nonce = o.nonce ?? makeNonce();
  const csp = o.omitCsp
    ? ""
    : `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, nonce))}">\n`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
${csp}<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Mixtral Chat</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
