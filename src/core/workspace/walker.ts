// Lists the files the index covers: every root, breadth first (so a capped monorepo keeps its
// upper folders), honouring .gitignore at every level, .git/info/exclude, the exclude globs
// (files.exclude, search.exclude), a size limit and a file cap. Symbolic links are followed once:
// a folder already visited (same device and inode) is not entered again, so loops end.
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { excludeGlobToRegExp, matchesAny } from "./glob";
import { isIgnored, parseGitignore, type IgnoreFile } from "./gitignore";
import type { IndexRoot } from "./types";

export interface WalkedFile {
  readonly root: string;
  /** Root-relative, "/"-separated. */
  readonly rel: string;
  readonly abs: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface WalkOptions {
  readonly roots: readonly IndexRoot[];
  readonly excludeGlobs: readonly string[];
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  readonly signal?: AbortSignal;
}

export interface WalkResult {
  readonly files: WalkedFile[];
  readonly filesOverCap: number;
  readonly tooLarge: number;
  readonly unreadable: number;
}

/** Files no one searches for words: lock files and formats that are binary by name. */
const SKIPPED_NAME =
  /(?:^|\/)(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|poetry\.lock|composer\.lock|go\.sum)$|\.(?:png|jpe?g|gif|bmp|ico|webp|svgz|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|class|o|a|so|dylib|dll|exe|bin|wasm|pyc|woff2?|ttf|otf|eot|mp[34]|mov|avi|webm|ogg|wav|flac|gguf|onnx|pt|safetensors|sqlite|db|map|vsix)$/i;

export async function walkWorkspace(options: WalkOptions): Promise<WalkResult> {
  const excludes = options.excludeGlobs.map(excludeGlobToRegExp);
  const state = { files: [] as WalkedFile[], filesOverCap: 0, tooLarge: 0, unreadable: 0 };
  for (const root of options.roots) {
    await walkRoot(root, excludes, options, state);
  }
  return state;
}

interface Pending {
  readonly abs: string;
  readonly rel: string;
  readonly ignores: readonly IgnoreFile[];
}

async function walkRoot(
  root: IndexRoot,
  excludes: RegExp[],
  options: WalkOptions,
  state: WalkResult & { files: WalkedFile[]; filesOverCap: number; tooLarge: number; unreadable: number },
): Promise<void> {
  const visited = new Set<string>();
  const rootIgnores = await readIgnoreFile(path.join(root.path, ".git", "info", "exclude"), "");
  const queue: Pending[] = [{ abs: root.path, rel: "", ignores: rootIgnores ? [rootIgnores] : [] }];
  for (let head = 0; head < queue.length; head++) {
    options.signal?.throwIfAborted();
    const dir = queue[head];
    queue[head] = undefined as unknown as Pending; // let finished folders be collected
    let entries: import("node:fs").Dirent[];
    try {
      const st = await fs.stat(dir.abs);
      const key = `${st.dev}:${st.ino}`;
      if (visited.has(key)) continue;
      visited.add(key);
      entries = await fs.readdir(dir.abs, { withFileTypes: true });
    } catch {
      state.unreadable++;
      continue;
    }
    const own = entries.some((e) => e.name === ".gitignore") ? await readIgnoreFile(path.join(dir.abs, ".gitignore"), dir.rel) : undefined;
    const ignores = own ? [...dir.ignores, own] : dir.ignores;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const rel = dir.rel ? `${dir.rel}/${entry.name}` : entry.name;
      const abs = path.join(dir.abs, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(abs).catch(() => undefined);
        if (!target) continue; // dangling link
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (!isDir && !isFile) continue;
      if (matchesAny(excludes, rel) || isIgnored(ignores, rel, isDir)) continue;
      if (isDir) {
        queue.push({ abs, rel, ignores });
        continue;
      }
      if (SKIPPED_NAME.test(rel)) continue;
      if (state.files.length >= options.maxFiles) {
        state.filesOverCap++;
        continue;
      }
      await addFile(root, rel, abs, options.maxFileBytes, state);
    }
  }
}

async function addFile(
  root: IndexRoot,
  rel: string,
  abs: string,
  maxFileBytes: number,
  state: { files: WalkedFile[]; tooLarge: number; unreadable: number },
): Promise<void> {
  try {
    const st = await fs.stat(abs);
    if (st.size > maxFileBytes) {
      state.tooLarge++;
      return;
    }
    state.files.push({ root: root.name, rel, abs, size: st.size, mtimeMs: st.mtimeMs });
  } catch {
    state.unreadable++;
  }
}

async function readIgnoreFile(file: string, base: string): Promise<IgnoreFile | undefined> {
  try {
    return parseGitignore(await fs.readFile(file, "utf8"), base);
  } catch {
    return undefined;
  }
}

/**
 * Whether one root-relative file is inside the index's scope, as a walk would find it (for
 * watcher events and update()): not excluded, not ignored by any .gitignore on its way, not a
 * lock file or a binary format by name.
 */
export async function isInScope(root: IndexRoot, rel: string, excludeGlobs: readonly string[]): Promise<boolean> {
  const excludes = excludeGlobs.map(excludeGlobToRegExp);
  if (SKIPPED_NAME.test(rel) || rel.split("/").includes(".git")) return false;
  const parts = rel.split("/");
  const info = await readIgnoreFile(path.join(root.path, ".git", "info", "exclude"), "");
  const stack: IgnoreFile[] = info ? [info] : [];
  for (let i = 0; i < parts.length; i++) {
    const base = parts.slice(0, i).join("/");
    const own = await readIgnoreFile(path.join(root.path, base, ".gitignore"), base);
    if (own) stack.push(own);
    const sub = parts.slice(0, i + 1).join("/");
    const isDir = i < parts.length - 1;
    if (matchesAny(excludes, sub) || isIgnored(stack, sub, isDir)) return false;
  }
  return true;
}
