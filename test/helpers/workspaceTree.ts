// Small real folders for the workspace index's tests: files written under a fresh temporary
// folder (removed by the returned cleanup), and index options for it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_EXCLUDE_GLOBS } from "../../src/core/workspace/defaults";
import type { IndexOptions } from "../../src/core/workspace/types";

export interface WorkspaceTree {
  readonly dir: string;
  /** Writes (or overwrites) files, relative path → content; folders are made as needed. */
  write(files: Record<string, string | Uint8Array>): void;
  options(extra?: Partial<IndexOptions>): IndexOptions;
  cleanup(): void;
}

export function makeWorkspaceTree(files: Record<string, string | Uint8Array> = {}): WorkspaceTree {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-ws-")));
  const tree: WorkspaceTree = {
    dir,
    write(more) {
      for (const [rel, content] of Object.entries(more)) {
        const abs = path.join(dir, rel);
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, content);
      }
    },
    options(extra = {}) {
      return {
        roots: [{ name: path.basename(dir), path: dir }],
        excludeGlobs: DEFAULT_EXCLUDE_GLOBS,
        maxFileBytes: 1024 * 1024,
        maxFiles: 50_000,
        ...extra,
      };
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  tree.write(files);
  return tree;
}
