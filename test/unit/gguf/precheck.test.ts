// The bounded GGUF pre-check against a corpus of broken files generated here, and the real tiny model.
import * as assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { InvalidModelFileError } from "../../../src/core/errors";
import { GgufPrecheckError, precheckGguf, type GgufRefusalReason } from "../../../src/core/gguf/ggufPrecheck";
import { GgufByteBuilder, gv } from "../../../src/core/gguf/ggufBytes";
import { layoutGguf, writeGguf } from "../../../src/core/gguf/ggufWriter";
import { GGUF_MAGIC } from "../../../src/core/gguf/ggufTypes";
import { tinyMixtralGguf } from "../../../src/core/gguf/tinyMixtral";
import { MIXTRAL_CHAT_TEMPLATE } from "../../../src/core/gguf/tinyVocab";
import { ensureTinyModel, llamaLoadLog } from "../../helpers/tinyModel";

const U64_HUGE = (1n << 62n) + 5n;

/** A GGUF header: magic, version, counts, then whatever `body` appends. */
function header(
  tensorCount: number | bigint,
  kvCount: number | bigint,
  body: (b: GgufByteBuilder) => void = () => {},
  version = 3,
): Buffer {
  const b = new GgufByteBuilder().u32(GGUF_MAGIC).u32(version).u64(tensorCount).u64(kvCount);
  body(b);
  return b.toBuffer();
}

/** One tensor info followed by the padded header end and `dataBytes` of data. */
function oneTensor(info: { dims: (number | bigint)[]; type?: number; offset?: number | bigint; name?: string }, dataBytes: number): Buffer {
  const b = new GgufByteBuilder()
    .u32(GGUF_MAGIC)
    .u32(3)
    .u64(1)
    .u64(1)
    .kv("general.architecture", gv.str("llama"))
    .str(info.name ?? "t.weight")
    .u32(info.dims.length);
  for (const d of info.dims) b.u64(d);
  b.u32(info.type ?? 0)
    .u64(info.offset ?? 0)
    .pad(32)
    .bytes(Buffer.alloc(dataBytes));
  return b.toBuffer();
}

