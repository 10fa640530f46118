// The chat view's HTML for a real webview: the shared shell with the webview's CSP source.
import * as vscode from "vscode";
import { chatShellHtml } from "../../core/chat/webviewShell";

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview.js"));
  return chatShellHtml({ cspSource: webview.cspSource, scriptUri: script.toString() });
}
