// One build for the three bundles (and the CLI):
//   dist/extension.js  node, cjs, loaded by VS Code's extension host
//   dist/engine.js     node, cjs, the child process that alone loads node-llama-cpp
//   dist/gpuPackHook.mjs  node, esm, the module resolve hook the engine registers for GPU packs
//                      (node:module register() loads hooks as ES modules on the loader thread)
//   dist/cli.js        node, cjs, `mixtral-local` command line
//   dist/indexer.js    node, cjs, the workspace index's worker thread (src/indexer), with
//                      dist/tree-sitter/*.wasm: web-tree-sitter's runtime and the grammars it loads
//   dist/webview.js    browser, iife, the chat view
//   dist/probe-model.gguf  the model of the engine's GPU decode test (writeProbeModel below)
// node-llama-cpp is ESM-only with top-level await: it stays external and is loaded with a real
// `import()` (esbuild keeps dynamic imports for node20 targets; never rewrite them to require).
// The packaging test imports `bundleConfigs` to check what each bundle pulls in.
import * as esbuild from "esbuild";
import { copyFile, mkdir, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** The esbuild options of every bundle; `production` minifies and compiles out the test hooks. */
export function bundleConfigs({ production = false } = {}) {
  const node = {
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: !production,
    minify: production,
    external: ["vscode", "node-llama-cpp", "@node-llama-cpp/*"],
    // The extension-host tests' `mixtral._test.*` commands and auto-answers (src/vscode/testHooks.d.ts):
    // `false` lets esbuild drop them, names included, from the bundle that ships in the VSIX.
    define: { MIXTRAL_TEST_HOOKS: production ? "false" : "true" },
    logLevel: "warning",
  };
  return [
    { ...node, entryPoints: ["src/vscode/extension.ts"], outfile: "dist/extension.js" },
    { ...node, entryPoints: ["src/engine/main.ts"], outfile: "dist/engine.js" },
    { ...node, format: "esm", entryPoints: ["src/engine/gpuPackHook.ts"], outfile: "dist/gpuPackHook.mjs" },
    { ...node, entryPoints: ["src/cli/main.ts"], outfile: "dist/cli.js", banner: { js: "#!/usr/bin/env node" } },
    // web-tree-sitter's ES build (the one esbuild picks for `import`) reads import.meta.url, which
    // a CommonJS bundle lacks: give it the bundle's own file URL.
    {
      ...node,
      entryPoints: ["src/indexer/main.ts"],
      outfile: "dist/indexer.js",
      define: { ...node.define, "import.meta.url": "__indexerFileUrl" },
      banner: { js: 'const __indexerFileUrl = require("node:url").pathToFileURL(__filename).href;' },
    },
    {
      bundle: true,
      platform: "browser",
      format: "iife",
      target: "es2022",
      sourcemap: !production,
      minify: production,
      entryPoints: ["webview/main.ts"],
      outfile: "dist/webview.js",
      loader: { ".css": "text" },
      logLevel: "warning",
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const configs = bundleConfigs({ production: process.argv.includes("--production") });
  if (process.argv.includes("--watch")) {
    const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log("esbuild: watching");
  } else {
    await Promise.all(configs.map((c) => esbuild.build(c)));
  }
  await copyTreeSitterWasm();
  await writeManifest();
  await writeProbeModel();
}

/** The wasm files the indexer worker loads: the runtime and the grammars of src/core/workspace/languages.ts. */
async function copyTreeSitterWasm() {
  const TREE_SITTER_GRAMMARS = ["typescript", "tsx", "javascript", "python", "go", "rust", "java", "cpp", "c-sharp"];
  const require = createRequire(import.meta.url);
  const grammars = dirname(require.resolve("@vscode/tree-sitter-wasm/package.json"));
  await mkdir("dist/tree-sitter", { recursive: true });
  await copyFile(require.resolve("web-tree-sitter/web-tree-sitter.wasm"), "dist/tree-sitter/web-tree-sitter.wasm");
  for (const name of TREE_SITTER_GRAMMARS)
    await copyFile(join(grammars, "wasm", `tree-sitter-${name}.wasm`), `dist/tree-sitter/tree-sitter-${name}.wasm`);
}

// The model the engine's GPU decode test loads (src/engine/backendProbe.ts): the tiny
// Mixtral-architecture generator's output (1 layer, Q4_K weights, 8 experts: the kernels a
// Q4_K_M Mixtral runs; ~1.7 MB), written here so that the generator (src/core/gguf/tinyMixtral and
// its writers) never enters a bundle the extension ships.
async function writeProbeModel() {
  const { outputFiles } = await esbuild.build({
    entryPoints: ["src/core/gguf/tinyMixtral.ts"],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    write: false,
    logLevel: "warning",
  });
  const module = { exports: {} };
  new Function("module", "exports", "require", outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  const temp = `dist/probe-model.gguf.${process.pid}.tmp`;
  await module.exports.writeTinyMixtral(temp, { variant: "q4_k", layers: 1, seed: 1, name: "mixtral-local-probe" });
  await rename(temp, "dist/probe-model.gguf");
}

// dist/gpu-packs.json: the pinned GPU packs for the target being built (scripts/package.mjs sets
// MIXTRAL_TARGET; default this machine). Cached after the first build; offline without a cache, a
// dev build goes without it (the extension then offers no GPU pack) while packaging fails.
// Imported here, not at the top: the packaging test imports this file for bundleConfigs only.
async function writeManifest() {
  const { writeGpuPackManifest } = await import("./scripts/lib/gpuPacks.mjs");
  const { hostTarget } = await import("./scripts/package.mjs");
  try {
    await writeGpuPackManifest(process.env.MIXTRAL_TARGET || hostTarget());
  } catch (err) {
    if (process.env.MIXTRAL_TARGET) throw err;
    console.warn(`esbuild: no dist/gpu-packs.json (${err instanceof Error ? err.message : String(err)})`);
  }
}
