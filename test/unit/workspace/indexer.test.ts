// The index's life on disk, driven through WorkspaceIndexer (what the worker runs): built once,
// reloaded without reading files again, brought up to date with edits, creations and deletions
// made while it was closed, updated path by path, and rebuilt from a corrupt or older file.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FORMAT_VERSION, INDEX_FILE } from "../../../src/core/workspace/indexPersistence";
import { searchIndex } from "../../../src/core/workspace/queries";
import { GrammarLoader, treeSitterWasmDir } from "../../../src/core/workspace/treeSitter";
import type { IndexOptions, IndexProgress } from "../../../src/core/workspace/types";
import { WorkspaceIndexer } from "../../../src/core/workspace/WorkspaceIndexer";
import { makeWorkspaceTree, type WorkspaceTree } from "../../helpers/workspaceTree";

const grammars = new GrammarLoader(treeSitterWasmDir(__dirname));

async function open(options: IndexOptions): Promise<{ indexer: WorkspaceIndexer; phases: IndexProgress[] }> {
  const indexer = new WorkspaceIndexer(options, grammars);
  const phases: IndexProgress[] = [];
  await indexer.open((p) => phases.push(p));
  return { indexer, phases };
}

const indexedPaths = (i: WorkspaceIndexer) => [...i.store.files.values()].map((f) => f.rel).sort();
const topPath = (i: WorkspaceIndexer, query: string) => searchIndex(i.store, i.options, query, 5)[0]?.path;

/** Sets a file's mtime forward so a size-preserving edit is still seen. */
function touch(file: string, secondsAhead: number): void {
  const t = new Date(Date.now() + secondsAhead * 1000);
  fs.utimesSync(file, t, t);
}

