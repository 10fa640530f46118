// The old-layout upgrade, checked byte for byte against the tiny model written directly in the
// merged layout, and by loading both in the real node-llama-cpp.
import * as assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Llama } from "node-llama-cpp" with { "resolution-mode": "import" };
import { MixtralError } from "../../../src/core/errors";
import { GgufPrecheckError, precheckGguf } from "../../../src/core/gguf/ggufPrecheck";
import { writeGguf, type GgufTensorSpec } from "../../../src/core/gguf/ggufWriter";
import { tinyMixtralGguf } from "../../../src/core/gguf/tinyMixtral";
import { needsLayoutUpgrade, upgradeLayout } from "../../../src/core/models/upgradeLayout";

const SEED = 5;

/** The tiny model with each `_exps` tensor split into per-expert tensors (Dec-2023 layout). */
async function writeOldLayout(file: string): Promise<void> {
  const { metadata, tensors } = tinyMixtralGguf({ variant: "q8_0", seed: SEED });
  const old: GgufTensorSpec[] = [];
  for (const t of tensors) {
    const m = /^blk\.(\d+)\.ffn_(gate|up|down)_exps\.weight$/.exec(t.name);
    if (!m) {
      old.push(t);
      continue;
    }
    const [a, b, experts] = t.dims;
    const data = t.data as Float32Array;
    for (let e = 0; e < experts; e++) {
      old.push({
        name: `blk.${m[1]}.ffn_${m[2]}.${e}.weight`,
        dims: [a, b],
        type: t.type,
        data: data.subarray(e * a * b, (e + 1) * a * b),
      });
    }
  }
  await writeGguf(file, { metadata, tensors: old });
}

describe("models/upgradeLayout", function () {
  this.timeout(60_000);
  let tmp: string;
  let oldFile: string;
  let newFile: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "mixtral-upgrade-"));
    newFile = path.join(tmp, "new.gguf");
    const { metadata, tensors } = tinyMixtralGguf({ variant: "q8_0", seed: SEED });
    await writeGguf(newFile, { metadata, tensors });
  });
  beforeEach(async () => {
    oldFile = path.join(tmp, "old.gguf");
    await writeOldLayout(oldFile);
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  it("is recognised as the old layout by the bounded pre-check", async () => {
    await assert.rejects(precheckGguf(oldFile), (e) => e instanceof GgufPrecheckError && e.reason === "old-expert-layout");
    assert.equal(await needsLayoutUpgrade(oldFile), true);
    assert.equal(await needsLayoutUpgrade(newFile), false);
  });

  it("upgrades in place to exactly the merged-layout file, with progress", async () => {
    const fractions: number[] = [];
    const r = await upgradeLayout(oldFile, { onProgress: (f) => fractions.push(f) });
    assert.equal(r.status, "upgraded");
    assert.ok(r.status === "upgraded" && r.mergedTensors === 6);
    assert.deepEqual(await readFile(oldFile), await readFile(newFile));
    assert.equal(fractions.at(-1), 1);
    assert.ok(!existsSync(`${oldFile}.partial`));
    assert.equal((await upgradeLayout(oldFile)).status, "alreadyCurrent");
  });

  it("leaves the original untouched on cancel and when the disk is too full", async () => {
    const before = await stat(oldFile);
    const ac = new AbortController();
    ac.abort();
    assert.equal((await upgradeLayout(oldFile, { signal: ac.signal })).status, "cancelled");
    await assert.rejects(
      upgradeLayout(oldFile, { freeSpace: async () => 1000 }),
      (e) => e instanceof MixtralError && /needs .* free in/.test(e.message),
    );
    assert.equal((await stat(oldFile)).size, before.size);
    assert.equal(await needsLayoutUpgrade(oldFile), true);
    assert.ok(!existsSync(`${oldFile}.partial`));
  });

  it("the upgraded file loads in node-llama-cpp and gives the same greedy output", async () => {
    await upgradeLayout(oldFile);
    const { getLlama, LlamaCompletion } = await import("node-llama-cpp");
    const llama: Llama = await getLlama({ gpu: false, build: "never", maxThreads: 1, logger: () => undefined });
    const run = async (file: string) => {
      const model = await llama.loadModel({ modelPath: file });
      try {
        const context = await model.createContext({ contextSize: 256 });
        const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
        const text = await completion.generateCompletion("[INST] Write a function [/INST]", { maxTokens: 24, temperature: 0 });
        await context.dispose();
        return text;
      } finally {
        await model.dispose();
      }
    };
    const expected = await run(newFile);
    assert.ok(expected.length > 0);
    assert.equal(await run(oldFile), expected);
  });
});
