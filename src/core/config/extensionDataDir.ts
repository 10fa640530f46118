// Where the extension keeps its data (VS Code's global storage for it: downloaded models, GPU
// packs), found from outside VS Code. The CLI runs on headless machines and SSH remotes, where the
// extension runs in VS Code Server or code-server; it must use the very folder the extension
// uses, or the doctor cannot see the extension's downloads and a pack it installs is never loaded.
// This is the one list of candidates; `--data-dir` overrides it.
import { existsSync } from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";

/** publisher.name, as VS Code names the extension's globalStorage folder. */
export const EXTENSION_ID = "mixtral-local.mixtral-local";

export interface DataDirCandidate {
  /** The extension's global storage folder in that editor. */
  dir: string;
  /** e.g. "VS Code Server", "code-server", "VS Code". */
  product: string;
}

export interface DataDirEnvironment {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** Every place the extension's global storage can be on this machine, in the order they are
 *  tried: remote servers first (on a machine that has one, that is where the extension runs when
 *  you connect to it), then desktop editors. */
export function extensionDataDirCandidates(o: DataDirEnvironment = {}): DataDirCandidate[] {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const home = o.home ?? os.homedir();
  const p = platform === "win32" ? nodePath.win32 : nodePath.posix;
  const storage = (userDataDir: string) => p.join(userDataDir, "User", "globalStorage", EXTENSION_ID);
  const out: DataDirCandidate[] = [];
  const add = (product: string, userDataDir: string) => out.push({ product, dir: storage(userDataDir) });
  // Portable VS Code keeps its user data beside the program.
  if (env.VSCODE_PORTABLE) add("VS Code (portable)", p.join(env.VSCODE_PORTABLE, "user-data"));
  add("VS Code Server", p.join(env.VSCODE_AGENT_FOLDER || p.join(home, ".vscode-server"), "data"));
  add("VS Code Server (Insiders)", p.join(home, ".vscode-server-insiders", "data"));
  if (platform !== "win32") add("code-server", p.join(env.XDG_DATA_HOME || p.join(home, ".local", "share"), "code-server"));
  const desktopRoot =
    platform === "win32"
      ? env.APPDATA || p.join(home, "AppData", "Roaming")
      : platform === "darwin"
        ? p.join(home, "Library", "Application Support")
        : env.XDG_CONFIG_HOME || p.join(home, ".config");
  for (const [product, folder] of [
    ["VS Code", "Code"],
    ["VS Code Insiders", "Code - Insiders"],
    ["VSCodium", "VSCodium"],
    ["Code - OSS", "Code - OSS"],
  ]) {
    add(product, p.join(desktopRoot, folder));
  }
  return out;
}

export interface ResolvedDataDir {
  dir: string;
  /** Where it came from: "--data-dir", or the candidate's product. */
  source: string;
  /** False when no editor on this machine has run the extension yet (the first candidate is named). */
  exists: boolean;
  candidates: DataDirCandidate[];
}

/** The data folder to use: `dataDir` if given; else the first candidate the extension has already
 *  written; else the first whose editor is installed (its User folder exists); else the first. */
export function resolveExtensionDataDir(
  o: DataDirEnvironment & { dataDir?: string; exists?: (p: string) => boolean } = {},
): ResolvedDataDir {
  const exists = o.exists ?? existsSync;
  const candidates = extensionDataDirCandidates(o);
  if (o.dataDir) return { dir: nodePath.resolve(o.dataDir), source: "--data-dir", exists: exists(o.dataDir), candidates };
  const pick = candidates.find((c) => exists(c.dir)) ?? candidates.find((c) => exists(userFolder(c.dir)));
  const chosen = pick ?? candidates[0];
  return { dir: chosen.dir, source: chosen.product, exists: !!pick && exists(chosen.dir), candidates };
}

/** The extension's default models folder inside its data folder (mixtral.modelsDirectory unset). */
export function defaultModelsDirectory(dataDir: string): string {
  return nodePath.join(dataDir, "models");
}

/** <user data>/User of a candidate (two levels above the extension's folder). */
function userFolder(storageDir: string): string {
  const p = storageDir.includes("\\") && !storageDir.includes("/") ? nodePath.win32 : nodePath.posix;
  return p.dirname(p.dirname(storageDir));
}
