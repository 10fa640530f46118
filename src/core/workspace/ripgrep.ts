// Exact and regex search through ripgrep (the binary of @vscode/ripgrep's platform package, the
// one the VSIX ships), over the same files the index covers: .gitignore honoured even outside a
// git repository, hidden files searched but never .git, the exclude globs, the size limit.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { excludeGlobToRegExp, matchesAny } from "./glob";
import type { IndexRoot, ReferenceLocation } from "./types";

export interface GrepOptions {
  readonly roots: readonly IndexRoot[];
  readonly excludeGlobs: readonly string[];
  readonly maxFileBytes: number;
  readonly regex: boolean;
  /** Match whole words only (references by name). */
  readonly word?: boolean;
  readonly limit: number;
  readonly signal?: AbortSignal;
}

/**
 * The platform's rg binary from @vscode/ripgrep's optional package (no download, no postinstall).
 * An unpacked VSIX may have lost the executable bit; it is set again once.
 */
export function ripgrepPath(): string {
  const binary = process.platform === "win32" ? "rg.exe" : "rg";
  const file = require.resolve(`@vscode/ripgrep-${process.platform}-${process.arch}/bin/${binary}`);
  if (process.platform !== "win32") {
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      fs.chmodSync(file, 0o755);
    }
  }
  return file;
}

export async function grepWorkspace(pattern: string, options: GrepOptions): Promise<ReferenceLocation[]> {
  const out: ReferenceLocation[] = [];
  for (const root of options.roots) {
    if (out.length >= options.limit) break;
    out.push(...(await grepRoot(pattern, root, options, options.limit - out.length)));
  }
  return out;
}

function grepArgs(pattern: string, options: GrepOptions): string[] {
  const args = [
    "--json",
    "--no-require-git",
    "--hidden",
    "--glob",
    "!.git",
    "--max-filesize",
    String(options.maxFileBytes),
    "--max-columns",
    "1000",
  ];
  if (!options.regex) args.push("--fixed-strings");
  if (options.word) args.push("--word-regexp");
  for (const glob of options.excludeGlobs) args.push("--glob", `!${glob}`);
  args.push("--regexp", pattern, "--", ".");
  return args;
}

function grepRoot(pattern: string, root: IndexRoot, options: GrepOptions, limit: number): Promise<ReferenceLocation[]> {
  const excludes = options.excludeGlobs.map(excludeGlobToRegExp);
  return new Promise((resolve, reject) => {
    const child = spawn(ripgrepPath(), grepArgs(pattern, options), {
      cwd: root.path,
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
    });
    const found: ReferenceLocation[] = [];
    let pending = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (data: string) => {
      const lines = (pending + data).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const hit = parseMatch(line, root.name);
        if (hit && !matchesAny(excludes, hit.path)) found.push(hit);
        if (found.length >= limit) {
          child.kill();
          break;
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (err) => (err.name === "AbortError" ? resolve(found) : reject(err)));
    child.on("close", (code) => {
      // 0: matches, 1: none, 2: an error (a bad regex says so on stderr); a kill after the limit is fine.
      if (code === 2 && !found.length) reject(new Error(`ripgrep: ${stderr.trim().split("\n")[0] || "search failed"}`));
      else resolve(found.slice(0, limit));
    });
  });
}

function parseMatch(line: string, root: string): ReferenceLocation | undefined {
  if (!line.startsWith('{"type":"match"')) return undefined;
  try {
    const msg = JSON.parse(line) as { data?: { path?: { text?: string }; lines?: { text?: string }; line_number?: number } };
    const file = msg.data?.path?.text;
    const lineNumber = msg.data?.line_number;
    if (!file || !lineNumber) return undefined;
    const rel = path.normalize(file).split(path.sep).join("/").replace(/^\.\//, "");
    return { root, path: rel, line: lineNumber, lineText: (msg.data?.lines?.text ?? "").trim() };
  } catch {
    return undefined;
  }
}
