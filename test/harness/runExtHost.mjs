// Runs the extension-host suite (out/test/exthost/index.js) with @vscode/test-electron's
// unchanged runTests. Offline it points vscodeExecutablePath at ./code, our code-server shim;
// with --desktop, runTests downloads a desktop VS Code as usual (needs the internet).
//
//   node test/harness/runExtHost.mjs [--desktop] [--untrusted] [--results <file.json>]
// --untrusted runs out/test/untrusted instead, in test/fixtures/untrusted-workspace opened with
// workspace trust on (so untrusted), offline only.
// Counts go to --results (or $MIXTRAL_TEST_RESULTS_FILE) as {"passed","failed","pending"}.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const require = createRequire(join(repo, "package.json"));
const { runTests, TestRunFailedError } = require("@vscode/test-electron");
const { VSCODE_VERSION } = await import("../../scripts/lib/codeServer.mjs");

const argv = process.argv.slice(2);
const desktop = argv.includes("--desktop");
const untrusted = argv.includes("--untrusted");
// The code shim reads it: code-server starts without --disable-workspace-trust.
if (untrusted) process.env.MIXTRAL_HARNESS_WORKSPACE_TRUST = "1";
const resultsIndex = argv.indexOf("--results");
const resultsFile = resultsIndex >= 0 ? resolve(argv[resultsIndex + 1]) : process.env.MIXTRAL_TEST_RESULTS_FILE || undefined;

const profile = mkdtempSync(join(tmpdir(), "mixtral-exthost-"));
try {
  await runTests({
    // The desktop build of the VS Code inside our code-server (MIXTRAL_CODE_SERVER picks which).
    ...(desktop ? { version: VSCODE_VERSION } : { vscodeExecutablePath: join(here, "code") }),
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(repo, "out", "test", untrusted ? "untrusted" : "exthost", "index"),
    launchArgs: [
      join(repo, "test", "fixtures", untrusted ? "untrusted-workspace" : "workspace"),
      `--user-data-dir=${join(profile, "user-data")}`,
      `--extensions-dir=${join(profile, "extensions")}`,
      "--disable-extensions",
    ],
    extensionTestsEnv: { MIXTRAL_TEST_RESULTS_FILE: resultsFile ?? "", MIXTRAL_TEST_GREP: process.env.MIXTRAL_TEST_GREP ?? "" },
  });
  process.exitCode = 0;
} catch (err) {
  // runTests rejects with TestRunFailedError on a non-zero exit; the suite already said why.
  if (desktop && /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(String(err?.message))) {
    process.stderr.write(
      `test:desktop downloads VS Code ${VSCODE_VERSION} and could not reach the server (${err.message}).\nOffline, run the same suite in code-server: npm run test:exthost\n`,
    );
  } else if (!(err instanceof TestRunFailedError)) {
    process.stderr.write(`${err?.stack ?? err}\n`);
  }
  process.exitCode = 1;
} finally {
  rmSync(profile, { recursive: true, force: true });
}
