// `mixtral-local index` and `mixtral-local search`: the JSON the retrieval benchmark reads, the
// stats, the cap's message, and bad arguments refused with the usage.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../helpers/tinyModel";
import { makeWorkspaceTree, type WorkspaceTree } from "../../helpers/workspaceTree";

const cli = path.join(repoRoot(), "out", "src", "cli", "main.js");

function mixtralLocal(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("mixtral-local index / search", function () {
  this.timeout(60_000);
  let tree: WorkspaceTree;
  let storage: string;
  beforeEach(() => {
    tree = makeWorkspaceTree({
      "src/cart.ts": "/** Adds an item to the cart. */\nexport function addToCart(item: string) {\n  return item;\n}\n",
      "src/checkout/pay.ts": "export function payInvoice(total: number) {\n  return total;\n}\n",
      "README.md": "# Store\n",
    });
    storage = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-cli-index-"));
  });
  afterEach(() => {
    tree.cleanup();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  it("index --stats prints the stats as JSON and keeps the index where --storage says", async () => {
    const r = await mixtralLocal("index", tree.dir, "--stats", "--storage", storage);
    assert.equal(r.code, 0, r.stderr);
    const stats = JSON.parse(r.stdout) as { files: number; symbols: number; filesOverCap: number; storageDir: string };
    assert.deepEqual([stats.files, stats.symbols, stats.filesOverCap, stats.storageDir], [3, 2, 0, storage]);
    assert.deepEqual(fs.readdirSync(storage), ["workspace-index.bin"]);
  });

  it("search --json prints path, lines, symbol and score, best first, paths relative to DIR", async () => {
    const r = await mixtralLocal("search", tree.dir, "pay the invoice at checkout", "--json", "--limit", "2", "--storage", storage);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.ok(rows.length >= 1 && rows.length <= 2);
    assert.deepEqual(Object.keys(rows[0]), ["path", "startLine", "endLine", "symbol", "score"]);
    assert.deepEqual(
      { ...rows[0], score: undefined },
      { path: "src/checkout/pay.ts", startLine: 1, endLine: 3, symbol: "payInvoice", score: undefined },
    );
    assert.ok(typeof rows[0].score === "number" && rows[0].score > 0);
    for (let i = 1; i < rows.length; i++) assert.ok((rows[i - 1].score as number) >= (rows[i].score as number));
    const plain = await mixtralLocal("search", tree.dir, "add to cart", "--storage", storage);
    assert.match(plain.stdout, /^src\/cart\.ts:1-4 {2}addToCart {2}\(\d+\.\d\d\)$/m);
  });

  it("a capped index says how many files were left out and what to do", async () => {
    const r = await mixtralLocal("index", tree.dir, "--max-files", "1", "--no-storage");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^indexed 1 files/);
    assert.match(
      r.stderr,
      /2 more files were left out: the index stops at 1 files\. Raise --max-files or exclude folders with --exclude\./,
    );
  });

  it("refuses a missing folder, a bad --limit and options of the other verb, with the usage", async () => {
    for (const args of [
      ["search", path.join(tree.dir, "nope"), "q"],
      ["search", tree.dir, "q", "--limit", "0"],
      ["index", tree.dir, "--json"],
      ["search", tree.dir],
    ]) {
      const r = await mixtralLocal(...args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, new RegExp(`^mixtral-local ${args[0]}: .*\\nusage: mixtral-local ${args[0]} DIR`));
    }
  });
});
