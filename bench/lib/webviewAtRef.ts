// Builds the chat webview bundle as it was at a git revision, so the chat-view benchmark can
// measure "before" and "after" a webview change in one run. Reads git only (git archive).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export async function buildWebviewAt(repo: string, ref: string): Promise<string> {
  if (!/^[\w./~^@-]{1,100}$/.test(ref)) throw new Error(`not a git revision: ${ref}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "mixtral-webview-ref-"));
  const tar = execFileSync("git", ["archive", "--format=tar", ref, "webview", "src/shared"], { cwd: repo, maxBuffer: 64 << 20 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  const outfile = path.join(dir, "webview.js");
  const esbuild = await import("esbuild");
  // The same options as esbuild.mjs's webview bundle; packages resolve from this checkout.
  await esbuild.build({
    entryPoints: [path.join(dir, "webview/main.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    loader: { ".css": "text" },
    outfile,
    logLevel: "error",
    nodePaths: [path.join(repo, "node_modules")],
  });
  return outfile;
}
