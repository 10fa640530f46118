// code-server is our offline VS Code. Two builds, each with the Node it needs (nodeRuntime.mjs):
//   current  code-server 4.139.1 = VS Code 1.139.1 on Node 24: every tier runs on it;
//   min      code-server 4.104.0 = VS Code 1.104.0 on Node 22, the lowest VS Code `engines.vscode`
//            allows: the opt-in `node scripts/test.mjs exthost-min` tier.
// MIXTRAL_CODE_SERVER=min selects the second (the code shim, started by @vscode/test-electron,
// inherits it). Each lives outside the project's dependency tree, in .vscode-test/code-server-<v>,
// so `npm install` stays plain and the ~600 MB install happens once, on first use.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureNodeRuntime, nodeRuntimeEnv, nodeRuntimePaths } from "./nodeRuntime.mjs";
import { capture, freePort, run, spawnGroup, stopGroup } from "./proc.mjs";
import { checkCodeServerBuildDeps, ripgrepPath } from "./sysdeps.mjs";

const FLAVOURS = {
  // 4.139's VS Code ships ripgrep for every platform inside @vscode/ripgrep-universal. Its web
  // workbench reads a test `payload` only with the smoke-test driver on, which 4.139's CLI passes
  // through with --vscode-option (4.104 has neither the check nor the option).
  current: {
    version: "4.139.1",
    vscode: "1.139.1",
    node: "24.22.3",
    ripgrep: "@vscode/ripgrep-universal/bin/linux-x64/rg",
    extensionTestArgs: ["--vscode-option", "enable-smoke-test-driver"],
  },
  // 4.104's @vscode/ripgrep 1.15.14 downloads rg from GitHub at install unless its cache is seeded.
  min: {
    version: "4.104.0",
    vscode: "1.104.0",
    node: "22.23.5",
    ripgrep: "@vscode/ripgrep/bin/rg",
    ripgrepCache: { version: "1.15.14", asset: "ripgrep-v13.0.0-13-x86_64-unknown-linux-musl.tar.gz" },
    extensionTestArgs: [],
  },
};
const FLAVOUR_NAME = process.env.MIXTRAL_CODE_SERVER || "current";
if (!FLAVOURS[FLAVOUR_NAME]) throw new Error(`MIXTRAL_CODE_SERVER=${FLAVOUR_NAME}: expected one of ${Object.keys(FLAVOURS).join(", ")}`);
const FLAVOUR = FLAVOURS[FLAVOUR_NAME];

