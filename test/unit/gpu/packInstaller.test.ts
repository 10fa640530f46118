// GPU packs installed for real: node-llama-cpp's CPU package tarball of our version plays the
// pack, served by a real HTTP mirror on 127.0.0.1 (the FaultServer the downloader's tests use),
// downloaded, verified against its pinned sha512, unpacked and renamed into place.
import * as assert from "node:assert/strict";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import { DownloadFailedError, GpuPackError } from "../../../src/core/errors";
import { installGpuPack, type GpuPackInstallOptions, type GpuPackProgress } from "../../../src/core/gpu/packInstaller";
import { listInstalledGpuPacks, removeGpuPacks } from "../../../src/core/gpu/packStore";
import { gpuPackDir, gpuPacksRoot } from "../../../src/core/gpu/packLayout";
import type { GpuPackEntry } from "../../../src/core/gpu/packManifest";
import { cpuPackTarball, manifestOf, packEntryFor } from "../../helpers/gpuPackFixture";
import { FaultServer } from "../models/faultServer";

describe("gpu/packInstaller (real tarball, real mirror on 127.0.0.1)", function () {
  this.timeout(120_000);
  let tarball: string;
  let version: string;
  let pack: GpuPackEntry;
  let body: Buffer;
  let dataDir: string;
  let server: FaultServer;
  const fast = { retryBaseDelayMs: 10, maxRetryDelayMs: 200, connectTimeoutMs: 5000 };

  before(async () => {
    ({ file: tarball, version } = await cpuPackTarball());
    pack = await packEntryFor(tarball, "linux-x64", version);
    body = readFileSync(tarball);
  });
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "mixtral-gpupack-"));
    server = await new FaultServer(body).start();
  });
  afterEach(async () => {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const root = () => gpuPacksRoot(dataDir, version);
  const finalDir = () => gpuPackDir(root(), pack.name);
  const opts = (over: Partial<GpuPackInstallOptions> = {}): GpuPackInstallOptions => ({
    dataDir,
    manifest: manifestOf(version, [over.pack ?? pack]),
    pack,
    mirror: `${server.origin}/npm/`,
    download: fast,
    ...over,
  });
  /** Nothing at the path the engine loads from, and no unpacking leftovers beside it. */
  async function assertNothingInstalled(): Promise<void> {
    assert.ok(!existsSync(finalDir()), "a pack is at the final path");
    const siblings = await fs.readdir(path.dirname(finalDir())).catch(() => []);
    assert.deepEqual(siblings, [], `leftovers: ${siblings.join(", ")}`);
    assert.deepEqual(await listInstalledGpuPacks(dataDir, version), []);
  }
  async function expectError<T extends Error>(p: Promise<unknown>, type: new (...a: never[]) => T, re: RegExp): Promise<T> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
      assert.match(err.message, re);
      return err;
    }
    assert.fail("the install should have failed");
  }

  it("downloads from the mirror under the registry's path, verifies, unpacks into place and lists it", async () => {
    const seen: GpuPackProgress[] = [];
    const r = await installGpuPack(opts({ onProgress: (p) => seen.push(p) }));
    assert.equal(r.status, "installed");
    assert.equal(server.requests[0].url, `/npm/@node-llama-cpp/linux-x64/-/linux-x64-${version}.tgz`);
    assert.ok(r.status === "installed" && r.dir === finalDir());
    const pkg = JSON.parse(readFileSync(path.join(finalDir(), "package.json"), "utf8")) as { name: string; version: string };
    assert.deepEqual([pkg.name, pkg.version], ["@node-llama-cpp/linux-x64", version]);
    const bins = await fs.readdir(path.join(finalDir(), "bins"), { recursive: true });
    assert.ok(
      bins.some((f) => f.endsWith("llama-addon.node")),
      "the native addon was not unpacked",
    );
    assert.deepEqual(await listInstalledGpuPacks(dataDir, version), [{ name: "linux-x64", version, dir: finalDir() }]);
    assert.deepEqual(await fs.readdir(path.join(root(), "downloads")), [], "the tarball was kept after unpacking");
    assert.deepEqual([...new Set(seen.map((p) => p.phase))], ["downloading", "verifying", "unpacking"]);
  });

  it("refuses a tampered tarball and keeps nothing", async () => {
    const tampered = Buffer.from(body);
    tampered[Math.floor(tampered.length / 2)] ^= 0xff;
    await server.stop();
    server = await new FaultServer(tampered).start();
    const err = await expectError(installGpuPack(opts()), DownloadFailedError, /sha512 check.*deleted/);
    assert.match(err.hint ?? "", /again/);
    await assertNothingInstalled();
    assert.deepEqual(await fs.readdir(path.join(root(), "downloads")), []);
  });

  it("keeps a truncated download and resumes it with Range on the next install", async () => {
    const cut = Math.floor(body.length * 0.4);
    server.handler = (req, res, n) => server.serve(req, res, n === 1 ? { dropAfter: cut } : {});
    const err = await expectError(
      installGpuPack(opts({ download: { ...fast, maxRetries: 0 } })),
      DownloadFailedError,
      /\d+ bytes are kept and will resume/,
    );
    await assertNothingInstalled();
    // What reached the disk before the cut (the socket may close before every byte sent is read).
    const kept = (await fs.stat(path.join(root(), "downloads", `linux-x64-${version}.tgz.partial`))).size;
    assert.ok(kept > 0 && kept <= cut && err.message.includes(`${kept} bytes are kept`), err.message);
    const r = await installGpuPack(opts());
    assert.equal(r.status, "installed");
    assert.equal(server.requests[1].range, `bytes=${kept}-`);
    assert.equal(server.requests.length, 2);
  });

  it("refuses a package of the wrong version even when its hash is the pinned one", async () => {
    // The CPU package re-packed with another version in its package.json: a manifest that pins it
    // (a damaged or mixed-up build) must still not put it where node-llama-cpp would refuse it.
    const other = path.join(dataDir, "other.tgz");
    const src = path.join(dataDir, "src");
    await fs.mkdir(src);
    await tar.x({ file: tarball, cwd: src });
    const pj = path.join(src, "package", "package.json");
    await fs.writeFile(pj, readFileSync(pj, "utf8").replace(`"version": "${version}"`, '"version": "3.0.0"'));
    await tar.c({ gzip: true, file: other, cwd: src }, ["package"]);
    const wrong = await packEntryFor(other, "linux-x64", version);
    await expectError(
      installGpuPack(opts({ pack: wrong, fromFile: other })),
      GpuPackError,
      /holds @node-llama-cpp\/linux-x64@3\.0\.0, not @node-llama-cpp\/linux-x64@/,
    );
    await assertNothingInstalled();
    // The same file against the real pin: refused before unpacking, naming what it holds.
    const err = await expectError(
      installGpuPack(opts({ fromFile: other })),
      GpuPackError,
      /wrong version: it holds @node-llama-cpp\/linux-x64@3\.0\.0/,
    );
    assert.match(err.hint ?? "", new RegExp(`npm pack @node-llama-cpp/linux-x64@${version.replace(/\./g, "\\.")}`));
    await assertNothingInstalled();
  });

  it("installs offline from a file made with npm pack, and refuses a changed one", async () => {
    const offline = { fromFile: tarball, mirror: "http://127.0.0.1:9/" };
    const r = await installGpuPack(opts(offline));
    assert.equal(r.status, "installed");
    assert.equal(server.requests.length, 0);
    assert.ok(existsSync(path.join(finalDir(), "package.json")));
    assert.ok(existsSync(tarball), "the user's file was deleted");
    await removeGpuPacks(dataDir, version, pack.name);
    const changed = path.join(dataDir, "changed.tgz");
    await fs.writeFile(changed, Buffer.concat([body, Buffer.from("x")]));
    await expectError(
      installGpuPack(opts({ ...offline, fromFile: changed })),
      GpuPackError,
      new RegExp(`${body.length + 1} bytes instead of ${body.length}`),
    );
    await assertNothingInstalled();
  });

  it("a cancel leaves nothing at the final path, during the download or the unpacking", async () => {
    const ac = new AbortController();
    server.handler = (req, res) => server.serve(req, res, { dripMs: 5, dripBytes: 64 * 1024 });
    const r = await installGpuPack(
      opts({ signal: ac.signal, onProgress: (p) => p.phase === "downloading" && p.bytes > body.length / 2 && ac.abort() }),
    );
    assert.equal(r.status, "cancelled");
    await assertNothingInstalled();
    const kept = (await fs.stat(path.join(root(), "downloads", `linux-x64-${version}.tgz.partial`))).size;
    assert.ok(kept > 0, "the partial download should be kept for a resume");
    const ac2 = new AbortController();
    server.handler = (req, res) => server.serve(req, res);
    const r2 = await installGpuPack(opts({ signal: ac2.signal, onProgress: (p) => p.phase === "unpacking" && ac2.abort() }));
    assert.equal(r2.status, "cancelled");
    await assertNothingInstalled();
    assert.equal(server.requests.at(-1)?.range, `bytes=${kept}-`, "the second install should resume the partial");
  });

  it("removes the packs of other node-llama-cpp versions when it installs", async () => {
    const old = path.join(dataDir, "gpu-packs", "3.20.0", "node_modules", "@node-llama-cpp", "linux-x64-cuda");
    await fs.mkdir(old, { recursive: true });
    await fs.writeFile(path.join(old, "package.json"), '{"name":"@node-llama-cpp/linux-x64-cuda","version":"3.20.0"}');
    const r = await installGpuPack(opts());
    assert.ok(r.status === "installed");
    assert.deepEqual(r.removedVersions, ["3.20.0"]);
    assert.deepEqual(await fs.readdir(path.join(dataDir, "gpu-packs")), [version]);
  });

  it("says so when the disk has no room to unpack, and installs nothing", async () => {
    // Room for the tarball but not for the unpacked files (a full disk cannot be made on demand).
    const err = await expectError(
      installGpuPack(opts({ download: { ...fast, freeSpace: async () => pack.size + 1000 } })),
      GpuPackError,
      /Not enough disk space to unpack.*Nothing was installed/,
    );
    assert.match(err.hint ?? "", /Free some space/);
    await assertNothingInstalled();
  });

  it("removes installed packs", async () => {
    await installGpuPack(opts());
    assert.deepEqual(await removeGpuPacks(dataDir, version), ["linux-x64"]);
    assert.ok(!existsSync(path.join(dataDir, "gpu-packs")));
  });
});
