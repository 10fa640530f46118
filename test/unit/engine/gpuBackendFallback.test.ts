// A GPU backend is trusted only after it decodes, and one that fails falls back with the reason and
// the fix. Real engine child, real node-llama-cpp, real packs where this machine allows: the real
// Vulkan package on a machine without a Vulkan loader. The CUDA abort (SIGABRT at the first decode
// on an H200 with driver 580) cannot happen without that GPU: a fixture package and a fixture
// engine wrapper die the same way (real abort, real error lines), see test/fixtures.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { cp } from "node:fs/promises";
import * as path from "node:path";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import type { EngineStateChange } from "../../../src/core/engineClient/types";
import { isFallbackNotice, isRememberedFallback } from "../../../src/core/gpu/gpuFailure";
import { GPU_PACKS_ENV, gpuPackDir } from "../../../src/core/gpu/packLayout";
import { makePackRoot } from "../../helpers/gpuPackFixture";
import { repoRoot } from "../../helpers/tinyModel";
import { chatPrompt, enginePath, makeClient, request, tinyLoadOptions, type Logged } from "./engineTestKit";

const PTX_NOTICE =
  "CUDA was not used: this NVIDIA driver cannot run this CUDA build on this card (its code for the card is PTX from a newer CUDA than the driver supports). " +
  "Using CPU instead (much slower). To fix: update the NVIDIA driver to R590+ (CUDA 13.1), or build GPU support for this machine " +
  "(“Mixtral: Build GPU Support for This Machine”, or `mixtral-local gpu-build`), or use the Vulkan pack.";

const REMEMBERED =
  " (Remembered from an earlier decode test on this driver; to test again: `mixtral-local gpu-check --retest`, or delete probe-results.json in the GPU packs folder.)";

const text = (logs: Logged[]) => logs.map((l) => `[${l.level}] ${l.message}`).join("\n");

