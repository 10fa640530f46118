// Child program of bench/host.ts: stands in for the extension host. It loads dist/extension.js's
// module body (with a stub `vscode` module, ONLY so that `require()` can be timed: nothing of the
// extension runs against the stub), then drives the real engine process through EngineClient with
// a model loaded, and reports its own memory next to the engine child's. One JSON line on stdout.
//   node out/bench/lib/hostProbe.js <dist/extension.js> [<model.gguf> <dist/engine.js> <threads>]
import { readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { EngineClient } from "../../src/core/engineClient/EngineClient";
import { procStatusKb } from "./stats";

/** Whatever is asked of it, it answers itself; never a thenable. It is its own prototype because
 *  esbuild's ESM interop copies a module into an object created from the module's prototype. */
function stub(): unknown {
  const target = function () {
    /* callable */
  };
  const proxy: unknown = new Proxy(target, {
    get: (_t, key) => (key === "then" ? undefined : key === Symbol.toPrimitive ? () => "" : proxy),
    apply: () => proxy,
    construct: () => proxy as object,
    getPrototypeOf: () => proxy as object,
  });
  return proxy;
}

/** Native libraries mapped into this process: proof that the host holds no llama.cpp. */
function nativeLlamaMapped(): string[] {
  try {
    const maps = readFileSync("/proc/self/maps", "utf8");
    return [
      ...new Set(
        maps
          .split("\n")
          .map((l) => l.split(/\s+/)[5] ?? "")
          .filter((f) => /llama|ggml|\.node$/.test(f)),
      ),
    ];
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const [extensionPath, modelPath, enginePath, threads] = process.argv.slice(2);
  const rssBareKb = process.memoryUsage().rss / 1024;
  const m = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = m._resolveFilename;
  m._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === "vscode" ? "vscode" : resolve.call(this, request, ...rest);
  };
  const cache = require.cache as Record<string, unknown>;
  cache.vscode = { id: "vscode", filename: "vscode", loaded: true, exports: stub(), children: [], paths: [] };
  const started = performance.now();
  createRequire(__filename)(extensionPath);
  const requireMs = performance.now() - started;
  const rssAfterRequireKb = process.memoryUsage().rss / 1024;
  const result: Record<string, unknown> = { requireMs, rssBareKb, rssAfterRequireKb, nativeAfterRequire: nativeLlamaMapped() };
  if (modelPath) {
    const client = new EngineClient({ enginePath, idleUnloadMs: 0 });
    try {
      await client.load({
        modelPath,
        backend: "cpu",
        gpuLayers: 0,
        contextSize: 4096,
        threads: Number(threads),
        flashAttention: "auto",
        useMmap: true,
        loraAdapters: [],
      });
      await client.generate(
        {
          slot: "chat",
          prompt: [{ type: "bos" }, { type: "text", text: "[INST] Write a function that adds two numbers. [/INST]" }],
          maxTokens: 64,
          temperature: 0,
        },
        () => {},
      );
      await client.generate(
        { slot: "completion", prompt: [{ type: "bos" }, { type: "text", text: "function add(a, b) {" }], maxTokens: 16, temperature: 0 },
        () => {},
      );
      const pid = client.pid ?? 0;
      global.gc?.();
      Object.assign(result, {
        hostRssKb: process.memoryUsage().rss / 1024,
        hostHeapUsedKb: process.memoryUsage().heapUsed / 1024,
        hostHwmKb: procStatusKb(process.pid, "VmHWM"),
        engineRssKb: procStatusKb(pid, "VmRSS"),
        engineHwmKb: procStatusKb(pid, "VmHWM"),
        nativeInHost: nativeLlamaMapped(),
      });
    } finally {
      await client.dispose();
    }
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`hostProbe: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
