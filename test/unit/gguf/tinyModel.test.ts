// The tiny Mixtral test model, checked against the real node-llama-cpp / llama.cpp.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Llama } from "node-llama-cpp" with { "resolution-mode": "import" };
import { tinyMixtralShape, writeTinyMixtral } from "../../../src/core/gguf/tinyMixtral";
import { MIXTRAL_CHAT_TEMPLATE } from "../../../src/core/gguf/tinyVocab";
import { ensureTinyModel, llamaLoadLog } from "../../helpers/tinyModel";

const BYTE_TOKENS = { first: 3, last: 258 }; // <0x00>..<0xFF> in Mistral's layout

describe("tiny Mixtral GGUF", function () {
  this.timeout(120_000);
  let llama: Llama;
  let tmp: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "tiny-mixtral-"));
    const { getLlama } = await import("node-llama-cpp");
    llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 }); // one thread: the test machine runs other work (spinning threads collapse)
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("is deterministic for a seed and differs across seeds", async () => {
    const sha = async (seed: number, name: string): Promise<string> => {
      const file = path.join(tmp, name);
      await writeTinyMixtral(file, { variant: "q8_0", seed });
      return createHash("sha256")
        .update(await readFile(file))
        .digest("hex");
    };
    const a = await sha(7, "a.gguf"),
      b = await sha(7, "b.gguf"),
      c = await sha(8, "c.gguf");
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it("ensureTinyModel caches one file per variant", async () => {
    const [q1, q2, f] = await Promise.all([ensureTinyModel(), ensureTinyModel("q8_0"), ensureTinyModel("f16")]);
    assert.equal(q1, q2);
    assert.match(path.basename(q1), /^tiny-mixtral-q8_0-v\d+\.gguf$/);
    assert.match(path.basename(f), /^tiny-mixtral-f16-v\d+\.gguf$/);
  });

  for (const variant of ["q8_0", "f16", "q4_k"] as const) {
    describe(variant, () => {
      it("has Mixtral's MoE metadata and merged expert tensors (readGgufFileInfo)", async () => {
        const { readGgufFileInfo } = await import("node-llama-cpp");
        const info = await readGgufFileInfo(await ensureTinyModel(variant));
        const meta = info.metadata as unknown as {
          general: { architecture: string };
          llama: {
            expert_count: number;
            expert_used_count: number;
            rope: { dimension_count: number };
            embedding_length: number;
            attention: { head_count: number; head_count_kv: number };
          };
          tokenizer: {
            chat_template: string;
            ggml: { model: string; bos_token_id: number; eos_token_id: number; tokens: string[]; token_type: number[] };
          };
        };
        assert.equal(meta.general.architecture, "llama");
        assert.equal(meta.llama.expert_count, 8);
        assert.equal(meta.llama.expert_used_count, 2);
        assert.ok(meta.llama.attention.head_count_kv < meta.llama.attention.head_count, "grouped KV heads");
        assert.equal(meta.llama.rope.dimension_count, meta.llama.embedding_length / meta.llama.attention.head_count);
        assert.equal(meta.tokenizer.chat_template, MIXTRAL_CHAT_TEMPLATE);
        assert.equal(meta.tokenizer.ggml.model, "llama");
        assert.equal(meta.tokenizer.ggml.tokens[meta.tokenizer.ggml.bos_token_id], "<s>");
        assert.equal(meta.tokenizer.ggml.tokens[meta.tokenizer.ggml.eos_token_id], "</s>");
        assert.equal(meta.tokenizer.ggml.tokens[BYTE_TOKENS.first + 0x41], "<0x41>");
        assert.equal(meta.tokenizer.ggml.token_type[BYTE_TOKENS.first + 0x41], 6);
        const gate = info.fullTensorInfo?.find((t) => t.name === "blk.0.ffn_gate_exps.weight");
        const down = info.fullTensorInfo?.find((t) => t.name === "blk.1.ffn_down_exps.weight");
        const router = info.fullTensorInfo?.find((t) => t.name === "blk.0.ffn_gate_inp.weight");
        const { embeddingLength: E, feedForwardLength: F } = tinyMixtralShape({ variant });
        assert.deepEqual(gate?.dimensions.map(Number), [E, F, 8]);
        assert.deepEqual(down?.dimensions.map(Number), [F, E, 8]);
        assert.deepEqual(router?.dimensions.map(Number), [E, 8]);
        assert.equal(gate?.ggmlType, { q8_0: 8, f16: 1, q4_k: 12 }[variant]);
        assert.equal(router?.ggmlType, 0, "router kept F32");
      });

      it("loads as MoE in llama.cpp, tokenizes to pieces and generates varied text greedily", async () => {
        const { LlamaCompletion } = await import("node-llama-cpp");
        const modelPath = await ensureTinyModel(variant);
        const { log, loaded } = await llamaLoadLog(modelPath);
        assert.ok(loaded, log);
        assert.match(log, /n_expert\s*=\s*8\b/);
        assert.match(log, /n_expert_used\s*=\s*2\b/);
        const model = await llama.loadModel({ modelPath });
        try {
          const tokens = model.tokenize("[INST] hello world [/INST]");
          const pieces = tokens.map((t) => model.detokenize([t]));
          assert.ok(
            tokens.every((t) => Number(t) > BYTE_TOKENS.last),
            `no byte fallback: ${JSON.stringify(pieces)}`,
          );
          assert.ok(
            pieces.some((p) => p.trim().length > 1),
            `multi-character pieces: ${JSON.stringify(pieces)}`,
          );
          assert.ok(tokens.length <= 6, `few tokens: ${JSON.stringify(pieces)}`);

          const context = await model.createContext({ contextSize: 512 });
          try {
            const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
            const text = await completion.generateCompletion("[INST] Write a function [/INST]", { maxTokens: 32, temperature: 0 });
            const generated = model.tokenize(text, false);
            assert.ok(text.trim().length > 0, "non-empty output");
            assert.ok(new Set(generated.map(Number)).size > 4, `not one repeated token: ${JSON.stringify(text)}`);
            assert.ok(!text.includes("\uFFFD"), `valid UTF-8 only: ${JSON.stringify(text)}`);
          } finally {
            await context.dispose();
          }
        } finally {
          await model.dispose();
        }
      });
    });
  }
});
