// `npm test` and its tiers: node scripts/test.mjs [unit|exthost|e2e|exthost-min|desktop]...
//
// Without arguments: build, typecheck, lint, package, then the three offline tiers
//   unit     mocha in plain Node over out/test/unit (real node-llama-cpp, tiny model)
//   exthost  the out/test/exthost suite inside code-server's extension host (@vscode/test-electron)
//   e2e      Chromium against code-server with the extension installed from the VSIX
// on code-server 4.139.1 (VS Code 1.139.1, Node 24 from npm). Opt-in:
//   exthost-min  the exthost suite on code-server 4.104.0 (VS Code 1.104, the lowest engines.vscode
//                allows; Node 22 from npm): its one-time install costs ~3 more minutes and ~600 MB.
// `desktop` runs the exthost suite in a downloaded desktop VS Code instead (needs the internet).
// Each tier prints its counts; the run ends with one line "N passed, N failed". A failed build,
// typecheck or lint step counts as one failure. Exit code 1 on any failure.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, ensureCodeServer } from "./lib/codeServer.mjs";
import { run } from "./lib/proc.mjs";
import { chromiumPath, MissingDependencyError, runMain } from "./lib/sysdeps.mjs";
import { packageVsix } from "./package.mjs";

const TIERS = ["unit", "exthost", "e2e", "exthost-min", "desktop"];
const bin = (pkg, file) => join(REPO_ROOT, "node_modules", pkg, file);
const REPORTER = join(REPO_ROOT, "scripts", "lib", "countingReporter.cjs");

const totals = { passed: 0, failed: 0, pending: 0 };
const summary = [];
const scratch = mkdtempSync(join(tmpdir(), "mixtral-test-"));

function say(line) {
  process.stdout.write(`\n=== ${line}\n`);
}

/** What prettier formats (.prettierrc.json: one width) and npm test checks; `npm run format` writes it. */
const FORMATTED = ["src", "webview", "test", "bench", "scripts", "esbuild.mjs", "eslint.config.mjs"];

/** A build/typecheck/lint step: prints its outcome, counts one failure if it fails. */
async function step(name, command, args, options = {}) {
  say(name);
  const started = Date.now();
  let code;
  try {
    code = await run(command, args, { cwd: REPO_ROOT, ...options });
  } catch (err) {
    process.stderr.write(`${err?.message ?? err}\n`);
    code = 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    totals.failed += 1;
    summary.push(`[${name}] FAILED (exit ${code}, ${seconds}s)`);
  } else {
    summary.push(`[${name}] ok (${seconds}s)`);
  }
  return code === 0;
}

/** A test tier: its process writes counts to a JSON file; a crash without counts is one failure. */
async function tier(name, command, args, env = {}) {
  say(`tier ${name}`);
  const resultsFile = join(scratch, `${name}.json`);
  const started = Date.now();
  let code;
  try {
    code = await run(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env, MIXTRAL_TEST_RESULTS_FILE: resultsFile } });
  } catch (err) {
    process.stderr.write(`${err?.message ?? err}\n`);
    code = 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let counts = { passed: 0, failed: 0, pending: 0, failedTitles: [] };
  if (existsSync(resultsFile)) counts = { ...counts, ...JSON.parse(readFileSync(resultsFile, "utf8")) };
  // The suite may crash (or fail to load) without reporting; that is a failure too.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.pending += counts.pending;
  const pending = counts.pending ? `, ${counts.pending} pending` : "";
  const line = `[${name}] ${counts.passed} passed, ${counts.failed} failed${pending} (${seconds}s)`;
  process.stdout.write(`${line}\n`);
  summary.push(line);
  // The failed tests by name, so the last lines of a long run (all CI shows) say what failed.
  for (const title of counts.failedTitles ?? []) summary.push(`  FAILED ${title}`);
}

function mochaArgs(glob, timeout) {
  return [bin("mocha", "bin/mocha.js"), "--timeout", String(timeout), "--reporter", REPORTER, glob];
}

/** Fails early, with the apt command, when a tier's system dependency is missing. */
function checkSystem(tiers) {
  if (tiers.has("exthost") || tiers.has("e2e") || tiers.has("exthost-min")) chromiumPath();
}

