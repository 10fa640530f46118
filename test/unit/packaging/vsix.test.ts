// The VSIX that `npm run package` builds: what it holds, what it leaves out, and that the
// node-llama-cpp it ships loads its prebuilt binary from the unpacked package.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parseGpuPackManifest } from "../../../src/core/gpu/packManifest";
import { gpuPacksLib } from "../../helpers/gpuPackFixture";
import { extractZip, readZipEntries, readZipEntry, ZipEntry } from "./zip";

const run = promisify(execFile);
const repo = path.resolve(__dirname, "../../../..");

// vsce target of this machine → the one @node-llama-cpp package the VSIX may hold.
const HOST_TARGET = `${process.platform}-${process.arch === "arm" ? "armhf" : process.arch}`;
const BINARY_PACKAGE: Record<string, string> = {
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "linux-armhf": "linux-armv7l",
  "darwin-arm64": "mac-arm64-metal",
  "darwin-x64": "mac-x64",
  "win32-x64": "win-x64",
  "win32-arm64": "win-arm64",
};

describe("VSIX package", function () {
  this.timeout(240_000);
  let vsix: Buffer;
  let entries: ZipEntry[];
  let names: string[];
  let scratch: string;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-vsix-test-"));
    // scripts/test.mjs packages once for this test and the browser tier and passes it here.
    let file = process.env.MIXTRAL_VSIX;
    if (!file) {
      file = path.join(scratch, "test.vsix");
      await run(process.execPath, [path.join(repo, "scripts", "package.mjs"), "--out", file], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
    }
    vsix = fs.readFileSync(file);
    entries = readZipEntries(vsix);
    names = entries.map((e) => e.name);
  });

  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("holds the manifest and the four bundles", () => {
    for (const name of [
      "extension.vsixmanifest",
      "extension/package.json",
      "extension/dist/extension.js",
      "extension/dist/engine.js",
      "extension/dist/webview.js",
      "extension/dist/cli.js",
    ]) {
      assert.ok(names.includes(name), `${name} is missing`);
    }
    const manifest = JSON.parse(
      readZipEntry(
        vsix,
        entries.find((e) => e.name === "extension/package.json")!,
      ).toString("utf8"),
    );
    assert.equal(manifest.name, "mixtral-local");
    assert.equal(manifest.main, "./dist/extension.js");
  });

  it("is built for this platform", () => {
    const vsixManifest = readZipEntry(
      vsix,
      entries.find((e) => e.name === "extension.vsixmanifest")!,
    ).toString("utf8");
    assert.match(vsixManifest, new RegExp(`TargetPlatform="${HOST_TARGET}"`));
  });

  it("holds the GPU pack resolve hook and the small model of the GPU decode test", () => {
    assert.ok(names.includes("extension/dist/gpuPackHook.mjs"), "dist/gpuPackHook.mjs is missing");
    const probe = entries.find((e) => e.name === "extension/dist/probe-model.gguf");
    assert.ok(probe, "dist/probe-model.gguf is missing");
    const size = readZipEntry(vsix, probe).length;
    assert.ok(size > 1_000_000 && size < 2_000_000, `probe model is ${size} bytes; expected about 1.7 MB`);
  });

  it("holds every file of media/", () => {
    const media = fs.existsSync(path.join(repo, "media"))
      ? (fs.readdirSync(path.join(repo, "media"), { recursive: true }) as string[])
      : [];
    for (const file of media.filter((f) => fs.statSync(path.join(repo, "media", f)).isFile())) {
      assert.ok(names.includes(`extension/media/${file.split(path.sep).join("/")}`), `media/${file} is missing`);
    }
  });

  it("holds node-llama-cpp and only this platform's prebuilt binaries", () => {
    assert.ok(names.includes("extension/node_modules/node-llama-cpp/package.json"));
    assert.ok(names.includes("extension/node_modules/node-llama-cpp/dist/index.js"));
    const binaryPackages = new Set(
      names.map((n) => /^extension\/node_modules\/@node-llama-cpp\/([^/]+)\//.exec(n)?.[1]).filter((p): p is string => !!p),
    );
    assert.deepEqual([...binaryPackages], [BINARY_PACKAGE[HOST_TARGET]]);
    assert.ok(
      names.some((n) => n.startsWith(`extension/node_modules/@node-llama-cpp/${BINARY_PACKAGE[HOST_TARGET]}/bins/`) && n.endsWith(".node")),
      "the native addon is missing",
    );
  });

  it("holds the indexer worker, its tree-sitter wasm files and only this platform's ripgrep", () => {
    assert.ok(names.includes("extension/dist/indexer.js"), "dist/indexer.js is missing");
    for (const wasm of ["web-tree-sitter", "tree-sitter-typescript", "tree-sitter-python", "tree-sitter-cpp", "tree-sitter-c-sharp"]) {
      assert.ok(names.includes(`extension/dist/tree-sitter/${wasm}.wasm`), `dist/tree-sitter/${wasm}.wasm is missing`);
    }
    const ripgrep = new Set(
      names.map((n) => /^extension\/node_modules\/@vscode\/(ripgrep[^/]*)\//.exec(n)?.[1]).filter((p): p is string => !!p),
    );
    const arch = process.arch === "arm" ? "arm" : process.arch;
    assert.deepEqual([...ripgrep], [`ripgrep-${process.platform}-${arch}`]);
    assert.ok(
      names.includes(
        `extension/node_modules/@vscode/ripgrep-${process.platform}-${arch}/bin/${process.platform === "win32" ? "rg.exe" : "rg"}`,
      ),
    );
    // Bundled or copied into dist/: the npm packages themselves stay out.
    assert.deepEqual(
      names.filter((n) => /^extension\/node_modules\/(@vscode\/tree-sitter-wasm|web-tree-sitter|minisearch)\//.test(n)),
      [],
    );
  });

  it("carries the pinned GPU pack manifest of its target, checked at package time", async () => {
    const entry = entries.find((e) => e.name === "extension/dist/gpu-packs.json");
    assert.ok(entry, "extension/dist/gpu-packs.json is missing");
    const shipped = parseGpuPackManifest(JSON.parse(readZipEntry(vsix, entry).toString("utf8")));
    assert.equal(shipped.target, HOST_TARGET);
    const lib = await gpuPacksLib();
    assert.equal(shipped.nodeLlamaCppVersion, lib.nodeLlamaCppVersion());
    assert.deepEqual(
      shipped.packs.map((p) => p.name),
      (lib.TARGET_GPU_PACKS[HOST_TARGET] ?? []).map(([name]) => name),
    );
    // The same sizes and hashes as the tarballs downloaded and verified into .cache/gpu-packs/.
    assert.deepEqual(shipped, parseGpuPackManifest(await lib.gpuPackManifest(HOST_TARGET)));
  });

  it("leaves out sources, tests, caches, maps and development packages", () => {
    const forbidden = [
      /^extension\/(src|test|out|webview|bench|scripts|\.cache|\.vscode-test|test-results|\.ci|\.git)\//,
      /^extension\/(tsconfig\.json|esbuild\.mjs|eslint\.config\.mjs|package-lock\.json)$/,
      /\.map$/,
      /\.ts$/,
      // Models are downloaded, never shipped; the one exception is the GPU decode test's 1.7 MB file.
      /^(?!extension\/dist\/probe-model\.gguf$).*\.gguf$/,
      /node-llama-cpp\/llama\/gitRelease\.bundle$/,
      /^extension\/node_modules\/(typescript|mocha|esbuild|playwright-core|@vscode\/vsce|@vscode\/test-electron|eslint)\//,
    ];
    const leaked = names.filter((n) => forbidden.some((re) => re.test(n)));
    assert.deepEqual(leaked, []);
  });

  it("ships a dist/extension.js without the extension-host tests' mixtral._test.* hooks", () => {
    const extension = readZipEntry(
      vsix,
      entries.find((e) => e.name === "extension/dist/extension.js")!,
    ).toString("utf8");
    assert.ok(extension.includes("mixtral.explainSelection"), "not the extension bundle");
    assert.deepEqual(extension.match(/mixtral\._test\.\w*/g) ?? [], []);
  });

  it("ships a dist/extension.js without the state the extension-host tests read (src/vscode/testRecords.ts)", () => {
    const extension = readZipEntry(
      vsix,
      entries.find((e) => e.name === "extension/dist/extension.js")!,
    ).toString("utf8");
    const accessors = [
      "testState",
      "lastMenu",
      "testAnswers",
      "autoAnswer",
      "testRecords",
      "statusBarMenu",
      "pickerCloses",
      "confirmAnswers",
      "testPosts",
    ];
    assert.deepEqual(
      accessors.filter((name) => extension.includes(name)),
      [],
    );
  });

  it("ships a node-llama-cpp that loads its prebuilt binary from the unpacked package", async () => {
    const dest = path.join(scratch, "unpacked");
    extractZip(vsix, dest);
    const probe =
      'import("node-llama-cpp").then(async (m) => { const l = await m.getLlama({ gpu: false, build: "never", logLevel: "error" });' +
      " process.stdout.write(JSON.stringify({ gpu: l.gpu, supportsMmap: l.supportsMmap })); await l.dispose(); })";
    const { stdout } = await run(process.execPath, ["-e", probe], { cwd: path.join(dest, "extension") });
    const result = JSON.parse(stdout) as { gpu: unknown; supportsMmap: unknown };
    assert.equal(result.gpu, false);
    assert.equal(typeof result.supportsMmap, "boolean");
  });

  it("ships a workspace index whose worker parses with the shipped grammars, and a ripgrep that runs", async () => {
    const dest = path.join(scratch, "unpacked");
    if (!fs.existsSync(dest)) extractZip(vsix, dest);
    const folder = path.join(scratch, "indexed");
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "geometry.py"), "def polygon_area(points):\n    return 0\n");
    const cli = path.join(dest, "extension", "dist", "cli.js");
    const { stdout } = await run(process.execPath, [cli, "search", folder, "polygon area", "--json", "--no-storage"]);
    assert.deepEqual(
      JSON.parse(stdout).map((h: { path: string; symbol: string }) => [h.path, h.symbol]),
      [["geometry.py", "polygon_area"]],
    );
    const rg = path.join(
      dest,
      "extension",
      "node_modules",
      "@vscode",
      `ripgrep-${process.platform}-${process.arch}`,
      "bin",
      process.platform === "win32" ? "rg.exe" : "rg",
    );
    const version = await run(rg, ["--version"]).catch(async () => {
      // A zip may drop the executable bit; ripgrepPath() sets it again, as here.
      fs.chmodSync(rg, 0o755);
      return run(rg, ["--version"]);
    });
    assert.match(version.stdout, /^ripgrep \d+/);
  });
});
