// One build for the three bundles (and the CLI):
//   dist/extension.js  node, cjs, loaded by VS Code's extension host
//   dist/engine.js     node, cjs, the child process that alone loads node-llama-cpp
//   dist/gpuPackHook.mjs  node, esm, the module resolve hook the engine registers for GPU packs
//                      (node:module register() loads hooks as ES modules on the loader thread)
//   dist/cli.js        node, cjs, `mixtral-local` command line
//   dist/webview.js    browser, iife, the chat view
// node-llama-cpp is ESM-only with top-level await: it stays external and is loaded with a real
// `import()` (esbuild keeps dynamic imports for node20 targets; never rewrite them to require).
// The packaging test imports `bundleConfigs` to check what each bundle pulls in.
import * as esbuild from "esbuild";
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
  await writeManifest();
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

