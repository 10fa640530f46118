// Mocha's spec output plus a JSON file of counts (path in MIXTRAL_TEST_RESULTS_FILE) that
// scripts/test.mjs adds up into the run's last line. Failed tests are listed by full title with
// the first line of their error, so the run's last lines name what failed (CI shows only a tail).
const fs = require("node:fs");
const { reporters } = require("mocha");

class CountingReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failedTitles = [];
    runner.on("fail", (test, err) => {
      const message =
        String(err?.message ?? err)
          .split("\n")
          .find((l) => l.trim()) ?? "";
      failedTitles.push(`${test.fullTitle()}: ${message.trim().slice(0, 300)}`);
    });
    runner.once("end", () => {
      const file = process.env.MIXTRAL_TEST_RESULTS_FILE;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, pending, failedTitles }));
    });
  }
}

module.exports = CountingReporter;
