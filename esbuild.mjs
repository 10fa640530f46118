// One build for the three bundles (and the CLI):
//   dist/extension.js  node, cjs, loaded by VS Code's extension host
//   dist/engine.js     node, cjs, the child process that alone loads node-llama-cpp
//   dist/gpuPackHook.mjs  node, esm, the module resolve hook the engine registers for GPU packs
//                      (node:module register() loads hooks as ES modules on the loader thread)
//   dist/cli.js        node, cjs, `mixtral-local` command line
//   dist/webview.js    browser, iife, the chat view
// node-llama-cpp is ESM-only with top-level await: it stays external and is loaded with a real
// `import()` (esbuild keeps dynamic imports for node20 targets; never rewrite them to require).
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

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log("esbuild: watching");
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
