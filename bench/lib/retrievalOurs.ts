// The index's arm of the retrieval benchmark: the same code path as `mixtral-local search` (the
// host-side WorkspaceIndexClient and its worker thread, the CLI's defaults), kept up to date as
// the folder moves from one commit's parent to the next through update()/remove(), the calls the
// extension makes on file events. Its file ranking is each file at its first hit's place.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { WorkspaceIndexClient } from "../../src/core/workspace/WorkspaceIndexClient";
import type { RetrievalArm } from "./retrievalBaselines";
import { cliOptions } from "./retrievalFiles";
import { rankFiles } from "./retrievalMetrics";

/** Chunks asked for per query: several chunks of one file come back, so ask for more than files. */
export const HITS_PER_FILE = 4;

export class WorkspaceIndexArm implements RetrievalArm {
  readonly name = "ours (workspace index)";
  readonly client = new WorkspaceIndexClient();
  private dir: string | undefined;

  async update(dir: string, changed: readonly string[]): Promise<void> {
    if (this.dir !== dir) {
      this.dir = dir;
      const stats = await this.client.start(cliOptions(dir));
      if (!stats) throw new Error("the index build was cancelled");
      return;
    }
    const abs = changed.map((p) => path.join(dir, p));
    const gone = abs.filter((p) => !existsSync(p));
    if (gone.length) await this.client.remove(gone);
    if (gone.length < abs.length) await this.client.update(abs.filter((p) => existsSync(p)));
  }

  async rankFiles(query: string, limit: number): Promise<string[]> {
    return rankFiles(await this.client.search(query, { limit: limit * HITS_PER_FILE })).slice(0, limit);
  }

  async dispose(): Promise<void> {
    await this.client.dispose();
  }
}
