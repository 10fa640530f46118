// `npm start [-- --demo | --model <file.gguf>] [--folder <dir>] [--port <n>]`
//
// Builds, packages and opens VS Code with the extension:
//  - the desktop `code` when it is on the PATH (as a development extension), else
//  - code-server on 127.0.0.1 with the VSIX installed, in a profile kept under
//    .vscode-test/start (settings and state survive restarts); it prints the URL.
// --demo generates the tiny Mixtral-architecture model (no download) and points
// mixtral.modelPath at it; --model does the same for an existing GGUF. Ctrl+C stops everything.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { installVsix, makeProfile, REPO_ROOT, startCodeServer, VSCODE_VERSION, workbenchUrl } from "./lib/codeServer.mjs";
import { run, spawnGroup } from "./lib/proc.mjs";
import { runMain, which } from "./lib/sysdeps.mjs";
import { packageVsix } from "./package.mjs";

const USAGE = "usage: npm start -- [--demo | --model <file.gguf>] [--folder <dir>] [--port <n>] [--code-server]";
const usageError = (message) => Object.assign(new Error(`${message}\n${USAGE}`), { name: "HarnessError" });

function startArgs(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        demo: { type: "boolean" },
        model: { type: "string" },
        folder: { type: "string" },
        port: { type: "string" },
        "code-server": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw usageError(err.message);
  }
  if (values.help) throw usageError("npm start opens VS Code with Mixtral Local.");
  const opts = {
    demo: values.demo === true,
    model: values.model === undefined ? undefined : resolve(values.model),
    folder: values.folder === undefined ? join(REPO_ROOT, "test", "fixtures", "workspace") : resolve(values.folder),
    port: values.port === undefined ? undefined : Number(values.port),
    codeServer: values["code-server"] === true,
  };
  if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port > 0 && opts.port < 65536))
    throw usageError("--port needs a TCP port number");
  if (opts.demo && opts.model) throw usageError("--demo and --model exclude each other");
  if (opts.model && !existsSync(opts.model)) throw usageError(`no such model file: ${opts.model}`);
  if (!existsSync(opts.folder)) throw usageError(`no such folder: ${opts.folder}`);
  return opts;
}

/** The tiny model, generated once by the extension's own CLI (`mixtral-local fixture`). */
async function demoModel() {
  const file = join(REPO_ROOT, ".cache", "models", "demo-tiny-mixtral-q8_0.gguf");
  if (existsSync(file)) return file;
  mkdirSync(join(REPO_ROOT, ".cache", "models"), { recursive: true });
  process.stderr.write(`Generating the tiny demo model at ${file}...\n`);
  const code = await run(process.execPath, [join(REPO_ROOT, "dist", "cli.js"), "fixture", file], { cwd: REPO_ROOT });
  if (code !== 0 || !existsSync(file))
    throw Object.assign(new Error(`mixtral-local fixture failed (exit ${code})`), { name: "HarnessError" });
  return file;
}

/** Merges settings into a profile's User/settings.json (plain JSON: we write it ourselves). */
function mergeUserSettings(userDataDir, settings) {
  const dir = join(userDataDir, "User");
  const file = join(dir, "settings.json");
  mkdirSync(dir, { recursive: true });
  let current = {};
  try {
    current = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // Missing or hand-edited with comments: start over with ours.
  }
  writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2));
}

async function startDesktop(code, opts, settings) {
  const args = [`--extensionDevelopmentPath=${REPO_ROOT}`, "--new-window", "--wait"];
  if (Object.keys(settings).length) {
    // A model chosen here must not end up in the user's own settings: use a separate profile.
    const userDataDir = join(REPO_ROOT, ".vscode-test", "start-desktop", "user-data");
    mergeUserSettings(userDataDir, settings);
    args.push(`--user-data-dir=${userDataDir}`);
  }
  process.stdout.write(`Opening VS Code (${code}) with the extension in development mode...\n`);
  return run(code, [...args, opts.folder]);
}

async function startWeb(vsix, opts, settings) {
  const profile = makeProfile(join(REPO_ROOT, ".vscode-test", "start"));
  process.stderr.write("Installing the VSIX into code-server...\n");
  await installVsix(vsix, profile);
  mergeUserSettings(profile.userDataDir, { "workbench.startupEditor": "none", "git.openRepositoryInParentFolders": "never", ...settings });
  const server = await startCodeServer({
    profile,
    port: opts.port,
    offline: false,
    onOutput: (s) => process.env.MIXTRAL_HARNESS_VERBOSE === "1" && process.stderr.write(s),
  });
  const url = workbenchUrl(server.url, { folder: opts.folder });
  process.stdout.write(
    `\nMixtral Local is running in code-server (VS Code ${VSCODE_VERSION} in the browser):\n\n  ${url}\n\nOpen it in a browser on this machine. Ctrl+C stops it.\n`,
  );
  // Where a desktop browser exists, open it; headless machines just print the URL.
  const opener = process.platform === "linux" && process.env.DISPLAY ? which("xdg-open") : undefined;
  if (opener) spawnGroup(opener, [url], { stdio: "ignore" }).unref();
  await new Promise((resolvePromise) => server.child.once("exit", resolvePromise));
  return server.child.exitCode ?? 0;
}

async function main(argv) {
  const opts = startArgs(argv);
  if ((await run(process.execPath, [join(REPO_ROOT, "esbuild.mjs")], { cwd: REPO_ROOT })) !== 0) {
    throw Object.assign(new Error("the build failed (npm run build)"), { name: "HarnessError" });
  }
  const settings = {};
  if (opts.demo) settings["mixtral.modelPath"] = await demoModel();
  if (opts.model) settings["mixtral.modelPath"] = opts.model;
  if (settings["mixtral.modelPath"]) process.stdout.write(`mixtral.modelPath = ${settings["mixtral.modelPath"]}\n`);

  const code = opts.codeServer ? undefined : which("code");
  if (code) return startDesktop(code, opts, settings);
  const vsix = await packageVsix();
  // vsce's prepublish left a minified build; put the development build (with maps) back.
  await run(process.execPath, [join(REPO_ROOT, "esbuild.mjs")], { cwd: REPO_ROOT });
  return startWeb(vsix, opts, settings);
}

await runMain(() => main(process.argv.slice(2)));
process.exit(process.exitCode ?? 0);
