// The index's defaults where no setting says otherwise (the CLI; the extension reads its settings).
import { createHash } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";

/** VS Code's own defaults of files.exclude and search.exclude (the entries that are true). */
export const DEFAULT_EXCLUDE_GLOBS: readonly string[] = [
  "**/.git",
  "**/.svn",
  "**/.hg",
  "**/CVS",
  "**/.DS_Store",
  "**/Thumbs.db",
  "**/node_modules",
  "**/bower_components",
  "**/*.code-search",
];

/** mixtral.workspace.maxFileSize's default: 1 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** mixtral.workspace.maxFiles's default. */
export const DEFAULT_MAX_FILES = 50_000;

/** Where the CLI keeps the index of a folder: the user's cache folder, one subfolder per path. */
export function cliStorageDir(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || (process.platform === "win32" ? env.LOCALAPPDATA || os.tmpdir() : path.join(os.homedir(), ".cache"));
  const id = createHash("sha256").update(path.resolve(folder)).digest("hex").slice(0, 16);
  return path.join(cache, "mixtral-local", "workspace-index", `${path.basename(path.resolve(folder))}-${id}`);
}
