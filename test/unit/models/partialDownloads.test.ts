import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getQuantLevel } from "../../../src/core/models/catalog";
import { DownloadLock, isLockOwner } from "../../../src/core/models/downloadLock";
import { downloadFile } from "../../../src/core/models/downloader";
import { fileNameFor, parseModelSource } from "../../../src/core/models/modelSource";
import {
  describePartial,
  findPartialDownload,
  partialInfoPath,
  scanPartialDownloads,
  writePartialInfo,
} from "../../../src/core/models/partialDownloads";
import { FaultServer, testBytes } from "./faultServer";

const source = parseModelSource("http://127.0.0.1:9/mirror/");
const writeLock = (file: string, pid: number) => fs.writeFile(file, JSON.stringify({ pid, host: os.hostname(), since: Date.now() }));

/** A pid that existed and has exited: a process that really died. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((r) => child.once("exit", r));
  return child.pid!;
}

describe("models/partialDownloads (interrupted downloads found on disk)", () => {
  let dir: string;
  let target: string;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "mixtral-partial-"));
    target = path.join(dir, fileNameFor(source, "Q4_K_M"));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("finds nothing in an empty folder, or where the finished file is present", async () => {
    assert.equal((await scanPartialDownloads(dir, source)).size, 0);
    await fs.writeFile(target, "done");
    await fs.writeFile(`${target}.partial`, "stale");
    assert.equal(await findPartialDownload(dir, source, "Q4_K_M"), undefined);
  });

  it("reports a partial with its sidecar's real size as paused, with exact percent and bytes", async () => {
    await fs.writeFile(`${target}.partial`, Buffer.alloc(430));
    await writePartialInfo(`${target}.partial`, { url: "http://x/m.gguf", totalBytes: 1000 });
    const found = await scanPartialDownloads(dir, source);
    assert.deepEqual([...found.keys()], ["Q4_K_M"]);
    const p = found.get("Q4_K_M")!;
    assert.equal(p.state, "paused");
    assert.equal(p.bytes, 430);
    assert.equal(p.totalBytes, 1000);
    assert.equal(p.totalIsEstimate, false);
    assert.equal(describePartial({ ...p, bytes: 2_150_000, totalBytes: 5_000_000 }), "paused at 43 % (2.1 of 5.0 MB)");
    assert.equal(describePartial({ ...p, bytes: 11_612_000_000, totalBytes: 26_400_000_000 }), "paused at 43 % (11.6 of 26.4 GB)");
    assert.equal(describePartial({ ...p, bytes: 999, totalBytes: 1000 }).startsWith("paused at 99 %"), true, "never rounds up to 100 %");
  });

  it("without a sidecar, measures against the catalog's estimate and says so", async () => {
    await fs.writeFile(`${target}.partial`, Buffer.alloc(5_000_000));
    const p = (await findPartialDownload(dir, source, "Q4_K_M"))!;
    assert.equal(p.totalIsEstimate, true);
    assert.equal(p.totalBytes, getQuantLevel("Q4_K_M").sizeBytes);
    assert.match(describePartial(p), /^paused at ~0 % \(0\.0 of ~28\.4 GB\)$/);
    await fs.writeFile(partialInfoPath(`${target}.partial`), "{half-writ");
    assert.equal((await findPartialDownload(dir, source, "Q4_K_M"))!.totalIsEstimate, true, "a torn sidecar is ignored");
  });

  it("a lock of a dead pid does not block: paused, and a resume takes the lock over", async () => {
    await fs.writeFile(`${target}.partial`, Buffer.alloc(10));
    const pid = await deadPid();
    await writeLock(`${target}.lock`, pid);
    const p = (await findPartialDownload(dir, source, "Q4_K_M"))!;
    assert.equal(p.state, "paused");
    assert.equal(p.owner?.pid, pid);
    const lock = await DownloadLock.acquire(`${target}.lock`);
    assert.ok(!isLockOwner(lock), "acquire takes over what the scan called stale");
    await lock.release();
  });

  it("a lock of a live process (another window, the CLI, or this process) says downloading elsewhere", async () => {
    await fs.writeFile(`${target}.partial`, Buffer.alloc(10));
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    children.push(child);
    await writeLock(`${target}.lock`, child.pid!);
    const p = (await findPartialDownload(dir, source, "Q4_K_M"))!;
    assert.equal(p.state, "elsewhere");
    assert.match(describePartial(p), new RegExp(`^downloading in another window or process \\(pid ${child.pid}\\) · ~0 %`));
    await writeLock(`${target}.lock`, process.pid);
    assert.equal((await findPartialDownload(dir, source, "Q4_K_M"))!.state, "elsewhere");
    // A live lock with no bytes yet (the other process just started) is reported too.
    await fs.rm(`${target}.partial`);
    assert.equal((await findPartialDownload(dir, source, "Q4_K_M"))!.bytes, 0);
    // A heartbeat older than staleMs is stale even if the pid is alive (a hung or reused pid).
    await fs.writeFile(`${target}.partial`, Buffer.alloc(10));
    await writeLock(`${target}.lock`, child.pid!);
    const old = new Date(Date.now() - 120_000);
    await fs.utimes(`${target}.lock`, old, old);
    assert.equal((await findPartialDownload(dir, source, "Q4_K_M", { lockStaleMs: 60_000 }))!.state, "paused");
    child.kill();
    await new Promise((r) => child.once("exit", r));
    await writeLock(`${target}.lock`, child.pid!);
    assert.equal((await findPartialDownload(dir, source, "Q4_K_M"))!.state, "paused", "the process exited: stale");
  });

  it("the downloader records the real size beside the partial, and removes it when done", async () => {
    const body = testBytes(600_000);
    const server = await new FaultServer(body).start();
    server.handler = (req, res) => server.serve(req, res, { dripMs: 5, dripBytes: 16 * 1024 });
    try {
      const ac = new AbortController();
      const r = await downloadFile({
        url: server.url(),
        targetPath: target,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.bytes > 100_000) ac.abort();
        },
      });
      assert.equal(r.status, "cancelled");
      const p = (await findPartialDownload(dir, source, "Q4_K_M"))!;
      assert.equal(p.state, "paused", "the lock was released");
      assert.equal(p.totalBytes, body.length);
      assert.equal(p.totalIsEstimate, false);
      assert.ok(p.bytes > 0 && p.bytes < body.length);
      const done = await downloadFile({ url: server.url(), targetPath: target });
      assert.equal(done.status, "completed");
      assert.deepEqual((await fs.readdir(dir)).sort(), [path.basename(target)], "no partial, sidecar or lock left");
      assert.ok(!existsSync(partialInfoPath(`${target}.partial`)));
    } finally {
      await server.stop();
    }
  });
});
