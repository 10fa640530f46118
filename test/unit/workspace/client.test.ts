// The index through its host-side client and the real worker thread (out/src/indexer/main.js,
// the same code as dist/indexer.js): what the extension and the CLI call.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseIndexHostMessage, parseIndexWorkerMessage } from "../../../src/core/workspace/indexProtocol";
import type { IndexProgress } from "../../../src/core/workspace/types";
import { WorkspaceIndexClient } from "../../../src/core/workspace/WorkspaceIndexClient";
import { makeWorkspaceTree, type WorkspaceTree } from "../../helpers/workspaceTree";

describe("workspace index client (worker thread)", function () {
  this.timeout(60_000);
  let tree: WorkspaceTree;
  let client: WorkspaceIndexClient;
  let storageDir: string;
  beforeEach(() => {
    tree = makeWorkspaceTree({
      "lib/queue.ts":
        "/** A FIFO queue. */\nexport class JobQueue {\n  enqueue(job: string) {}\n  /** Runs every job. */\n  drainAll() {}\n}\n",
      "lib/worker.ts": "import { JobQueue } from './queue';\nconst q = new JobQueue();\nexport function runJobs() {\n  q.drainAll();\n}\n",
      "notes.txt": "call drainAll before exit\n",
    });
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-ws-client-"));
    client = new WorkspaceIndexClient();
  });
  afterEach(async () => {
    await client.dispose();
    tree.cleanup();
    fs.rmSync(storageDir, { recursive: true, force: true });
  });

  it("indexes with progress, then answers search, definitions, references, grep and the repo map", async () => {
    const progress: IndexProgress[] = [];
    const stats = await client.start(tree.options({ storageDir }), (p) => progress.push(p));
    assert.equal(stats?.files, 3);
    assert.deepEqual(client.stats(), stats);
    assert.deepEqual(
      progress.map((p) => p.phase).filter((p, i, a) => a.indexOf(p) === i),
      ["loading", "scanning", "indexing", "saving", "ready"],
    );

    const [hit] = await client.search("drain all jobs from the queue", { limit: 3 });
    assert.equal(hit.path, "lib/queue.ts");
    assert.equal(hit.root, path.basename(tree.dir));
    assert.match(hit.text, /class JobQueue/);

    const [def] = await client.definitions("drainAll");
    assert.deepEqual([def.name, def.kind, def.path, def.startLine, def.endLine], ["JobQueue.drainAll", "method", "lib/queue.ts", 4, 5]);

    const refs = await client.references("drainAll");
    // The definition (line 5, below its doc comment) is not a reference.
    assert.deepEqual(refs.map((r) => `${r.path}:${r.line}`).sort(), ["lib/worker.ts:4", "notes.txt:1"]);
    assert.equal(refs.find((r) => r.path === "lib/worker.ts")?.lineText, "q.drainAll();");

    assert.deepEqual(
      (await client.grep("new JobQueue()")).map((r) => r.path),
      ["lib/worker.ts"],
    );
    assert.deepEqual(
      (await client.grep("enqueue\\(\\w+", { regex: true })).map((r) => `${r.path}:${r.line}`),
      ["lib/queue.ts:3"],
    );
    await assert.rejects(client.grep("(unclosed", { regex: true }), /ripgrep: .*regex/i);

    const map = await client.repoMap("run jobs", 200);
    assert.match(map, /^lib\/worker\.ts:\n {2}3: export function runJobs\(\) \{$/m);
    assert.match(map, /^lib\/queue\.ts:\n {2}1: export class JobQueue \{$/m);
    assert.match(map, /^ {2}4: drainAll\(\) \{\}$/m, "a definition's line in the map is its code, not its doc comment");
  });

  it("update and remove reach the worker; a second start reconciles with the disk", async () => {
    await client.start(tree.options({ storageDir }));
    tree.write({ "lib/retry.ts": "export function retryWithBackoff() {}\n" });
    await client.update([path.join(tree.dir, "lib/retry.ts")]);
    assert.equal((await client.definitions("retryWithBackoff"))[0]?.path, "lib/retry.ts");
    fs.rmSync(path.join(tree.dir, "lib/retry.ts"));
    await client.remove([path.join(tree.dir, "lib/retry.ts")]);
    assert.deepEqual(await client.definitions("retryWithBackoff"), []);
    fs.rmSync(path.join(tree.dir, "lib/worker.ts"));
    const stats = await client.start(tree.options({ storageDir }));
    assert.equal(stats?.files, 2);
    assert.deepEqual(await client.definitions("runJobs"), []);
  });

  it("cancel ends a build with undefined; an aborted query rejects; dispose rejects what is left", async () => {
    const building = client.start(tree.options({ storageDir }));
    client.cancel();
    const result = await building;
    assert.ok(result === undefined || result.files === 3, "cancelled, or done before the cancel arrived");
    await client.start(tree.options({ storageDir }));
    const controller = new AbortController();
    const query = client.search("queue", { signal: controller.signal });
    controller.abort();
    await assert.rejects(query, (err: Error) => err.name === "AbortError");
    await client.dispose();
    await assert.rejects(client.search("queue"), /disposed/);
  });

  it("a query before start says what to do; roots with one name fail the start, not the worker", async () => {
    await assert.rejects(client.search("queue"), /has not been started/);
    const options = tree.options();
    const twice = { ...options, roots: [options.roots[0], { name: options.roots[0].name, path: os.tmpdir() }] };
    await assert.rejects(
      client.start(twice),
      /indexing the workspace failed: two workspace folders are both named ".*"; give each root a unique name/,
    );
    assert.equal((await client.start(options))?.files, 3, "the same worker starts again");
  });

  it("indexes every root of a multi-root workspace and tells their hits apart", async () => {
    const second = makeWorkspaceTree({ "api/handlers.go": "package api\n\n// DrainQueue empties the queue.\nfunc DrainQueue() {}\n" });
    try {
      const options = tree.options();
      const stats = await client.start({ ...options, roots: [...options.roots, ...second.options().roots] });
      assert.equal(stats?.files, 4);
      const defs = await client.definitions("DrainQueue");
      assert.deepEqual(
        defs.map((d) => [d.root, d.path]),
        [[path.basename(second.dir), "api/handlers.go"]],
      );
      const roots = new Set((await client.search("drain queue")).map((h) => h.root));
      assert.deepEqual([...roots].sort(), [path.basename(tree.dir), path.basename(second.dir)].sort());
    } finally {
      second.cleanup();
    }
  });

  it("the protocol refuses malformed messages on both sides", () => {
    assert.equal(parseIndexHostMessage({ type: "start", options: { roots: "nope" } }), undefined);
    assert.equal(parseIndexHostMessage({ type: "query", requestId: "1", query: { kind: "search", query: 5, limit: 1 } }), undefined);
    assert.equal(parseIndexHostMessage({ type: "explode" }), undefined);
    assert.ok(parseIndexHostMessage({ type: "query", requestId: "1", query: { kind: "grep", pattern: "x", regex: true, limit: 3 } }));
    assert.equal(parseIndexWorkerMessage({ type: "ready", stats: { files: 1 } }), undefined);
    assert.equal(parseIndexWorkerMessage({ type: "progress", progress: { phase: "dancing", done: 0, total: 0 } }), undefined);
  });
});
