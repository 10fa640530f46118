// Load-time options against the real engine: a LoRA adapter changes greedy output, a missing file
// is named with its setting, and the memory fit check refuses a full-size (sparse) Mixtral-8x7B
// file before llama.cpp maps it.
import * as assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import { InsufficientMemoryError, ModelNotInstalledError } from "../../../src/core/errors";
import { writeSparseMixtral } from "../../helpers/sparseMixtral";
import { ensureTinyLora } from "../../helpers/tinyLora";
import { chatPrompt, makeClient, request, tinyLoadOptions } from "./engineTestKit";

describe("engine load options (real child process)", function () {
  this.timeout(120_000);
  let client: EngineClient;
  let dir: string;

  before(async () => {
    ({ client } = makeClient());
    dir = await mkdtemp(path.join(os.tmpdir(), "engine-options-"));
  });
  after(async () => {
    await client?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies a LoRA adapter: it loads and changes the greedy output", async () => {
    const prompt = request(chatPrompt("Explain recursion"), { maxTokens: 12 });
    await client.load(await tinyLoadOptions());
    const plain = await client.generate(prompt, () => undefined);
    await client.load(await tinyLoadOptions({ loraAdapters: [{ path: await ensureTinyLora(), scale: 1 }] }));
    const adapted = await client.generate(prompt, () => undefined);
    assert.equal(adapted.stats.generatedTokens, 12);
    assert.notEqual(adapted.text, plain.text);
  });

  it("a missing model file or LoRA adapter: the error names the file and the setting to fix, and the engine stays up", async () => {
    const gone = path.join(dir, "moved-away.gguf");
    await assert.rejects(client.load(await tinyLoadOptions({ modelPath: gone })), (error: unknown) => {
      assert.ok(error instanceof ModelNotInstalledError, String(error));
      assert.equal(
        error.message,
        `The model file ${gone} does not exist or cannot be read. Check mixtral.modelPath, or run “Mixtral: Select or Download Model…” to choose or download it again.`,
      );
      assert.equal(error.hint, undefined);
      return true;
    });
    await assert.rejects(client.load(await tinyLoadOptions({ loraAdapters: [{ path: gone, scale: 1 }] })), (error: unknown) => {
      assert.ok(error instanceof ModelNotInstalledError, String(error));
      assert.equal(error.message, `The LoRA adapter ${gone} does not exist or cannot be read. Fix or remove it in mixtral.loraAdapters.`);
      return true;
    });
    assert.ok(client.pid, "the engine process died");
  });

  it("refuses a model too large for this machine and names the memory it needs", async () => {
    const file = path.join(dir, "mixtral-8x7b-Q4_K_M-sparse.gguf");
    await writeSparseMixtral(file, { quantization: "Q4_K_M" });
    const options = await tinyLoadOptions({ modelPath: file, contextSize: 8192 });
    await assert.rejects(client.load(options), (error: unknown) => {
      assert.ok(error instanceof InsufficientMemoryError, String(error));
      const needed = /needs about (\d+(?:\.\d)?) GB/.exec(error.message);
      assert.ok(needed, error.message);
      // 26 GB of Q4_K_M weights at least, whatever this machine's repack rules add.
      assert.ok(Number(needed[1]) > 24, error.message);
      assert.ok(Number(needed[1]) * 1e9 > os.freemem());
      assert.match(error.message, /free of/);
      assert.match(error.message, /Q3_K_M or Q2_K/);
      return true;
    });
    assert.ok(client.pid, "the engine process died");
  });
});
