// What the shipped bundles pull in, built in memory with esbuild.mjs's own options: the tiny-model
// writers serve only the CLI's `fixture` command, and the extension-host tests' hooks
// (`mixtral._test.*`) are compiled out of the production build. vsix.test.ts checks the packaged file.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildOptions, Metafile } from "esbuild";

const repo = path.resolve(__dirname, "../../../..");
/** Written for `mixtral-local fixture` and the tests; no part of the extension or the engine. */
const TINY_MODEL_WRITERS = ["tinyMixtral", "ggufWriter", "ggmlQuantize", "tinyVocab"].map((n) => `src/core/gguf/${n}.ts`);

async function build(outfile: string, production: boolean): Promise<{ inputs: string[]; text: string }> {
  const esbuild = await import("esbuild");
  const { bundleConfigs } = (await import(pathToFileURL(path.join(repo, "esbuild.mjs")).href)) as {
    bundleConfigs(o: { production: boolean }): BuildOptions[];
  };
  const config = bundleConfigs({ production }).find((c) => c.outfile === outfile);
  assert.ok(config, `esbuild.mjs has no bundle ${outfile}`);
  const result = await esbuild.build({
    ...config,
    absWorkingDir: repo,
    write: false,
    metafile: true,
    sourcemap: false,
    logLevel: "silent",
  });
  const out = result.outputFiles.find((f) => f.path.endsWith(outfile))!;
  return { inputs: Object.keys((result.metafile as Metafile).inputs), text: out.text };
}

describe("bundles", function () {
  this.timeout(60_000);

  for (const outfile of ["dist/extension.js", "dist/engine.js"]) {
    it(`${outfile} holds none of the tiny-model writers`, async () => {
      const { inputs } = await build(outfile, true);
      assert.ok(
        inputs.some((i) => i.startsWith("src/core/")),
        "the metafile names the sources it bundled",
      );
      assert.deepEqual(
        inputs.filter((i) => TINY_MODEL_WRITERS.includes(i)),
        [],
      );
    });
  }

  it("dist/cli.js holds them, for `mixtral-local fixture`", async () => {
    const { inputs } = await build("dist/cli.js", true);
    assert.ok(inputs.includes("src/core/gguf/tinyMixtral.ts"));
  });

  it("the production dist/extension.js has no test hooks; the development build keeps them for the extension-host tests", async () => {
    // Names only in the message: the bundle itself is 250 KB.
    assert.deepEqual((await build("dist/extension.js", true)).text.match(/mixtral\._test\.\w*/g) ?? [], []);
    const development = (await build("dist/extension.js", false)).text;
    for (const id of ["lastPrompt", "status", "models", "inlineCompletionStats", "answerConfirm", "chatMessage", "chatPosts"])
      assert.match(development, new RegExp(`mixtral\\._test\\.${id}\\b`));
  });
});
