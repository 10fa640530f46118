// One build for the three bundles (and the CLI):
//   dist/extension.js  node, cjs, loaded by VS Code's extension host
//   dist/engine.js     node, cjs, the child process that alone loads node-llama-cpp
//   dist/cli.js        node, cjs, `mixtral-local` command line
//   dist/webview.js    browser, iife, the chat view
// node-llama-cpp is ESM-only with top-level await: it stays external and is loaded with a real
// `import()` (esbuild keeps dynamic imports for node20 targets; never rewrite them to require).
import * as esbuild from "esbuild";
import { writeGpuPackManifest } from "./scripts/lib/gpuPacks.mjs";
import { hostTarget } from "./scripts/package.mjs";

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

// dist/gpu-packs.json: the pinned GPU packs for the target being built (scripts/package.mjs sets
// MIXTRAL_TARGET; default this machine). Cached after the first build; offline without a cache, a
// dev build goes without it (the extension then offers no GPU pack) while packaging fails.
try {
  await writeGpuPackManifest(process.env.MIXTRAL_TARGET || hostTarget());
} catch (err) {
  if (process.env.MIXTRAL_TARGET) throw err;
  console.warn(`esbuild: no dist/gpu-packs.json (${err instanceof Error ? err.message : String(err)})`);
}
