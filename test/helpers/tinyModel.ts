// The tiny Mixtral-architecture GGUF used by tests: generated on first use (deterministically) into
// <repo>/.cache/models/ and reused afterwards. Written to a temporary name and renamed, so
// concurrent test processes never see a half-written file.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { writeTinyMixtral, type TinyMixtralVariant } from "../../src/core/gguf/tinyMixtral";

/** Bump when the generator's output changes, so stale cached files are not reused. */
export const TINY_MODEL_VERSION = 1;
export const TINY_MODEL_SEED = 1;

/** The repository root: the nearest folder above this file whose package.json is ours. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "mixtral-local") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no mixtral-local package.json above ${__dirname}`);
  }
}

export function tinyModelPath(variant: TinyMixtralVariant = "q8_0"): string {
  return path.join(repoRoot(), ".cache", "models", `tiny-mixtral-${variant}-v${TINY_MODEL_VERSION}.gguf`);
}

const pending = new Map<string, Promise<string>>();

/** Path of the cached tiny model, generating it first if needed. */
export function ensureTinyModel(variant: TinyMixtralVariant = "q8_0"): Promise<string> {
  const target = tinyModelPath(variant);
  let promise = pending.get(target);
  if (!promise) {
    promise = (async () => {
      if (existsSync(target)) return target;
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        await writeTinyMixtral(temp, { variant, seed: TINY_MODEL_SEED });
        await rename(temp, target);
      } finally {
        await rm(temp, { force: true });
      }
      return target;
    })();
    promise.catch(() => pending.delete(target));
    pending.set(target, promise);
  }
  return promise;
}

// Loads a model in a fresh Node process and returns llama.cpp's log. node-llama-cpp routes the
// native log to one logger per process, and a second getLlama() in the same process (another test
// file) stops it reaching any instance's logger, so in-process capture is unreliable in a suite.
const LOAD_LOG_SCRIPT = `
const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
const lines = [];
let loaded = false;
const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1, logLevel: LlamaLogLevel.info, logger: (_l, m) => lines.push(m) });
try { const model = await llama.loadModel({ modelPath: process.argv[2] }); loaded = true; await model.dispose(); }
catch (err) { lines.push("load error: " + err.message); }
process.stdout.write(JSON.stringify({ loaded, log: lines.join("\\n") }));
`;

/** Load `modelPath` with the real node-llama-cpp (CPU) in a child process; llama.cpp's log and whether it loaded. */
export async function llamaLoadLog(modelPath: string): Promise<{ loaded: boolean; log: string }> {
  // A file under the repository (not `node -e`): node-llama-cpp's binary self-test re-runs
  // process.execArgv, and the bare import must resolve to this repository's node_modules.
  const script = path.join(repoRoot(), ".cache", `llama-load-log-${process.pid}.mjs`);
  await mkdir(path.dirname(script), { recursive: true });
  await writeFile(script, LOAD_LOG_SCRIPT);
  try {
    return await runLoadLog(script, modelPath);
  } finally {
    await rm(script, { force: true });
  }
}

function runLoadLog(script: string, modelPath: string): Promise<{ loaded: boolean; log: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, modelPath], { cwd: repoRoot(), maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as { loaded: boolean; log: string }),
    );
  });
}