export const CODE_SERVER_VERSION = FLAVOUR.version;
/** The VS Code version inside that code-server. */
export const VSCODE_VERSION = FLAVOUR.vscode;
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CODE_SERVER_PREFIX = join(REPO_ROOT, ".vscode-test", `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_ENTRY = join(CODE_SERVER_PREFIX, "node_modules", "code-server", "out", "node", "entry.js");
/** The Node that runs code-server, its extension host and, forked from there, our engine. */
export const CODE_SERVER_NODE = nodeRuntimePaths(FLAVOUR.node).node;
// Present only when code-server's postinstall (the nested install of VS Code's modules) ran.
const VSCODE_RIPGREP = join(
  CODE_SERVER_PREFIX,
  "node_modules",
  "code-server",
  "lib",
  "vscode",
  "node_modules",
  ...FLAVOUR.ripgrep.split("/"),
);
const MARKER = join(CODE_SERVER_PREFIX, `.installed-${CODE_SERVER_VERSION}`);

// @vscode/ripgrep's postinstall runs `tar xvf <file> -C bin/` on the cached asset and expects
// `bin/rg`, so the tarball holds Debian's `rg` at its root.
async function seedRipgrepCache({ version, asset }) {
  const rg = ripgrepPath();
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${version}`);
  const tarball = join(cacheDir, asset);
  if (existsSync(tarball)) return;
  const staging = mkdtempSync(join(tmpdir(), "rg-seed-"));
  try {
    copyFileSync(rg, join(staging, "rg"));
    mkdirSync(cacheDir, { recursive: true });
    const { code, stderr } = await capture("tar", ["czf", tarball, "-C", staging, "rg"]);
    if (code !== 0) throw new Error(`could not seed the ripgrep cache at ${tarball}: ${stderr}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Installs code-server once; resolves with the path of its entry script. */
export async function ensureCodeServer({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const runtime = await ensureNodeRuntime(FLAVOUR.node, { log });
  if (existsSync(MARKER) && existsSync(CODE_SERVER_ENTRY) && existsSync(VSCODE_RIPGREP)) return CODE_SERVER_ENTRY;
  checkCodeServerBuildDeps({ ripgrep: !!FLAVOUR.ripgrepCache });
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw Object.assign(new Error("The offline harness provisions code-server on Linux x64 only; elsewhere use `npm run test:desktop`."), {
      name: "HarnessError",
    });
  }
  log(
    `Installing code-server@${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}, Node ${FLAVOUR.node}) into ${CODE_SERVER_PREFIX} (once, ~3 minutes on 2 cores)...`,
  );
  rmSync(CODE_SERVER_PREFIX, { recursive: true, force: true });
  mkdirSync(CODE_SERVER_PREFIX, { recursive: true });
  // A package.json of its own keeps npm from walking up into the project's.
  writeFileSync(join(CODE_SERVER_PREFIX, "package.json"), JSON.stringify({ name: "code-server-harness", private: true }, null, 2));
  if (FLAVOUR.ripgrepCache) await seedRipgrepCache(FLAVOUR.ripgrepCache);
  const env = {
    // npm (a `#!/usr/bin/env node` script), code-server's postinstall (it checks the Node major
    // version npm runs on) and node-gyp (headers from npm_config_nodedir) all use the runtime's Node.
    ...nodeRuntimeEnv(runtime),
    // code-server's postinstall refuses to run as root without it.
    npm_config_unsafe_perm: "true",
    // A global npmrc with yes=false cancels node-pty's `npx node-gyp`.
    npm_config_yes: "true",
    // npm >= 11.19 skips dependency install scripts without an allowScripts approval, and
    // code-server's postinstall runs a nested `npm install` in lib/vscode whose native modules
    // (node-pty, kerberos, ripgrep...) need theirs. This prefix holds code-server alone.
    npm_config_dangerously_allow_all_scripts: "true",
    npm_config_fund: "false",
    npm_config_audit: "false",
    npm_config_update_notifier: "false",
  };
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const code = await run(
    npm,
    ["install", "--prefix", CODE_SERVER_PREFIX, "--no-save", "--no-package-lock", `code-server@${CODE_SERVER_VERSION}`],
    {
      cwd: CODE_SERVER_PREFIX,
      env,
    },
  );
  if (code !== 0 || !existsSync(CODE_SERVER_ENTRY) || !existsSync(VSCODE_RIPGREP)) {
    throw Object.assign(
      new Error(
        `Installing code-server@${CODE_SERVER_VERSION} failed (npm exit ${code}). It needs the npm registry and, from apt:\n` +
          "  sudo apt-get install -y libkrb5-dev build-essential python3" +
          (FLAVOUR.ripgrepCache ? " ripgrep" : ""),
      ),
      { name: "HarnessError" },
    );
  }
  writeFileSync(MARKER, new Date().toISOString());
  return CODE_SERVER_ENTRY;
}

