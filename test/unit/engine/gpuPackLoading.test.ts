// The engine loads node-llama-cpp's binaries from a GPU pack in global storage through its module
// resolve hook: the real CPU package of the same version, unpacked per packLayout, stands in for a
// GPU pack (the only binaries that run on this machine), and the log must name its folder.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import { GPU_PACKS_ENV, gpuPackDir } from "../../../src/core/gpu/packLayout";
import { makePackRoot } from "../../helpers/gpuPackFixture";
import { chatPrompt, makeClient, request, tinyLoadOptions } from "./engineTestKit";

describe("GPU packs: loading (real engine child, real pack)", function () {
  this.timeout(300_000);
  const clients: EngineClient[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await Promise.all(cleanups.splice(0).map((d) => d()));
  });

  it("loads the binaries from the pack folder, answers through them, and logs the folder", async () => {
    const packs = await makePackRoot(["linux-x64"]);
    cleanups.push(packs.dispose);
    const { client, logs } = makeClient({ env: { [GPU_PACKS_ENV]: packs.root } });
    clients.push(client);
    await client.load(await tinyLoadOptions({ backend: "cpu" }));
    const result = await client.generate(request(chatPrompt("hello"), { maxTokens: 4 }), () => undefined);
    assert.equal(result.stats.generatedTokens, 4);
    const binaries = path.join(gpuPackDir(packs.root, "linux-x64"), "bins", "linux-x64");
    const line = logs.find((l) => l.message.startsWith("backend CPU from"));
    assert.ok(line, logs.map((l) => l.message).join("\n"));
    assert.equal(line.message, `backend CPU from GPU pack @node-llama-cpp/linux-x64@3.21.1, binary folder ${binaries}`);
  });
});