async function main(argv) {
  const unknown = argv.filter((a) => !TIERS.includes(a));
  if (unknown.length) {
    process.stderr.write(`unknown tier(s): ${unknown.join(" ")}\nusage: node scripts/test.mjs [${TIERS.join("|")}]...\n`);
    return 2;
  }
  const tiers = new Set(argv.length ? argv : ["unit", "exthost", "e2e"]);
  try {
    checkSystem(tiers);
    // Installing code-server first (once, ~1 min) keeps its output out of the tiers' output.
    if (tiers.has("exthost") || tiers.has("e2e")) await ensureCodeServer();
  } catch (err) {
    if (!(err instanceof MissingDependencyError) && err?.name !== "HarnessError") throw err;
    process.stderr.write(`\n${err.message}\n\n0 passed, 1 failed\n`);
    return 1;
  }

  // The VSIX is needed by the unit tier's packaging test and by e2e. vsce runs the minified
  // production build, so the development build (with source maps) comes after it.
  let vsix;
  if (tiers.has("unit") || tiers.has("e2e")) {
    say("package (npm run package)");
    const started = Date.now();
    try {
      vsix = await packageVsix();
      summary.push(`[package] ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (err) {
      process.stderr.write(`${err?.message ?? err}\n`);
      totals.failed += 1;
      summary.push("[package] FAILED");
      vsix = join(scratch, "packaging-failed.vsix");
    }
  }
  const built = await step("build (esbuild)", process.execPath, [join(REPO_ROOT, "esbuild.mjs")]);
  await step("typecheck (tsc -p .)", process.execPath, [bin("typescript", "bin/tsc"), "-p", "."]);
  await step("typecheck (tsc -p webview)", process.execPath, [bin("typescript", "bin/tsc"), "-p", "webview"]);
  await step("lint (eslint)", process.execPath, [
    bin("eslint", "bin/eslint.js"),
    "--no-error-on-unmatched-pattern",
    "src",
    "webview",
    "test",
    "bench",
  ]);
  await step("format (prettier --check)", process.execPath, [bin("prettier", "bin/prettier.cjs"), "--check", ...FORMATTED]);

  const vsixEnv = vsix ? { MIXTRAL_VSIX: vsix } : {};
  // The browser tier runs first (it is the slowest to fail). Its old flakiness ("the chat answer
  // never arrives", depending on what ran before) was machine-scoped settings written only to User
  // settings, which the code-server workbench drops shortly after start; writeUserSettings in
  // scripts/lib/codeServer.mjs now writes them to the Machine settings too.
  if (tiers.has("e2e")) await tier("e2e", process.execPath, mochaArgs("out/test/e2e/**/*.test.js", 180_000), vsixEnv);
  if (tiers.has("unit")) await tier("unit", process.execPath, mochaArgs("out/test/unit/**/*.test.js", 60_000), vsixEnv);
  if (tiers.has("exthost")) {
    if (built) {
      await tier("exthost", process.execPath, [join(REPO_ROOT, "test", "harness", "runExtHost.mjs")]);
      // The same harness with workspace trust on: what VS Code applies in an untrusted folder.
      await tier("exthost-untrusted", process.execPath, [join(REPO_ROOT, "test", "harness", "runExtHost.mjs"), "--untrusted"]);
    } else summary.push("[exthost] not run: the build failed");
  }
  if (tiers.has("exthost-min")) {
    // The code shim installs code-server 4.104.0 and Node 22 on first use (MIXTRAL_CODE_SERVER).
    if (built)
      await tier("exthost-min", process.execPath, [join(REPO_ROOT, "test", "harness", "runExtHost.mjs")], { MIXTRAL_CODE_SERVER: "min" });
    else summary.push("[exthost-min] not run: the build failed");
  }
  if (tiers.has("desktop")) await tier("desktop", process.execPath, [join(REPO_ROOT, "test", "harness", "runExtHost.mjs"), "--desktop"]);

  process.stdout.write(`\n${summary.join("\n")}\n`);
  if (totals.pending) process.stdout.write(`(${totals.pending} pending)\n`);
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed\n`);
  return totals.failed > 0 ? 1 : 0;
}

try {
  await runMain(() => main(process.argv.slice(2)));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