describe("GGUF pre-check", function () {
  this.timeout(120_000);
  let dir: string;
  let n = 0;
  const file = async (bytes: Uint8Array): Promise<string> => {
    const p = path.join(dir, `case-${n++}.gguf`);
    await writeFile(p, bytes);
    return p;
  };
  const refused = async (p: string, reason: GgufRefusalReason, message: RegExp): Promise<GgufPrecheckError> => {
    const err = await precheckGguf(p).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof GgufPrecheckError, `expected a refusal, got ${String(err)}`);
    assert.ok(err instanceof InvalidModelFileError);
    assert.equal(err.reason, reason, err.message);
    assert.match(err.message, message);
    assert.ok(err.hint && err.hint.length > 10, "has a hint");
    return err;
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gguf-precheck-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts the tiny Mixtral model and summarises it", async () => {
    for (const variant of ["q8_0", "f16"] as const) {
      const p = await ensureTinyModel(variant);
      const s = await precheckGguf(p);
      const expected = tinyMixtralGguf({ variant });
      assert.equal(s.architecture, "llama");
      assert.equal(s.expertCount, 8);
      assert.equal(s.expertUsedCount, 2);
      assert.equal(s.contextLength, expected.shape.contextLength);
      assert.equal(s.blockCount, expected.shape.layers);
      assert.equal(s.embeddingLength, expected.shape.embeddingLength);
      assert.equal(s.fileTypeName, variant === "f16" ? "F16" : "Q8_0");
      assert.equal(s.tensorCount, expected.tensors.length);
      assert.equal(s.chatTemplate, MIXTRAL_CHAT_TEMPLATE);
      assert.equal(s.vocabSize, expected.shape.vocabSize);
      assert.equal(s.fileSize, (await stat(p)).size);
      assert.equal(s.tensorTypes.F32, 3 * expected.shape.layers + 1, "norms and routers are F32");
      assert.ok(s.dataOffset % 32 === 0 && s.dataOffset + s.tensorDataBytes <= s.fileSize);
    }
  });

  it("refuses an empty file and a missing file", async () => {
    await refused(await file(new Uint8Array()), "empty", /is empty \(0 bytes\)/);
    await refused(path.join(dir, "missing.gguf"), "empty", /Cannot open the model file/);
  });

  it("refuses files that are not GGUF, naming what they look like", async () => {
    const html = await refused(
      await file(Buffer.from("<!DOCTYPE html><title>404</title>")),
      "not-gguf",
      /does not start with "GGUF".*error page/,
    );
    assert.match(html.hint!, /not a GGUF model/);
    await refused(await file(Buffer.from("lmgg\x01\x00\x00\x00rest", "latin1")), "not-gguf", /old GGML/);
    await refused(await file(Buffer.from([1, 2])), "truncated", /only 2 bytes/);
  });

  it("refuses unsupported versions", async () => {
    await refused(await file(header(0, 0, undefined, 4)), "unsupported-version", /version 4; only versions 2 and 3/);
    const v1 = await refused(await file(header(0, 0, undefined, 1)), "unsupported-version", /version 1/);
    assert.match(v1.hint!, /obsolete/);
    await refused(await file(header(0, 0, undefined, 0x03000000)), "unsupported-version", /big-endian/);
  });

  it("refuses a header cut short, wherever it is cut", async () => {
    const whole = await readFile(await ensureTinyModel());
    const { dataOffset } = await precheckGguf(await ensureTinyModel());
    for (const cut of [6, 20, 100, 5_000, dataOffset - 10]) {
      await refused(await file(whole.subarray(0, cut)), "truncated", /header is cut short|only \d+ bytes/);
    }
  });

  it("refuses absurd tensor and key counts before reading further", async () => {
    await refused(await file(header(1n << 40n, 0)), "too-many-tensors", /declares 1099511627776 tensors/);
    await refused(await file(header(0, (1n << 64n) - 1n)), "too-many-kv", /declares 18446744073709551615 metadata keys/);
    // Within the caps but more keys than the file holds: a truncation, not an allocation.
    await refused(await file(header(0, 60_000)), "truncated", /cut short/);
  });

  it("refuses huge string lengths in keys, values and tensor names", async () => {
    await refused(
      await file(header(0, 1, (b) => b.u64(U64_HUGE))),
      "string-too-long",
      /metadata key #0 of 4611686018427387909 bytes.*longer than the rest of the file/,
    );
    await refused(
      await file(header(0, 1, (b) => b.str("general.name").u32(8).u64(U64_HUGE))),
      "string-too-long",
      /"general\.name" of 4611686018427387909 bytes/,
    );
    await refused(
      await file(header(0, 1, (b) => b.str("general.name").u32(8).u64(4096).bytes(Buffer.from("short")))),
      "truncated",
      /needs 4096 bytes/,
    );
    await refused(await file(header(1, 0, (b) => b.u64(U64_HUGE))), "string-too-long", /name of tensor #0/);
  });

  it("refuses huge, deep and mistyped metadata arrays", async () => {
    await refused(
      await file(
        header(0, 1, (b) =>
          b
            .str("a")
            .u32(9)
            .u32(4)
            .u64(1n << 40n),
        ),
      ),
      "array-too-long",
      /"a" declares 1099511627776 elements/,
    );
    // 4M u64 = 32 MB declared in a tiny file.
    await refused(await file(header(0, 1, (b) => b.str("a").u32(9).u32(10).u64(4_000_000))), "truncated", /4000000 elements of "a"/);
    await refused(await file(header(0, 1, (b) => b.str("s").u32(9).u32(8).u64(3_000_000))), "truncated", /3000000 elements of "s"/);
    const deep = header(0, 1, (b) => {
      b.str("deep").u32(9);
      for (let i = 0; i < 10; i++) b.u32(9).u64(1);
      b.u32(4).u64(0);
    });
    await refused(await file(deep), "array-too-deep", /"deep\[0\]\[0\]\[0\]" nests arrays more than 3 deep/);
    await refused(await file(header(0, 1, (b) => b.str("x").u32(77))), "bad-value-type", /"x" has unknown value type 77/);
    await refused(await file(header(0, 1, (b) => b.str("x").u32(9).u32(13).u64(1))), "bad-value-type", /element type 13/);
    const dup = header(0, 2, (b) => b.kv("k", gv.u32(1)).kv("k", gv.u32(2)));
    await refused(await file(dup), "bad-metadata", /repeats the metadata key "k"/);
    await refused(await file(header(0, 1, (b) => b.kv("general.alignment", gv.u32(48)))), "bad-metadata", /alignment 48/);
  });

  it("accepts nested arrays within the caps", async () => {
    const nested = header(0, 2, (b) =>
      b
        .kv("general.architecture", gv.str("llama"))
        .kv("x.nested", gv.arrays([gv.array("string", ["a", "b"]), gv.arrays([gv.array("u8", [1, 2, 3])])])),
    );
    const s = await precheckGguf(await file(nested));
    assert.equal(s.architecture, "llama");
    assert.equal(s.tensorCount, 0);
  });

  it("refuses bad tensor infos: dimensions, overflow, type, alignment", async () => {
    await refused(await file(oneTensor({ dims: [32, 1, 1, 1, 1] }, 128)), "bad-tensor", /5 dimensions/);
    await refused(await file(oneTensor({ dims: [1n << 32n, 1n << 32n, 1n << 32n] }, 0)), "bad-tensor", /overflows 64 bits/);
    await refused(await file(oneTensor({ dims: [(1n << 64n) - 1n] }, 0)), "bad-tensor", /negative dimension/);
    await refused(await file(oneTensor({ dims: [32], type: 99 }, 128)), "bad-tensor", /unknown tensor type 99/);
    await refused(await file(oneTensor({ dims: [33], type: 8 }, 128)), "bad-tensor", /rows of 33 values.*Q8_0/);
    await refused(await file(oneTensor({ dims: [32], offset: 3 }, 128)), "bad-tensor", /offset 3, not aligned to 32/);
    await refused(await file(oneTensor({ dims: [32], name: "x".repeat(64) }, 128)), "bad-tensor", /longer than 63 bytes/);
  });

  it("refuses tensor data outside the file", async () => {
    await refused(
      await file(oneTensor({ dims: [32], offset: 1n << 40n }, 128)),
      "tensor-out-of-bounds",
      /starts at data offset 1099511627776, past the end/,
    );
    await refused(await file(oneTensor({ dims: [64] }, 128)), "tensor-out-of-bounds", /needs bytes up to data offset 256.*ends at 128/);
    const p = path.join(dir, "cut-data.gguf");
    await writeFile(p, await readFile(await ensureTinyModel()));
    await truncate(p, (await stat(p)).size - 1000);
    const err = await refused(p, "tensor-out-of-bounds", /tensor "output\.weight" needs bytes up to/);
    assert.match(err.hint!, /incomplete: re-download/);
  });

  it("refuses the Dec-2023 Mixtral layout with one tensor per expert, naming the cause", async () => {
    const { metadata, tensors } = tinyMixtralGguf({ variant: "f16" });
    const split = tensors.flatMap((t) => {
      const m = /^(blk\.\d+\.ffn_(gate|up|down))_exps\.weight$/.exec(t.name);
      if (!m) return [t];
      return Array.from({ length: 8 }, (_, e) => ({ name: `${m[1]}.${e}.weight`, dims: t.dims.slice(0, 2), type: t.type }));
    });
    const p = path.join(dir, "old-layout.gguf");
    await writeGguf(p, { metadata, tensors: split });
    const err = await refused(
      p,
      "old-expert-layout",
      /separate tensor \(blk\.0\.ffn_gate\.0\.weight\).*December 2023.*blk\.0\.ffn_gate_exps\.weight/,
    );
    assert.match(err.hint!, /current conversion/);

    // The reason given is the real one: llama.cpp itself refuses this layout.
    const { loaded, log } = await llamaLoadLog(p);
    assert.equal(loaded, false);
    assert.match(log, /missing tensor 'blk\.0\.ffn_down_exps\.weight'/);
  });

  it("sizes every header it writes the way the pre-check reads it", async () => {
    const { metadata, tensors } = tinyMixtralGguf({ variant: "q8_0" });
    const layout = layoutGguf({ metadata, tensors });
    const s = await precheckGguf(await ensureTinyModel("q8_0"));
    assert.equal(s.dataOffset, layout.dataOffset);
    assert.equal(s.fileSize, layout.totalSize);
  });
});
