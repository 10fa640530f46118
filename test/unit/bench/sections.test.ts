// The benchmark suite's sections (bench/index.ts runs each through runSection): a section whose
// optional input is absent on a fresh machine (the edit corpus's texts are never committed) is
// printed as skipped and does not fail the run; a real failure does.
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEditCorpus } from "../../../bench/lib/editCorpus";
import { newOutcomes, runSection, suiteExitCode } from "../../../bench/lib/sections";

describe("bench: sections, skipped versus failed", () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "bench-sections-"));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("an absent edit corpus skips its section, says how to get it, and the run still exits 0", async () => {
    const outcomes = newOutcomes();
    let printed = "";
    await runSection(
      "speculative decoding on real edits",
      async () => {
        loadEditCorpus(path.join(tmp, "absent.json"));
      },
      outcomes,
      (text) => {
        printed += text;
      },
    );
    await runSection(
      "engine overhead",
      async () => undefined,
      outcomes,
      (text) => {
        printed += text;
      },
    );
    assert.match(
      printed,
      /^== speculative decoding on real edits ==\nskipped: The edit corpus's texts are not on this machine .*editCorpusTool\.js materialize --mirrors DIR/m,
    );
    assert.doesNotMatch(printed, /failed:/);
    assert.deepEqual(Object.keys(outcomes.skipped), ["speculative decoding on real edits"]);
    assert.deepEqual(outcomes.errors, {});
    assert.equal(suiteExitCode(outcomes), 0);
  });

  it("a section that throws anything else is a failure: printed, kept, exit code 1", async () => {
    const outcomes = newOutcomes();
    let printed = "";
    await runSection(
      "cancellation",
      async () => {
        throw new Error("the engine exited\nstack…");
      },
      outcomes,
      (text) => {
        printed += text;
      },
    );
    assert.match(printed, /^failed: the engine exited$/m);
    assert.deepEqual(outcomes.errors, { cancellation: "the engine exited" });
    assert.equal(suiteExitCode(outcomes), 1);
  });
});