describe("GPU backends: decode test and fallback (real engine child)", function () {
  this.timeout(300_000);
  const clients: EngineClient[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await Promise.all(cleanups.splice(0).map((d) => d()));
  });
  const client = (env: Record<string, string>, enginePathOverride?: string) => {
    const made = makeClient({ env, ...(enginePathOverride ? { enginePath: enginePathOverride } : {}) });
    clients.push(made.client);
    return made;
  };

  it("falls back to the CPU when the real Vulkan pack cannot load here (no Vulkan loader), and says why and what fixes it", async () => {
    const packs = await makePackRoot(["linux-x64-vulkan"]);
    cleanups.push(packs.dispose);
    const { client: c, logs } = client({ [GPU_PACKS_ENV]: packs.root });
    const info = await c.load(await tinyLoadOptions({ backend: "auto" }));
    assert.equal(info.backend, "cpu");
    assert.deepEqual(info.notices, [
      "Vulkan was not used: no usable Vulkan driver was found (the Vulkan loader libvulkan.so.1 and a GPU's Vulkan driver are needed). Using CPU instead (much slower). " +
        "To fix: install the Vulkan loader and your GPU's Vulkan driver (Debian/Ubuntu: `apt install libvulkan1 mesa-vulkan-drivers`; NVIDIA's driver includes its own).",
    ]);
    assert.match(text(logs), /loading libggml-vulkan\.so: libvulkan\.so\.1: cannot open shared object file/);
    const answer = await c.generate(request(chatPrompt("hello"), { maxTokens: 3 }), () => undefined);
    assert.equal(answer.stats.generatedTokens, 3);
  });

  it("with both real CUDA packs, tries the CUDA 12 build after the CUDA 13 one (a view of the CUDA pack without its CUDA 13 library) before the CPU", async () => {
    const packs = await makePackRoot(["linux-x64-cuda", "linux-x64-cuda-ext"]);
    cleanups.push(packs.dispose);
    const { client: c, logs } = client({ [GPU_PACKS_ENV]: packs.root });
    const info = await c.load(await tinyLoadOptions({ backend: "auto" }));
    assert.equal(info.backend, "cpu");
    // This machine has neither CUDA runtime: both fail to load, each naming its own runtime.
    assert.equal(info.notices.length, 2, info.notices.join("\n"));
    assert.match(
      info.notices[0],
      /^CUDA was not used: the CUDA runtime is not installed \(lib(cudart|cublas|cublasLt)\.so\.13 not found\): .*\. Using CPU instead \(much slower\)\. To fix: install the CUDA runtime/,
    );
    assert.match(
      info.notices[1],
      /^CUDA 12 was not used: the CUDA runtime is not installed \(libcudart\.so\.12 not found\): .*\. Using CPU instead \(much slower\)\. To fix: install the CUDA runtime/,
    );
    assert.ok(
      logs.some((l) => l.message.startsWith("testing the CUDA 12 backend")),
      text(logs),
    );
    const view = path.join(packs.root, "cuda12-view", "node_modules", "@node-llama-cpp", "linux-x64-cuda", "bins", "linux-x64-cuda");
    const real = path.join(gpuPackDir(packs.root, "linux-x64-cuda"), "bins", "linux-x64-cuda");
    assert.equal(
      statSync(path.join(view, "llama-addon.node")).ino,
      statSync(path.join(real, "llama-addon.node")).ino,
      "hard-linked, not copied",
    );
    assert.ok(
      existsSync(path.join(real, "libggml-cuda.so")) && !existsSync(path.join(view, "libggml-cuda.so")),
      "the view leaves out the CUDA 13 library",
    );
  });

  it("catches a CUDA pack that aborts in its decode test, falls back, and never tests or loads it again on this driver", async () => {
    const packs = await makePackRoot([]);
    cleanups.push(packs.dispose);
    await cp(path.join(repoRoot(), "test", "fixtures", "gpu-packs", "aborting-cuda"), gpuPackDir(packs.root, "linux-x64-cuda"), {
      recursive: true,
    });
    const first = client({ [GPU_PACKS_ENV]: packs.root });
    const states: EngineStateChange["state"][] = [];
    first.client.onDidChangeState((s) => states.push(s.state));
    const progress: string[] = [];
    const info = await first.client.load(await tinyLoadOptions({ backend: "auto" }), {
      onProgress: (_f, message) => {
        if (message) progress.push(message);
      },
    });
    assert.equal(info.backend, "cpu");
    assert.deepEqual(info.notices, [PTX_NOTICE]);
    assert.ok(progress.includes("testing CUDA (a short decode)"), progress.join(", "));
    assert.match(
      text(first.logs),
      /CUDA failed its decode test \(SIGABRT\): CUDA error: the provided PTX was compiled with an unsupported toolchain/,
    );
    // The probe died, not the engine.
    assert.ok(!states.includes("crashed"), states.join(","));

    const second = client({ [GPU_PACKS_ENV]: packs.root });
    const again = await second.client.load(await tinyLoadOptions({ backend: "auto" }));
    assert.equal(again.backend, "cpu");
    // Not tested again, but the reason stays in the model's notices (status bar, doctor, CLI)
    // for as long as the remembered verdict stands, marked as remembered.
    assert.deepEqual(again.notices, [`${PTX_NOTICE}${REMEMBERED}`]);
    assert.ok(again.notices.every(isFallbackNotice) && again.notices.every(isRememberedFallback));
    assert.ok(!info.notices.some(isRememberedFallback));
    assert.ok(!second.logs.some((l) => l.message.startsWith("testing the CUDA backend")), text(second.logs));
    const answer = await second.client.generate(request(chatPrompt("hello"), { maxTokens: 3 }), () => undefined);
    assert.equal(answer.stats.generatedTokens, 3);
  });

  it("mixtral-local gpu-check shows it headless: the abort caught, the fallback with its reason, exit 3; on the next run too, remembered", async () => {
    const packs = await makePackRoot([]);
    cleanups.push(packs.dispose);
    await cp(path.join(repoRoot(), "test", "fixtures", "gpu-packs", "aborting-cuda"), gpuPackDir(packs.root, "linux-x64-cuda"), {
      recursive: true,
    });
    const cli = path.join(repoRoot(), "out", "src", "cli", "main.js");
    const gpuCheck = () =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [cli, "gpu-check", "--data-dir", packs.dataDir], (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const r = await gpuCheck();
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /CUDA failed its decode test \(SIGABRT\): CUDA error: the provided PTX was compiled with an unsupported toolchain/,
    );
    assert.match(r.stdout, /^Backend: cpu, 0\/2 layers on the GPU; 16 tokens at \d+ tok\/s$/m);
    assert.ok(r.stdout.includes(`Notice: ${PTX_NOTICE}\n`), r.stdout);
    // Run again: the verdict is remembered (no new test), and the notice still says why.
    const again = await gpuCheck();
    assert.equal(again.code, 3, again.stderr);
    assert.doesNotMatch(again.stderr, /testing the CUDA backend/);
    assert.ok(again.stdout.includes(`Notice: ${PTX_NOTICE}${REMEMBERED}\n`), again.stdout);
  });

  it("does not restart into a deterministic CUDA abort of the engine itself: it reloads past CUDA once, with the reason", async () => {
    const wrapper = path.join(repoRoot(), "test", "fixtures", "engine", "abortingCudaEngine.js");
    const { client: c, logs } = client({ MIXTRAL_REAL_ENGINE: enginePath() }, wrapper);
    const states: EngineStateChange["state"][] = [];
    c.onDidChangeState((s) => states.push(s.state));
    const info = await c.load(await tinyLoadOptions({ backend: "cuda" }));
    assert.equal(info.backend, "cpu");
    assert.deepEqual(info.notices, [PTX_NOTICE]);
    assert.equal(states.filter((s) => s === "crashed").length, 1, states.join(","));
    assert.ok(!states.includes("failed"), states.join(","));
    assert.equal(
      logs.filter((l) => /the engine died of a CUDA abort \(SIGABRT\|CUDA error: the provided PTX/.test(l.message)).length,
      1,
      text(logs),
    );
    const answer = await c.generate(request(chatPrompt("hello"), { maxTokens: 3 }), () => undefined);
    assert.equal(answer.stats.generatedTokens, 3);
    assert.equal(c.state, "ready");
  });
});
