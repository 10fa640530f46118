// `mixtral-local gpu-check [--backend auto|cuda|vulkan|metal|cpu] [--model FILE] [--retest]
//   [--data-dir DIR] [--json]`: what the extension's engine really does on this machine, headless:
// the real engine process with the installed GPU packs (and a GPU build made here) loads a model
// (default: the small decode-test model in dist/) as VS Code would, after testing each GPU backend
// with a short decode, then decodes 16 tokens. It prints the backend used, where its binaries came
// from, and each fallback with its reason and fix. Exit codes: 0 a GPU backend decodes, 3 it fell
// back to the CPU, 1 nothing loaded, 2 bad usage.
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { resolveExtensionDataDir } from "../../core/config/extensionDataDir";
import { EngineClient } from "../../core/engineClient/EngineClient";
import { MixtralError } from "../../core/errors";
import { GPU_PACKS_ENV, gpuPacksRoot, PROBE_CACHE_FILE } from "../../core/gpu/packLayout";
import type { Backend } from "../../shared/engineProtocol";
import { bundledNodeLlamaCppDir } from "./gpuBuild";

const USAGE =
  "usage: mixtral-local gpu-check [--backend auto|cuda|vulkan|metal|cpu] [--model FILE] [--retest] [--data-dir DIR] [--json] [--verbose]\n" +
  "  --retest   forget the remembered decode-test results (probe-results.json) and test again\n" +
  "  --verbose  print the engine's log (llama.cpp's included)\n";

/** A file of this build's dist/ (dist/cli.js sits beside it; out/src/cli/commands during tests). */
function distFile(name: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, name)) && path.basename(dir) === "dist") return path.join(dir, name);
    if (existsSync(path.join(dir, "dist", name))) return path.join(dir, "dist", name);
    if (path.dirname(dir) === dir) return path.join(__dirname, name);
  }
}

interface CheckArgs {
  backend?: string;
  model?: string;
  retest?: boolean;
  "data-dir"?: string;
  json?: boolean;
  verbose?: boolean;
  help?: boolean;
}

/** The command line's options and the backend asked for, or the exit code when it was bad usage
 *  (2) or --help (0). */
function parseCheckArgs(args: string[]): { o: CheckArgs; backend: Backend } | number {
  let o: CheckArgs;
  try {
    o = parseArgs({
      args,
      strict: true,
      options: {
        backend: { type: "string" },
        model: { type: "string" },
        retest: { type: "boolean" },
        "data-dir": { type: "string" },
        json: { type: "boolean" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`mixtral-local gpu-check: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const backend = (o.backend ?? "auto") as Backend;
  if (!["auto", "cuda", "vulkan", "metal", "cpu"].includes(backend)) {
    process.stderr.write(`mixtral-local gpu-check: --backend must be auto, cuda, vulkan, metal or cpu\n${USAGE}`);
    return 2;
  }
  return { o, backend };
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCheckArgs(args);
  if (typeof parsed === "number") return parsed;
  const { o, backend } = parsed;
  const data = resolveExtensionDataDir({ dataDir: o["data-dir"] });
  const version = (JSON.parse(await readFile(path.join(bundledNodeLlamaCppDir(), "package.json"), "utf8")) as { version: string }).version;
  const root = gpuPacksRoot(data.dir, version);
  if (o.retest) await rm(path.join(root, PROBE_CACHE_FILE), { force: true });
  const log: string[] = [];
  const client = new EngineClient({
    enginePath: distFile("engine.js"),
    env: { [GPU_PACKS_ENV]: root },
    onLog: (level, message) => {
      log.push(`[${level}] ${message}`);
      if (o.verbose) process.stderr.write(`[${level}] ${message}\n`);
      else if (/^(testing the|backend |.* failed its decode test|.* decoded \d+ tokens|the engine died of)/.test(message))
        process.stderr.write(`${message.split("\n")[0]}\n`);
    },
    idleUnloadMs: 0,
  });
  try {
    const modelPath = path.resolve(o.model ?? distFile("probe-model.gguf"));
    const info = await client.load({
      modelPath,
      backend,
      gpuLayers: "max",
      contextSize: 2048,
      threads: 0,
      flashAttention: "auto",
      useMmap: true,
      loraAdapters: [],
    });
    const answer = await client.generate(
      { slot: "chat", prompt: [{ type: "bos" }, { type: "text", text: "[INST] Say hello. [/INST]" }], maxTokens: 16, temperature: 0 },
      () => undefined,
    );
    const binaries = [...log]
      .reverse()
      .find((l) => l.includes("] backend ") && l.includes(" from "))
      ?.replace(/^\[\w+\] backend \S+ from /, "");
    const result = {
      dataDir: data.dir,
      packsFolder: root,
      backend: info.backend,
      gpuName: info.gpuName,
      gpuLayers: `${info.gpuLayers}/${info.layerCount}`,
      binaries,
      notices: info.notices,
      decode: { tokens: answer.stats.generatedTokens, tokensPerSecond: Math.round(answer.stats.tokensPerSecond) },
    };
    if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write(
        [
          `Backend: ${info.backend}${info.gpuName ? ` (${info.gpuName})` : ""}, ${result.gpuLayers} layers on the GPU; ${result.decode.tokens} tokens at ${result.decode.tokensPerSecond} tok/s`,
          `Binaries: ${binaries ?? "?"}`,
          ...info.notices.map((n) => `Notice: ${n}`),
          `GPU packs folder: ${root} (data folder from ${data.source})`,
          "",
        ].join("\n"),
      );
    }
    return info.backend === "cpu" && backend !== "cpu" ? 3 : 0;
  } catch (err) {
    if (!(err instanceof MixtralError)) throw err;
    process.stderr.write(
      `mixtral-local gpu-check: ${err.message}\n${err.hint ? `${err.hint}\n` : ""}${o.verbose ? "" : `${log.slice(-20).join("\n")}\n`}`,
    );
    return 1;
  } finally {
    await client.dispose();
  }
}
