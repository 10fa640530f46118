// The sparse full-size Mixtral-shaped GGUF: real header and sizes, almost nothing on disk.
import * as assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { precheckGguf } from "../../../src/core/gguf/ggufPrecheck";
import { MIXTRAL_8X7B, writeSparseMixtral } from "../../helpers/sparseMixtral";

describe("sparse full-size Mixtral-shaped GGUF", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sparse-mixtral-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("has Mixtral-8x7B's shape and a Q4_K_M-like size while using a few MB of disk", async () => {
    const p = path.join(dir, "mixtral-q4_k_m.gguf");
    const layout = await writeSparseMixtral(p, { quantization: "Q4_K_M" });
    const st = await stat(p);
    assert.equal(st.size, layout.totalSize);
    assert.ok(st.size > 24 * 2 ** 30 && st.size < 30 * 2 ** 30, `apparent size ${st.size}`);
    assert.ok(st.blocks * 512 < 64 * 2 ** 20, `on disk ${st.blocks * 512} bytes`);

    const s = await precheckGguf(p);
    assert.equal(s.fileTypeName, "Q4_K_M");
    assert.equal(s.expertCount, MIXTRAL_8X7B.expertCount);
    assert.equal(s.expertUsedCount, MIXTRAL_8X7B.expertUsedCount);
    assert.equal(s.blockCount, 32);
    assert.equal(s.contextLength, 32768);
    assert.equal(s.vocabSize, 32000);
    assert.ok(s.tensorTypes.Q4_K > 0 && s.tensorTypes.Q6_K > 0);

    const { readGgufFileInfo } = await import("node-llama-cpp");
    const info = await readGgufFileInfo(p);
    const llamaMeta = (info.metadata as unknown as { llama: { expert_count: number; embedding_length: number } }).llama;
    assert.equal(llamaMeta.expert_count, 8);
    assert.equal(llamaMeta.embedding_length, 4096);
  });

  it("orders quantizations by size", async () => {
    const sizes: number[] = [];
    for (const quantization of ["Q2_K", "Q3_K_M", "Q4_K_M", "Q8_0"] as const) {
      const p = path.join(dir, `m-${quantization}.gguf`);
      sizes.push((await writeSparseMixtral(p, { quantization, layers: 2 })).totalSize);
      await rm(p);
    }
    assert.deepEqual(
      [...sizes].sort((a, b) => a - b),
      sizes,
    );
  });
});
