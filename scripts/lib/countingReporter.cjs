// Mocha's spec output plus a JSON file of counts (path in MIXTRAL_TEST_RESULTS_FILE) that
// scripts/test.mjs adds up into the run's last line.
const fs = require("node:fs");
const { reporters } = require("mocha");

class CountingReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const file = process.env.MIXTRAL_TEST_RESULTS_FILE;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, pending }));
    });
  }
}

module.exports = CountingReporter;
