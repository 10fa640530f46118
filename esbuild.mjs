// One build for the three bundles (and the CLI):
//   dist/extension.js  node, cjs, loaded by VS Code's extension host
//   dist/engine.js     node, cjs, the child process that alone loads node-llama-cpp
//   dist/gpuPackHook.mjs  node, esm, the module resolve hook the engine registers for GPU packs
//                      (node:module register() loads hooks as ES modules on the loader thread)
//   dist/cli.js        node, cjs, `mixtral-local` command line
//   dist/probe-model.gguf  the engine's GPU decode test model (below)
//   dist/webview.js    browser, iife, the chat view
// node-llama-cpp is ESM-only with top-level await: it stays external and is loaded with a real
// `import()` (esbuild keeps dynamic imports for node20 targets; never rewrite them to require).
import { rename } from "node:fs/promises";
import { createRequire } from "node:module";
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

const node = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: !production,
  minify: production,
  external: ["vscode", "node-llama-cpp", "@node-llama-cpp/*"],
  logLevel: "warning",
};

const configs = [
  { ...node, entryPoints: ["src/vscode/extension.ts"], outfile: "dist/extension.js" },
  { ...node, entryPoints: ["src/engine/main.ts"], outfile: "dist/engine.js" },
  { ...node, format: "esm", entryPoints: ["src/engine/gpuPackHook.ts"], outfile: "dist/gpuPackHook.mjs" },
  { ...node, entryPoints: ["src/cli/main.ts"], outfile: "dist/cli.js", banner: { js: "#!/usr/bin/env node" } },
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

// The model the engine's GPU decode test loads (src/engine/backendProbe.ts): the tiny
// Mixtral-architecture generator's output (1 layer, Q4_K weights, 8 experts: the kernels a
// Q4_K_M Mixtral runs; ~1.7 MB), written here so that the generator (src/core/gguf/tinyMixtral and
// its writers) never enters a bundle the extension ships.
async function writeProbeModel() {
  const { outputFiles } = await esbuild.build({
    entryPoints: ["src/core/gguf/tinyMixtral.ts"], bundle: true, platform: "node", format: "cjs", target: "node20", write: false, logLevel: "warning",
  });
  const module = { exports: {} };
  new Function("module", "exports", "require", outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  const temp = `dist/probe-model.gguf.${process.pid}.tmp`;
  await module.exports.writeTinyMixtral(temp, { variant: "q4_k", layers: 1, seed: 1, name: "mixtral-local-probe" });
  await rename(temp, "dist/probe-model.gguf");
}

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log("esbuild: watching");
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
await writeProbeModel();