describe("workspace indexer", function () {
  this.timeout(30_000);
  let tree: WorkspaceTree;
  let storageDir: string;
  beforeEach(() => {
    tree = makeWorkspaceTree({
      "src/billing.ts":
        "/** Computes the invoice total with taxes. */\nexport function invoiceTotal(lines: number[]) {\n  return lines.reduce((a, b) => a + b, 0);\n}\n",
      "src/shipping.py": 'def shipping_cost(weight):\n    """Cost of shipping a parcel."""\n    return weight * 2\n',
      "README.md": "# Shop\nSells things.\n",
    });
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-ws-store-"));
  });
  afterEach(() => {
    tree.cleanup();
    fs.rmSync(storageDir, { recursive: true, force: true });
  });

  it("builds, saves, and reloads without indexing again", async () => {
    const first = await open(tree.options({ storageDir }));
    assert.deepEqual(indexedPaths(first.indexer), ["README.md", "src/billing.ts", "src/shipping.py"]);
    assert.ok(first.phases.some((p) => p.phase === "saving"));
    assert.ok(fs.existsSync(path.join(storageDir, INDEX_FILE)));
    const second = await open(tree.options({ storageDir }));
    assert.ok(!second.phases.some((p) => p.phase === "indexing" || p.phase === "saving"), "nothing to index or save");
    assert.deepEqual(second.phases.at(-1), { phase: "ready", done: 0, total: 0 });
    assert.equal(topPath(second.indexer, "invoice total"), "src/billing.ts");
    assert.equal(second.indexer.stats()?.symbols, 2);
  });

  it("catches edits, creations and deletions made while it was closed", async () => {
    await open(tree.options({ storageDir }));
    tree.write({ "src/shipping.py": "def parcel_rate(zone):\n    return zone\n", "src/refunds.ts": "export function refundOrder() {}\n" });
    touch(path.join(tree.dir, "src/shipping.py"), 5);
    fs.rmSync(path.join(tree.dir, "src/billing.ts"));
    const { indexer, phases } = await open(tree.options({ storageDir }));
    assert.deepEqual(indexedPaths(indexer), ["README.md", "src/refunds.ts", "src/shipping.py"]);
    assert.deepEqual(
      phases.filter((p) => p.phase === "ready"),
      [{ phase: "ready", done: 2, total: 2 }],
      "only the two changed files were read",
    );
    assert.equal(topPath(indexer, "parcel rate"), "src/shipping.py");
    assert.equal(topPath(indexer, "weight"), undefined, "the old text is gone");
    assert.deepEqual(indexer.store.definitionsOf("invoiceTotal"), []);
  });

  it("update() and remove() change single paths; ignored and excluded paths stay out", async () => {
    const { indexer } = await open(tree.options({ storageDir }));
    tree.write({
      "src/tax.ts": "export const taxRate = () => 0.2;\n",
      ".gitignore": "tmp/\n",
      "tmp/scratch.ts": "export function scratchPad() {}\n",
    });
    assert.equal(await indexer.update([path.join(tree.dir, "src/tax.ts"), path.join(tree.dir, "tmp/scratch.ts")]), 1);
    assert.equal(topPath(indexer, "tax rate"), "src/tax.ts");
    assert.equal(indexer.store.definitionsOf("scratchPad").length, 0);
    assert.equal(await indexer.update([path.join(tree.dir, "src/tax.ts")]), 0, "unchanged: not read again");
    assert.equal(await indexer.remove([path.join(tree.dir, "src")]), 3);
    assert.deepEqual(indexedPaths(indexer), ["README.md"]);
    fs.rmSync(path.join(tree.dir, "README.md"));
    assert.equal(await indexer.update([path.join(tree.dir, "README.md")]), 1, "a vanished file is dropped");
    assert.equal(indexer.stats()?.files, 0);
    await indexer.flush();
  });

  it("rebuilds from a corrupt, truncated, older-format or other-options index, never trusting it", async () => {
    await open(tree.options({ storageDir }));
    const file = path.join(storageDir, INDEX_FILE);
    const good = fs.readFileSync(file);
    const header = good.subarray(0, good.indexOf(10)).toString();
    const variants: Record<string, Buffer> = {
      garbage: Buffer.from("not an index at all"),
      truncated: good.subarray(0, Math.floor(good.length * 0.7)),
      "flipped postings": Buffer.concat([good.subarray(0, good.length - 16), Buffer.alloc(16, 0xff)]),
      older: Buffer.concat([
        Buffer.from(header.replace(`"format":${FORMAT_VERSION}`, `"format":${FORMAT_VERSION - 1}`)),
        good.subarray(good.indexOf(10)),
      ]),
      empty: Buffer.alloc(0),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      fs.writeFileSync(file, bytes);
      const { indexer, phases } = await open(tree.options({ storageDir }));
      assert.ok(
        phases.some((p) => p.phase === "indexing"),
        `${name}: indexed again`,
      );
      assert.deepEqual(indexedPaths(indexer), ["README.md", "src/billing.ts", "src/shipping.py"], name);
      assert.equal(topPath(indexer, "invoice total"), "src/billing.ts", name);
    }
    const other = await open(tree.options({ storageDir, maxFileBytes: 500_000 }));
    assert.ok(
      other.phases.some((p) => p.phase === "indexing"),
      "other options: indexed again",
    );
  });

  it("counts what it leaves out and keeps the skipped files from being read on every reload", async () => {
    tree.write({ "data.dat": Buffer.from([1, 0, 2, 3]), "bundle.js": `x=1;${"y=2;".repeat(3000)}`, "huge.txt": "z".repeat(3000) });
    const { indexer } = await open(tree.options({ storageDir, maxFileBytes: 20_000 }));
    assert.deepEqual(indexer.stats()?.skipped, { binary: 1, minified: 1, tooLarge: 0, unreadable: 0 });
    const small = await open(tree.options({ storageDir, maxFileBytes: 2000 }));
    assert.equal(small.indexer.stats()?.skipped.tooLarge, 2, "huge.txt and bundle.js are over the limit");
    const again = await open(tree.options({ storageDir, maxFileBytes: 2000 }));
    assert.ok(!again.phases.some((p) => p.phase === "indexing"), "skipped files are remembered");
  });
});
