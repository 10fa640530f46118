// "Build GPU Support" in an installed extension fetches llama.cpp's source (node-llama-cpp's own
// npm tarball, which the VSIX leaves out) on demand: a real download from a real mirror on
// 127.0.0.1, checked against the sha512 the manifest pins. The CPU package tarball of our version
// plays the source tarball here (10 MB instead of 40; the rule under test is the pin, not the bytes).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DownloadFailedError, GpuBuildError } from "../../../src/core/errors";
import { detectGpuBuildToolchain } from "../../../src/core/gpu/gpuBuild";
import { writeCmakeJsShim } from "../../../src/core/gpu/gpuBuildRunner";
import { fetchLlamaSource, llamaSourcePath } from "../../../src/core/gpu/llamaSource";
import { loadGpuPackManifest, type GpuPackManifest } from "../../../src/core/gpu/packManifest";
import { cpuPackTarball, manifestOf, packEntryFor } from "../../helpers/gpuPackFixture";
import { repoRoot } from "../../helpers/tinyModel";
import { FaultServer } from "../models/faultServer";

describe("gpu/llamaSource: the llama.cpp source fetched on demand (real mirror on 127.0.0.1)", function () {
  this.timeout(120_000);
  let body: Buffer;
  let version: string;
  let manifest: GpuPackManifest;
  let dataDir: string;
  let server: FaultServer;
  const fast = { retryBaseDelayMs: 10, connectTimeoutMs: 5000, maxRetries: 1 };

  before(async () => {
    const t = await cpuPackTarball();
    version = t.version;
    body = readFileSync(t.file);
    const entry = await packEntryFor(t.file, "linux-x64", version);
    manifest = {
      ...manifestOf(version, []),
      source: {
        name: "node-llama-cpp",
        version,
        tarball: `https://registry.npmjs.org/node-llama-cpp/-/node-llama-cpp-${version}.tgz`,
        integrity: entry.integrity,
      },
    };
  });
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "mixtral-llamasrc-"));
  });
  afterEach(async () => {
    await server?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("downloads the pinned tarball through the mirror (registry path kept), then reuses the verified copy without the network", async () => {
    server = await new FaultServer(body).start();
    const mirror = `${server.origin}/npm/`;
    const first = await fetchLlamaSource({ dataDir, manifest, mirror, download: fast });
    assert.deepEqual(first, { status: "ready", file: llamaSourcePath(dataDir, version), downloaded: true });
    assert.deepEqual(readFileSync(first.status === "ready" ? first.file : ""), body);
    assert.deepEqual(
      server.requests.map((r) => r.url),
      [`/npm/node-llama-cpp/-/node-llama-cpp-${version}.tgz`],
    );
    const asked = server.requests.length;
    const again = await fetchLlamaSource({ dataDir, manifest, mirror, download: fast });
    assert.deepEqual(again, { status: "ready", file: llamaSourcePath(dataDir, version), downloaded: false });
    assert.equal(server.requests.length, asked, "the kept, verified copy is used without asking the mirror");
  });

  it("refuses a tarball whose sha512 is not the pinned one and keeps nothing at the path the build reads", async () => {
    const tampered = Buffer.from(body);
    tampered[Math.floor(tampered.length / 3)] ^= 0xff;
    server = await new FaultServer(tampered).start();
    await assert.rejects(fetchLlamaSource({ dataDir, manifest, mirror: server.origin, download: fast }), (err: unknown) => {
      assert.ok(err instanceof DownloadFailedError, String(err));
      assert.match(err.message, /sha512|integrity/i);
      return true;
    });
    assert.ok(!existsSync(llamaSourcePath(dataDir, version)));
  });

  it("a kept copy that changed since is fetched again", async () => {
    server = await new FaultServer(body).start();
    await fs.mkdir(path.dirname(llamaSourcePath(dataDir, version)), { recursive: true });
    await fs.writeFile(llamaSourcePath(dataDir, version), "not the tarball");
    const r = await fetchLlamaSource({ dataDir, manifest, mirror: server.origin, download: fast });
    assert.equal(r.status === "ready" && r.downloaded, true);
    assert.deepEqual(readFileSync(llamaSourcePath(dataDir, version)), body);
  });

  it("without a source entry it says how to build offline", async () => {
    await assert.rejects(
      fetchLlamaSource({ dataDir, manifest: manifestOf(version, []) }),
      (err: unknown) => err instanceof GpuBuildError && /--source/.test(err.hint ?? ""),
    );
  });

  it("the toolchain check counts a pinned source as available instead of missing, in an installation without the bundle", async () => {
    // An installed extension's node-llama-cpp: its CLI but no llama/gitRelease.bundle (the VSIX leaves it out).
    const nlc = path.join(dataDir, "node-llama-cpp");
    await fs.mkdir(path.join(nlc, "dist", "cli"), { recursive: true });
    await fs.writeFile(path.join(nlc, "dist", "cli", "cli.js"), "");
    const without = await detectGpuBuildToolchain({ nodeLlamaCppDir: nlc, node: process.execPath, cudaArchitectures: "90" });
    assert.ok(
      without.missing.some((m) => m.startsWith("llama.cpp's source")),
      without.missing.join("\n"),
    );
    const withPin = await detectGpuBuildToolchain({
      nodeLlamaCppDir: nlc,
      node: process.execPath,
      cudaArchitectures: "90",
      sourceDownloadable: true,
    });
    assert.ok(!withPin.missing.some((m) => m.startsWith("llama.cpp's source")), withPin.missing.join("\n"));
    assert.equal(withPin.toolchain.sourceOnDemand, true);
  });

  it("the build's manifest pins node-llama-cpp's tarball with the integrity package-lock.json holds", async () => {
    const built = await loadGpuPackManifest(path.join(repoRoot(), "dist"));
    const lock = JSON.parse(readFileSync(path.join(repoRoot(), "package-lock.json"), "utf8")) as {
      packages: Record<string, { version: string; integrity: string }>;
    };
    const nlc = lock.packages["node_modules/node-llama-cpp"];
    assert.deepEqual(built?.source, {
      name: "node-llama-cpp",
      version: nlc.version,
      tarball: `https://registry.npmjs.org/node-llama-cpp/-/node-llama-cpp-${nlc.version}.tgz`,
      integrity: nlc.integrity,
    });
  });
});

describe("gpu/gpuBuildRunner: cmake-js for node-llama-cpp's build in an installed extension", () => {
  it("puts a cmake-js that runs the package's own script on the build's PATH (an installed extension has no node_modules/.bin)", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mixtral-shim-"));
    try {
      const nodeLlamaCppDir = path.join(repoRoot(), "node_modules", "node-llama-cpp");
      const shims = await writeCmakeJsShim(path.join(dir, "bin"), { node: process.execPath, nodeLlamaCppDir });
      // What `npm run cmake-js-llama` does: a shell finds `cmake-js` on the PATH; nothing else is on it.
      assert.ok(shims);
      const r = spawnSync("/bin/sh", ["-c", "cmake-js --version"], {
        env: { PATH: `${shims}${path.delimiter}/usr/bin:/bin` },
        encoding: "utf8",
      });
      const expected = (
        JSON.parse(readFileSync(path.join(repoRoot(), "node_modules", "cmake-js", "package.json"), "utf8")) as { version: string }
      ).version;
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), expected);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
