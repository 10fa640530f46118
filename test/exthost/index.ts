// Entry point that VS Code's extension host loads as `extensionTestsPath`: runs every
// out/test/exthost/**/*.test.js with mocha inside the real extension host. The same file serves
// the offline code-server harness and a downloaded desktop VS Code (`npm run test:desktop`).
import * as fs from "node:fs";
import * as path from "node:path";
import Mocha from "mocha";

function testFiles(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".test.js"))
    .sort()
    .map((f) => path.join(root, f));
}

/** The reporter `npm test` gives every mocha tier (scripts/lib/countingReporter.cjs): the spec
 *  output plus the counts and failed titles in $MIXTRAL_TEST_RESULTS_FILE, which the outer runner
 *  reads back, since our stdout is the workbench's. From out/test/exthost to the repository. */
const COUNTING_REPORTER = path.resolve(__dirname, "..", "..", "..", "scripts", "lib", "countingReporter.cjs");

export function run(): Promise<void> {
  return runSuite(__dirname);
}

/** Runs every *.test.js under `root` (also the untrusted-workspace suite, test/untrusted). */
export async function runSuite(root: string): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", color: false, reporter: COUNTING_REPORTER, timeout: 60_000 });
  // MIXTRAL_TEST_GREP narrows a run to matching test titles while working on one test.
  if (process.env.MIXTRAL_TEST_GREP) mocha.grep(process.env.MIXTRAL_TEST_GREP);
  for (const file of testFiles(root)) mocha.addFile(file);
  await mocha.loadFilesAsync();
  const failed = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failed > 0) throw new Error(`${failed} extension-host test(s) failed`);
}
