// Entry point for the untrusted-workspace suite: the extension-host runner over this folder,
// started by `runExtHost.mjs --untrusted` (workspace trust on, test/fixtures/untrusted-workspace).
import { runSuite } from "../exthost/index";

export function run(): Promise<void> {
  return runSuite(__dirname);
}
