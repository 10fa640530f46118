// When updates reach the stored index: not at once (a save rewrites the whole file, minutes on a
// huge folder), but on dispose (flush) or after the save gap; a kill before then loses nothing,
// since the next open reconciles the changed files with the disk by size and mtime.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { INDEX_FILE } from "../../../src/core/workspace/indexPersistence";
import { searchIndex } from "../../../src/core/workspace/queries";
import { GrammarLoader, treeSitterWasmDir } from "../../../src/core/workspace/treeSitter";
import type { IndexOptions, IndexProgress } from "../../../src/core/workspace/types";
import { WorkspaceIndexer } from "../../../src/core/workspace/WorkspaceIndexer";
import { makeWorkspaceTree, type WorkspaceTree } from "../../helpers/workspaceTree";

const grammars = new GrammarLoader(treeSitterWasmDir(__dirname));
/** SAVE_DELAY_MS (the quiet period before a save) plus a margin. */
const PAST_QUIET_PERIOD_MS = 3500;

async function open(options: IndexOptions): Promise<{ indexer: WorkspaceIndexer; phases: IndexProgress[] }> {
  const indexer = new WorkspaceIndexer(options, grammars);
  const phases: IndexProgress[] = [];
  await indexer.open((p) => phases.push(p));
  return { indexer, phases };
}

const topPath = (i: WorkspaceIndexer, query: string) => searchIndex(i.store, i.options, query, 5)[0]?.path;
const fileStamp = (file: string) => {
  const st = fs.statSync(file);
  return `${st.ino}:${st.mtimeMs}:${st.size}`;
};

describe("workspace index saving", function () {
  this.timeout(30_000);
  let tree: WorkspaceTree;
  let storageDir: string;
  beforeEach(() => {
    tree = makeWorkspaceTree({ "src/billing.ts": "export function invoiceTotal(lines: number[]) {\n  return lines.length;\n}\n" });
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-ws-store-"));
  });
  afterEach(() => {
    tree.cleanup();
    fs.rmSync(storageDir, { recursive: true, force: true });
  });

  it("an update is searchable at once but does not rewrite the stored index past the quiet period", async () => {
    await open(tree.options({ storageDir }));
    const { indexer } = await open(tree.options({ storageDir }));
    const stored = path.join(storageDir, INDEX_FILE);
    const before = fileStamp(stored);
    tree.write({ "src/refunds.ts": "export function refundOrder() {}\n" });
    assert.equal(await indexer.update([path.join(tree.dir, "src/refunds.ts")]), 1);
    assert.equal(topPath(indexer, "refund order"), "src/refunds.ts");
    await new Promise((resolve) => setTimeout(resolve, PAST_QUIET_PERIOD_MS));
    assert.equal(fileStamp(stored), before, "the stored index was not rewritten");
    await indexer.flush();
    assert.notEqual(fileStamp(stored), before, "flush (dispose) writes the pending update");
    const reloaded = await open(tree.options({ storageDir }));
    assert.ok(!reloaded.phases.some((p) => p.phase === "indexing"), "the flushed index needs no reading");
    assert.equal(topPath(reloaded.indexer, "refund order"), "src/refunds.ts");
  });

  it("a reload after an unsaved update (a kill) reconciles the changed file from the disk", async () => {
    await open(tree.options({ storageDir }));
    const { indexer } = await open(tree.options({ storageDir }));
    tree.write({ "src/billing.ts": "export function creditNote(amount: number) {\n  return -amount;\n}\n" });
    assert.equal(await indexer.update([path.join(tree.dir, "src/billing.ts")]), 1);
    // No flush: the process ends here as if killed.
    const { indexer: reloaded, phases } = await open(tree.options({ storageDir }));
    assert.deepEqual(
      phases.filter((p) => p.phase === "ready"),
      [{ phase: "ready", done: 1, total: 1 }],
      "only the changed file was read",
    );
    assert.equal(topPath(reloaded, "credit note"), "src/billing.ts");
    assert.deepEqual(reloaded.store.definitionsOf("invoiceTotal"), []);
    await indexer.flush();
  });
});
