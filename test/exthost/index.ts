// Entry point that VS Code's extension host loads as `extensionTestsPath`: runs every
// out/test/exthost/**/*.test.js with mocha inside the real extension host. The same file serves
// the offline code-server harness and a downloaded desktop VS Code (`npm run test:desktop`).
import * as fs from "node:fs";
import * as path from "node:path";
import Mocha from "mocha";

/** Counts the outer runner (scripts/test.mjs) reads back, since our stdout is the workbench's. */
export interface SuiteCounts {
  passed: number;
  failed: number;
  pending: number;
  /** "full title: first line of the error" of each failed test, for the run's summary. */
  failedTitles: string[];
}

function testFiles(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".test.js"))
    .sort()
    .map((f) => path.join(root, f));
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", color: false, reporter: "spec", timeout: 60_000 });
  // MIXTRAL_TEST_GREP narrows a run to matching test titles while working on one test.
  if (process.env.MIXTRAL_TEST_GREP) mocha.grep(process.env.MIXTRAL_TEST_GREP);
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  await mocha.loadFilesAsync();

  const failedTitles: string[] = [];
  const counts = await new Promise<SuiteCounts>((resolve) => {
    const runner = mocha.run(() => {
      const stats = runner.stats;
      resolve({ passed: stats?.passes ?? 0, failed: stats?.failures ?? 0, pending: stats?.pending ?? 0, failedTitles });
    });
    runner.on("fail", (test, err: unknown) => {
      const message = String((err as Error)?.message ?? err).split("\n").find((l) => l.trim()) ?? "";
      failedTitles.push(`${test.fullTitle()}: ${message.trim().slice(0, 300)}`);
    });
  });
  const resultsFile = process.env.MIXTRAL_TEST_RESULTS_FILE;
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(counts));
  if (counts.failed > 0) throw new Error(`${counts.failed} extension-host test(s) failed`);
}
