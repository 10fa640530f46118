// A stand-in for VS Code's `code` executable, good enough for @vscode/test-electron's
// runTests({ vscodeExecutablePath }) when no desktop VS Code can be downloaded: it starts
// code-server, opens the web workbench in headless Chromium with the test `payload` in the URL
// (code-server's CLI rejects --extensionDevelopmentPath, the web workbench reads it from there),
// forwards the extension host's console and exits with the code the test runner reports
// through window.codeAutomationExit.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { format } from "node:util";
import { launchChromium } from "../../scripts/lib/browser.mjs";
import {
  CODE_SERVER_NODE,
  makeProfile,
  remoteUri,
  startCodeServer,
  workbenchUrl,
  ensureCodeServer,
} from "../../scripts/lib/codeServer.mjs";
import { run } from "../../scripts/lib/proc.mjs";
import { runMain } from "../../scripts/lib/sysdeps.mjs";

// Flags `code` takes with a value, in either `--flag value` or `--flag=value` form.
const VALUE_FLAGS = new Set([
  "extensionDevelopmentPath",
  "extensionTestsPath",
  "user-data-dir",
  "extensions-dir",
  "locale",
  "log",
  "install-extension",
  "uninstall-extension",
  "folder-uri",
  "file-uri",
  "profile",
]);
// Handed straight to code-server's CLI, which implements them the same way.
const PASSTHROUGH = new Set(["install-extension", "uninstall-extension", "list-extensions", "show-versions", "version", "help"]);

export function parseArgs(argv) {
  const flags = new Map();
  const positionals = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined && VALUE_FLAGS.has(name) && i + 1 < argv.length) value = argv[++i];
    const list = flags.get(name) ?? [];
    list.push(value ?? true);
    flags.set(name, list);
  }
  const first = (name) => {
    const v = flags.get(name)?.[0];
    return typeof v === "string" ? v : undefined;
  };
  return { flags, positionals, first };
}

function profileFrom(args) {
  const profile = makeProfile(mkdtempSync(join(tmpdir(), "mixtral-code-")));
  const userDataDir = args.first("user-data-dir");
  const extensionsDir = args.first("extensions-dir");
  if (userDataDir) profile.userDataDir = resolve(userDataDir);
  if (extensionsDir) profile.extensionsDir = resolve(extensionsDir);
  return profile;
}

async function passthrough(argv, args) {
  const profile = profileFrom(args);
  const entry = await ensureCodeServer();
  const rest = argv.filter((a) => !/^--(user-data-dir|extensions-dir)(=|$)/.test(a));
  return run(CODE_SERVER_NODE, [entry, "--user-data-dir", profile.userDataDir, "--extensions-dir", profile.extensionsDir, ...rest], {
    env: { ...process.env, XDG_CONFIG_HOME: profile.xdgConfig, XDG_DATA_HOME: profile.xdgData, XDG_CACHE_HOME: profile.xdgCache },
  });
}

// Workbench start-up chatter that says nothing about the tests (shown with MIXTRAL_HARNESS_VERBOSE=1).
// From 1.139 on, the built-in chat's agent host and model picker log each (failed, offline) GitHub
// sign-in lookup; a remote call cancelled at shutdown logs "Canceled" with its stack.
const NOISE =
  /^(DialogService: refused to show dialog in tests\. Contents: Do you trust|Resolving connection token|Resolved connection token|Creating a socket|Ignoring fetching additional builtin|Updating additional builtin|\[Service Worker\]|ChatSessionStore:|Creation of workbench contribution|Started local extension host|\[LocalProcess|Extension host \(|Started initializing default profile|Completed initializing default profile|\[AgentHost|\[ChatModelSelection\]|\[AccountPolicyGate\]|Canceled: Canceled|Error: Timed out waiting for authentication provider 'github')/;

function formatLogArgs(args) {
  // The extension host forwards console calls as (format, ...values), like Node's util.format.
  const list = Array.isArray(args) ? args : [args];
  return format(...list);
}

async function main(argv) {
  const args = parseArgs(argv);
  if ([...args.flags.keys()].some((f) => PASSTHROUGH.has(f))) {
    return passthrough(argv, args);
  }
  const devPaths = (args.flags.get("extensionDevelopmentPath") ?? []).filter((v) => typeof v === "string").map((p) => resolve(p));
  const testsPath = args.first("extensionTestsPath");
  const folder = args.positionals[0] ? resolve(args.positionals[0]) : undefined;
  const timeoutMs = Number(process.env.MIXTRAL_CODE_TIMEOUT_MS ?? 10 * 60_000);
  const verbose = process.env.MIXTRAL_HARNESS_VERBOSE === "1";

  const profile = profileFrom(args);
  let serverLog = "";
  const server = await startCodeServer({
    profile,
    // Workspace trust on: the folder opens untrusted (the untrusted-workspace suite).
    workspaceTrust: process.env.MIXTRAL_HARNESS_WORKSPACE_TRUST === "1",
    extensionTests: true,
    onOutput: (s) => {
      serverLog += s;
      if (verbose) process.stderr.write(`[code-server] ${s}`);
    },
  });
  const browser = await launchChromium();
  let settle;
  const exited = new Promise((r) => (settle = r));
  const timer = setTimeout(() => {
    process.stderr.write(`code (harness): no codeAutomationExit within ${timeoutMs} ms; giving up.\n`);
    settle(1);
  }, timeoutMs);

  try {
    const { page } = browser;
    await page.exposeFunction("codeAutomationLog", (type, logArgs) => {
      const text = formatLogArgs(logArgs);
      if (!verbose && NOISE.test(text)) return;
      const line = `${text}\n`;
      (type === "error" || type === "warn" ? process.stderr : process.stdout).write(line);
    });
    await page.exposeFunction("codeAutomationExit", (code) => settle(Number(code) || 0));
    page.on("pageerror", (err) => verbose && process.stderr.write(`[page error] ${err.message}\n`));
    page.on("console", (msg) => verbose && process.stderr.write(`[page ${msg.type()}] ${msg.text()}\n`));
    page.on("crash", () => {
      process.stderr.write("code (harness): the workbench page crashed.\n");
      settle(1);
    });
    const payload = [];
    for (const p of devPaths) payload.push(["extensionDevelopmentPath", remoteUri(server.port, p)]);
    if (testsPath) payload.push(["extensionTestsPath", remoteUri(server.port, resolve(testsPath))]);
    const url = workbenchUrl(server.url, { folder, payload: payload.length ? payload : undefined });
    if (verbose) process.stderr.write(`code (harness): opening ${url}\n`);
    await page.goto(url);
    if (!testsPath) {
      // Without a test suite there is nothing to wait for: behave like `code --wait` until closed.
      process.stdout.write(`code (harness): workbench open at ${server.url}\n`);
    }
    const code = await exited;
    if (code !== 0 && !verbose) process.stderr.write(`code (harness): exit ${code}; code-server said:\n${serverLog.slice(-4000)}\n`);
    return code;
  } finally {
    clearTimeout(timer);
    await browser.close();
    await server.stop();
  }
}

await runMain(() => main(process.argv.slice(2)));
// Playwright and code-server handles would keep the loop alive: leave with the code we have.
process.exit(process.exitCode ?? 0);
