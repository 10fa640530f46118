// The tiny Mixtral-architecture GGUF used by tests: generated on first use (deterministically) into
// <repo>/.cache/models/ and reused afterwards. Written to a temporary name and renamed, so
// concurrent test processes never see a half-written file.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
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
