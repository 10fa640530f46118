import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DownloadFailedError } from "../../../src/core/errors";
import { downloadFile, type DownloadOptions, type DownloadProgress } from "../../../src/core/models/downloader";
import { ensureTinyModel } from "../../helpers/tinyModel";
import { FaultServer, testBytes } from "./faultServer";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("models/downloader (real HTTP server on 127.0.0.1)", function () {
  this.timeout(30_000);
  let dir: string;
  let server: FaultServer;
  let target: string;
  const body = testBytes(1_000_000);
  const fast: Partial<DownloadOptions> = { retryBaseDelayMs: 10, maxRetryDelayMs: 2000, connectTimeoutMs: 5000 };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "mixtral-dl-"));
    target = path.join(dir, "model.gguf");
    server = await new FaultServer(body).start();
  });
  afterEach(async () => {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function expectFailure(p: Promise<unknown>, re: RegExp): Promise<DownloadFailedError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof DownloadFailedError, `expected DownloadFailedError, got ${String(err)}`);
      assert.match(err.message, re);
      return err;
    }
    assert.fail("download should have failed");
  }

  it("downloads the tiny model, verifies sha256, renames atomically and reports progress", async () => {
    const model = readFileSync(await ensureTinyModel());
    await server.stop();
    server = await new FaultServer(model).start();
    const seen: DownloadProgress[] = [];
    const r = await downloadFile({
      ...fast,
      url: server.url(),
      targetPath: target,
      expectedSha256: sha(model),
      onProgress: (p) => seen.push(p),
    });
    assert.equal(r.status, "completed");
    assert.ok(r.status === "completed" && r.verifiedSha256 && r.sha256 === sha(model));
    assert.deepEqual(readFileSync(target), model);
    assert.ok(!existsSync(`${target}.partial`) && !existsSync(`${target}.lock`));
    const last = seen.filter((p) => p.phase === "downloading").at(-1);
    assert.equal(last?.bytes, model.length);
    assert.ok(seen.some((p) => p.phase === "verifying"));
  });

  it("resumes with Range after the connection drops at 40 %", async () => {
    const cut = Math.floor(body.length * 0.4);
    server.handler = (req, res, n) => server.serve(req, res, n === 1 ? { dropAfter: cut } : {});
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target, expectedSha256: sha(body) });
    assert.equal(r.status, "completed");
    assert.deepEqual(readFileSync(target), body);
    assert.equal(server.requests[0].range, undefined);
    const resumedAt = Number(/bytes=(\d+)-/.exec(server.requests[1].range ?? "")?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= cut, `resumed at ${resumedAt}`);
  });

  it("resumes a .partial left by an earlier window", async () => {
    await fs.writeFile(`${target}.partial`, body.subarray(0, 400_000));
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target, expectedSize: body.length });
    assert.equal(r.status, "completed");
    assert.equal(server.requests[0].range, "bytes=400000-");
    assert.deepEqual(readFileSync(target), body);
  });

  it("starts over when the server ignores Range (200 with the full body)", async () => {
    await fs.writeFile(`${target}.partial`, body.subarray(0, 400_000));
    server.handler = (req, res) => server.serve(req, res, { ignoreRange: true });
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target, expectedSha256: sha(body) });
    assert.equal(r.status, "completed");
    assert.equal(server.requests[0].range, "bytes=400000-");
    assert.deepEqual(readFileSync(target), body);
  });

  it("retries 500s, honouring Retry-After, then succeeds", async () => {
    server.handler = (req, res, n) => (n <= 2 ? res.writeHead(503, { "retry-after": "0" }).end() : server.serve(req, res));
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target, expectedSize: body.length });
    assert.equal(r.status, "completed");
    assert.equal(server.requests.length, 3);
  });

  it("fails with a clear message when Retry-After is longer than the longest wait", async () => {
    server.handler = (_req, res) => res.writeHead(429, { "retry-after": "3600" }).end();
    await expectFailure(downloadFile({ ...fast, url: server.url(), targetPath: target }), /retry .* after 3600 s/);
  });

  it("gives up on a slow drip with the stall timeout, keeping the partial", async () => {
    server.handler = (req, res) => server.serve(req, res, { dripMs: 20 });
    await expectFailure(
      downloadFile({ ...fast, url: server.url(), targetPath: target, stallTimeoutMs: 300, stallMinBytes: 1024, maxRetries: 1 }),
      /after 2 attempts: the download stalled \(less than 1024 bytes in 300 ms\)/,
    );
    assert.equal(server.requests.length, 2);
    assert.ok(!existsSync(target));
    // What dripped in is kept, and the next download resumes from it.
    const kept = (await fs.stat(`${target}.partial`)).size;
    assert.ok(kept > 0, "the partial holds the bytes received");
    server.handler = (req, res) => server.serve(req, res);
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target });
    assert.ok(r.status === "completed" && sha(await fs.readFile(target)) === sha(body));
    assert.equal(server.requests[2].range, `bytes=${kept}-`);
  });

  it("deletes the file and says so when the size is wrong", async () => {
    await expectFailure(
      downloadFile({ ...fast, url: server.url(), targetPath: target, expectedSize: body.length + 10 }),
      /1000000 bytes, but 1000010 were expected/,
    );
    assert.ok(!existsSync(target) && !existsSync(`${target}.partial`));
  });

  it("deletes the file and says so when the sha256 is wrong", async () => {
    await expectFailure(
      downloadFile({ ...fast, url: server.url(), targetPath: target, expectedSha256: sha(Buffer.from("other")) }),
      /sha256 check .* deleted/,
    );
    assert.ok(!existsSync(target) && !existsSync(`${target}.partial`));
  });

  it("verifies an npm-style sha512 integrity with the sha256, and deletes a file that fails it", async () => {
    const integrity = `sha512-${createHash("sha512").update(body).digest("base64")}`;
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target, expectedIntegrity: integrity });
    assert.ok(r.status === "completed" && r.verifiedIntegrity && r.sha256 === sha(body));
    await fs.rm(target);
    const other = `sha512-${createHash("sha512")
      .update(Buffer.concat([body, Buffer.from("x")]))
      .digest("base64")}`;
    await expectFailure(
      downloadFile({ ...fast, url: server.url(), targetPath: target, expectedIntegrity: other }),
      /sha512 check.*deleted/,
    );
    assert.ok(!existsSync(target) && !existsSync(`${target}.partial`));
  });

  it("follows a redirect to another host without forwarding the token, and checks the hub's sha256", async () => {
    const cdn = await new FaultServer(body).start();
    try {
      server.handler = (_req, res) =>
        res
          .writeHead(302, { location: cdn.url("/lfs/blob"), "x-linked-size": String(body.length), "x-linked-etag": `"${sha(body)}"` })
          .end();
      const r = await downloadFile({ ...fast, url: server.url(), targetPath: target, token: "hf_secret" });
      assert.ok(r.status === "completed" && r.verifiedSha256);
      assert.equal(server.requests[0].authorization, "Bearer hf_secret");
      assert.equal(cdn.requests.length, 1);
      assert.equal(cdn.requests[0].authorization, undefined);
    } finally {
      await cdn.stop();
    }
  });

  it("rejects a file whose hub sha256 (X-Linked-Etag) does not match", async () => {
    const cdn = await new FaultServer(body).start();
    try {
      server.handler = (_req, res) => res.writeHead(302, { location: cdn.url("/x"), "x-linked-etag": sha(Buffer.from("x")) }).end();
      await expectFailure(downloadFile({ ...fast, url: server.url(), targetPath: target }), /sha256/);
    } finally {
      await cdn.stop();
    }
  });

  for (const [status, re] of [
    [401, /licence/],
    [403, /licence/],
    [404, /not found .* 404/],
  ] as const) {
    it(`explains HTTP ${status} without retrying`, async () => {
      server.handler = (_req, res) => res.writeHead(status).end();
      const err = await expectFailure(downloadFile({ ...fast, url: server.url(), targetPath: target }), re);
      assert.ok(err.hint);
      assert.equal(server.requests.length, 1);
    });
  }

  it("explains a 416 and deletes the partial; a 416 for a complete partial finishes", async () => {
    server.handler = (_req, res) => res.writeHead(416, { "content-range": "bytes */5" }).end();
    await fs.writeFile(`${target}.partial`, body.subarray(0, 10));
    await expectFailure(downloadFile({ ...fast, url: server.url(), targetPath: target }), /HTTP 416/);
    assert.ok(!existsSync(`${target}.partial`));

    server.handler = (req, res) => server.serve(req, res);
    await fs.writeFile(`${target}.partial`, body);
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target, expectedSha256: sha(body) });
    assert.equal(r.status, "completed");
    assert.equal(server.requests.at(-1)?.range, `bytes=${body.length}-`);
  });

  it("checks free disk space first", async () => {
    await expectFailure(
      downloadFile({ ...fast, url: server.url(), targetPath: target, expectedSize: 28.4e9, freeSpace: async () => 12.1e9 }),
      /needs 28\.4 GB, 12\.1 GB free in /,
    );
    assert.equal(server.requests.length, 0);
  });

  it("never lets two downloads of one file run at once (lock file)", async () => {
    server.handler = (req, res, n) => (n === 1 ? setTimeout(() => server.serve(req, res), 300) : server.serve(req, res));
    const first = downloadFile({ ...fast, url: server.url(), targetPath: target });
    await new Promise((r) => setTimeout(r, 50));
    await expectFailure(downloadFile({ ...fast, url: server.url(), targetPath: target }), /already being downloaded/);
    assert.equal((await first).status, "completed");
    assert.equal(server.requests.length, 1);
  });

  it("takes over a stale lock left by a dead process", async () => {
    await fs.writeFile(`${target}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), since: 0 }));
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target });
    assert.equal(r.status, "completed");
  });

  it("fails fast and says so when the host cannot be resolved (offline)", async () => {
    await expectFailure(
      downloadFile({ ...fast, url: "http://mixtral-download.invalid/model.gguf", targetPath: target }),
      /seems to be offline/,
    );
  });

  it("returns cancelled on abort, keeping the partial for a resume", async () => {
    server.handler = (req, res) => server.serve(req, res, { dripMs: 5 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await downloadFile({ ...fast, url: server.url(), targetPath: target, signal: ac.signal });
    assert.equal(r.status, "cancelled");
    assert.ok(!existsSync(target) && !existsSync(`${target}.lock`));
    assert.ok(existsSync(`${target}.partial`));
  });
});
