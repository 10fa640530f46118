// `mixtral-local gpu-pack` and `doctor` as a user runs them: dist/cli.js in a child process, with
// the manifest this build pins (dist/gpu-packs.json) and the real pack tarballs (the Vulkan one,
// 27.5 MB, downloaded and verified at build time into .cache/gpu-packs/), offline with --from or
// from a mirror on 127.0.0.1. HOME points at a temporary folder laid out as VS Code Server's.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EXTENSION_ID } from "../../../src/core/config/extensionDataDir";
import { gpuPackDir, gpuPacksRoot } from "../../../src/core/gpu/packLayout";
import { gpuPacksLib, NODE_LLAMA_CPP_VERSION } from "../../helpers/gpuPackFixture";
import { repoRoot } from "../../helpers/tinyModel";
import { FaultServer } from "../models/faultServer";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe("cli: gpu-pack and doctor (dist/cli.js, real packs)", function () {
  this.timeout(120_000);
  let home: string;
  let vulkan: string;
  const cli = () => path.join(repoRoot(), "dist", "cli.js");
  const serverStorage = () => path.join(home, ".vscode-server", "data", "User", "globalStorage", EXTENSION_ID);

  function run(args: string[]): Promise<CliResult> {
    // No XDG_* or VSCODE_* variables from the machine running the tests: HOME decides.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };
    return new Promise((resolve) => {
      execFile(process.execPath, [cli(), ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  before(async () => {
    assert.ok(existsSync(path.join(repoRoot(), "dist", "gpu-packs.json")), "run node esbuild.mjs first (it writes dist/gpu-packs.json)");
    vulkan = await (await gpuPacksLib()).cachedPackTarball("linux-x64-vulkan", NODE_LLAMA_CPP_VERSION);
  });
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), "mixtral-cli-home-"));
  });
  afterEach(() => fs.rm(home, { recursive: true, force: true }));

  it("refuses to guess a folder when no editor has run the extension, and names --data-dir", async () => {
    const r = await run(["gpu-pack", "install", "--backend", "vulkan", "--from", vulkan]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has not run on this machine yet/);
    assert.match(r.stderr, /--data-dir/);
    assert.deepEqual(await fs.readdir(home), []);
  });

  it("installs offline into VS Code Server's storage, lists it, shows it in doctor --json, and removes it", async () => {
    await fs.mkdir(serverStorage(), { recursive: true });
    // --from alone: the file is matched to its pinned entry by size and sha512.
    const r = await run(["gpu-pack", "install", "--from", vulkan]);
    assert.equal(r.code, 0, r.stderr);
    const dir = gpuPackDir(gpuPacksRoot(serverStorage(), NODE_LLAMA_CPP_VERSION), "linux-x64-vulkan");
    assert.match(r.stderr, new RegExp(`Installed: ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    assert.equal(
      (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name: string }).name,
      "@node-llama-cpp/linux-x64-vulkan",
    );
    const list = JSON.parse((await run(["gpu-pack", "list", "--json"])).stdout) as {
      dataDir: string;
      dataDirSource: string;
      installed: { name: string }[];
    };
    assert.equal(list.dataDir, serverStorage());
    assert.equal(list.dataDirSource, "VS Code Server");
    assert.deepEqual(
      list.installed.map((p) => p.name),
      ["linux-x64-vulkan"],
    );
    const doctor = await run(["doctor", "--json", "--no-bandwidth"]);
    const report = JSON.parse(doctor.stdout) as {
      settings: { modelsDirectory: string };
      gpuPacks: { installed: { name: string }[]; available: { name: string }[] };
    };
    // The doctor looks for models where the extension downloads them (one default models folder).
    assert.equal(report.settings.modelsDirectory, path.join(serverStorage(), "models"));
    assert.deepEqual(
      report.gpuPacks.installed.map((p) => p.name),
      ["linux-x64-vulkan"],
    );
    assert.deepEqual(report.gpuPacks.available.map((p) => p.name).sort(), ["linux-x64-cuda", "linux-x64-cuda-ext", "linux-x64-vulkan"]);
    const removed = await run(["gpu-pack", "remove"]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /Removed: linux-x64-vulkan/);
    assert.ok(!existsSync(path.join(serverStorage(), "gpu-packs")));
  });

  it("downloads from a mirror with --backend and --data-dir, and refuses a file that is not the pinned pack", async () => {
    const server = await new FaultServer(readFileSync(vulkan)).start();
    try {
      const data = path.join(home, "data");
      const r = await run(["gpu-pack", "install", "--backend", "vulkan", "--mirror", `${server.origin}/registry`, "--data-dir", data]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests[0].url, `/registry/@node-llama-cpp/linux-x64-vulkan/-/linux-x64-vulkan-${NODE_LLAMA_CPP_VERSION}.tgz`);
      assert.ok(existsSync(path.join(gpuPackDir(gpuPacksRoot(data, NODE_LLAMA_CPP_VERSION), "linux-x64-vulkan"), "package.json")));
      const cpu = await (await gpuPacksLib()).cachedPackTarball("linux-x64", NODE_LLAMA_CPP_VERSION);
      const wrong = await run(["gpu-pack", "install", "--backend", "cuda", "--from", cpu, "--data-dir", data]);
      assert.equal(wrong.code, 1);
      assert.match(
        wrong.stderr,
        /is not the pinned @node-llama-cpp\/linux-x64-cuda@.*it holds @node-llama-cpp\/linux-x64@.*Nothing was installed/s,
      );
      assert.match(wrong.stderr, /npm pack @node-llama-cpp\/linux-x64-cuda@/);
      assert.ok(!existsSync(gpuPackDir(gpuPacksRoot(data, NODE_LLAMA_CPP_VERSION), "linux-x64-cuda")));
    } finally {
      await server.stop();
    }
  });

  it("answers bad arguments with the usage", async () => {
    const r = await run(["gpu-pack", "install", "--bogus"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown option '--bogus'[\s\S]*usage: mixtral-local gpu-pack/);
    const b = await run(["gpu-pack", "install", "--backend", "rocm", "--data-dir", home]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /no rocm GPU pack for this platform; there are: cuda, cuda-ext, vulkan/);
  });
});