/** Fresh user-data, extensions and XDG folders for one code-server instance. */
export function makeProfile(base = mkdtempSync(join(tmpdir(), "mixtral-cs-"))) {
  const dirs = {
    base,
    userDataDir: join(base, "user-data"),
    extensionsDir: join(base, "extensions"),
    xdgConfig: join(base, "xdg-config"),
    xdgData: join(base, "xdg-data"),
    xdgCache: join(base, "xdg-cache"),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

function serverEnv(profile, extra = {}) {
  // XDG dirs keep code-server's config.yaml and state out of the user's home.
  return {
    ...process.env,
    XDG_CONFIG_HOME: profile.xdgConfig,
    XDG_DATA_HOME: profile.xdgData,
    XDG_CACHE_HOME: profile.xdgCache,
    ...extra,
  };
}

function commonArgs(profile) {
  return [
    "--user-data-dir",
    profile.userDataDir,
    "--extensions-dir",
    profile.extensionsDir,
    "--disable-telemetry",
    "--disable-update-check",
  ];
}

/** Installs a VSIX into the profile's extensions dir (code-server's CLI, no server needed). */
export async function installVsix(vsixPath, profile) {
  const entry = await ensureCodeServer();
  const { code, stdout, stderr } = await capture(
    CODE_SERVER_NODE,
    [entry, ...commonArgs(profile), "--install-extension", vsixPath, "--force"],
    {
      env: serverEnv(profile),
    },
  );
  if (code !== 0 || /Failed|error/i.test(stderr)) {
    throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${code}):\n${stdout}${stderr}`);
  }
  return stdout.trim();
}

async function waitForHealthz(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(new URL("healthz", url));
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * Starts code-server on a free 127.0.0.1 port without auth or workspace trust prompts
 * (`offline`, the default, also turns off the extension marketplace). `extensionTests` lets the
 * workbench honour a `payload` URL parameter (extensionDevelopmentPath, extensionTestsPath): VS Code
 * 1.139's built web workbench reads it only with the smoke-test driver enabled.
 * Resolves with { url, port, child, stop() }; the server's output goes to `onOutput`.
 */
export async function startCodeServer({
  profile,
  port,
  env = {},
  offline = true,
  workspaceTrust = false,
  extensionTests = false,
  onOutput = (s) => process.stderr.write(s),
  timeoutMs = 60_000,
} = {}) {
  const entry = await ensureCodeServer();
  port ??= await freePort();
  const trustArgs = workspaceTrust ? [] : ["--disable-workspace-trust"];
  const testArgs = extensionTests ? FLAVOUR.extensionTestArgs : [];
  const args = [
    entry,
    "--bind-addr",
    `127.0.0.1:${port}`,
    "--auth",
    "none",
    ...commonArgs(profile),
    ...trustArgs,
    ...testArgs,
    "--disable-getting-started-override",
    "--ignore-last-opened",
  ];
  // An empty gallery turns the marketplace off: offline, every open-vsx.org query only logs errors.
  const galleryEnv = offline ? { EXTENSIONS_GALLERY: "{}" } : {};
  const child = spawnGroup(CODE_SERVER_NODE, args, {
    env: serverEnv(profile, { ...galleryEnv, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => onOutput(String(d)));
  child.stderr.on("data", (d) => onOutput(String(d)));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHealthz(url, child, timeoutMs);
  } catch (err) {
    await stopGroup(child);
    throw err;
  }
  return { url, port, child, stop: () => stopGroup(child) };
}

/** Writes the settings both as User settings and as the Machine (remote) settings of the profile.
 *  The workbench treats code-server as a remote window, and VS Code ignores `machine`-scoped
 *  settings (mixtral.remote.url, mixtral.modelPath…) in User settings there: they count only in the
 *  remote's Machine settings. The workbench drops them from the User values shortly after it starts,
 *  so an extension that activated early saw them and one that activated later did not (the "chat
 *  answer never arrives" failures of the scripted-server suite: remote.url was empty). */
export function writeUserSettings(profile, settings) {
  for (const folder of ["User", "Machine"]) {
    const dir = join(profile.userDataDir, folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "settings.json"), JSON.stringify(settings, null, 2));
  }
}

/** The workbench URL, optionally with a folder and a `payload` (test-web style). */
export function workbenchUrl(base, { folder, payload } = {}) {
  const url = new URL(base);
  if (folder) url.searchParams.set("folder", folder);
  if (payload) url.searchParams.set("payload", JSON.stringify(payload));
  return url.toString();
}

/** Makes `vscode-remote://127.0.0.1:PORT/abs/path` for a path on the server's machine. */
export function remoteUri(port, absPath) {
  return `vscode-remote://127.0.0.1:${port}${absPath.split("\\").join("/")}`;
}
