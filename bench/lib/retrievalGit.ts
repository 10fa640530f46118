// Git reads for the retrieval benchmark: a repository's history as facts the
// commit rule judges, one commit's facts, and a scratch checkout of any tree of a mirror, switched
// from one commit's parent to the next by writing only the files that differ. Nothing here writes
// into the mirror: the checkout keeps its own index file beside its folder.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gitDir } from "../editCorpusTool";
import type { CommitFacts, PathChange } from "./retrievalCorpus";

const git = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string =>
  execFileSync("git", ["--git-dir", gitDir(dir), ...args], { encoding: "utf8", maxBuffer: 256 << 20, env: { ...process.env, ...env } });

const RECORD = "\x1e";
const FIELD = "\x1f";

/** Parses `git log --name-status -M --format=<RECORD>%H<FIELD>%P<FIELD>%an<FIELD>%B<FIELD>`. */
export function parseLog(out: string): CommitFacts[] {
  return out
    .split(RECORD)
    .slice(1)
    .map((record) => {
      const [commit, parents, author, message, status = ""] = record.split(FIELD);
      const changes: PathChange[] = [];
      for (const line of status.split("\n")) {
        const parts = line.split("\t");
        if (parts.length < 2) continue;
        // R100 old new / C75 old new: the new path is the one the commit leaves.
        changes.push({ status: parts[0].charAt(0), path: parts[parts.length - 1] });
      }
      return { commit, parents: parents.split(" ").filter(Boolean), author, message: message.trim(), changes };
    });
}

const FORMAT = `--format=${RECORD}%H${FIELD}%P${FIELD}%an${FIELD}%B${FIELD}`;

/** The newest `limit` non-merge commits reachable from `head`, newest first (not first-parent only:
 *  repositories that merge pull requests keep their real work off the first-parent line). */
export const nonMergeHistory = (mirror: string, head: string, limit: number): CommitFacts[] =>
  parseLog(git(mirror, ["log", "--no-merges", "--name-status", "-M", `-n${limit}`, FORMAT, head]));

export function commitFacts(mirror: string, commit: string): CommitFacts {
  const [facts] = parseLog(git(mirror, ["show", "--name-status", "-M", FORMAT, commit]));
  return facts;
}

export const resolveHead = (mirror: string): string => git(mirror, ["rev-parse", "HEAD"]).trim();

/** Paths that differ between two trees (both sides of a rename). */
export const changedPaths = (mirror: string, from: string, to: string): string[] =>
  git(mirror, ["diff", "--name-only", "--no-renames", from, to]).split("\n").filter(Boolean);

/** A scratch folder that holds one tree of a mirror at a time. */
export class MirrorCheckout {
  readonly dir: string;
  private readonly indexFile: string;
  private readonly owned: string[];
  private current: string | undefined;

  /** `target`: the folder to fill and git's index file for it (both removed by dispose); a new
   *  temporary folder by default. */
  constructor(
    private readonly mirror: string,
    target?: { readonly dir: string; readonly indexFile: string },
  ) {
    const scratch = target ? undefined : mkdtempSync(path.join(os.tmpdir(), "mixtral-retrieval-"));
    this.dir = target?.dir ?? path.join(scratch!, "ws");
    this.indexFile = target?.indexFile ?? path.join(scratch!, "index");
    this.owned = scratch ? [scratch] : [this.dir, this.indexFile];
    mkdirSync(this.dir, { recursive: true });
  }

  /** Makes the folder hold `commit`'s tree; returns the paths that changed since the last one
   *  (every file the first time). */
  checkout(commit: string): string[] {
    const before = this.current;
    const env = { GIT_INDEX_FILE: this.indexFile };
    try {
      git(this.mirror, ["--work-tree", this.dir, "read-tree", "--reset", "-u", commit], env);
    } catch (err) {
      if (!/unable to read sha1 file/.test(String(err))) throw err;
      this.checkoutPresentBlobs(commit);
      // Files of the previous tree that the new one lacks are still on disk: remove them.
      const now = new Set(this.files());
      if (before)
        for (const p of changedPaths(this.mirror, before, commit)) if (!now.has(p)) rmSync(path.join(this.dir, p), { force: true });
    }
    this.current = commit;
    return before ? changedPaths(this.mirror, before, commit) : this.files();
  }

  /** A checkout of a tree some of whose blobs the mirror lacks (the fetch tool's snapshots leave
   *  out files of 4 MiB and more): those files are left out, the rest written. */
  private checkoutPresentBlobs(commit: string): void {
    const env = { GIT_INDEX_FILE: this.indexFile };
    git(this.mirror, ["read-tree", "--reset", commit], env);
    const entries = git(this.mirror, ["--work-tree", this.dir, "ls-files", "-s"], env)
      .split("\n")
      .filter(Boolean)
      .map((l) => ({ sha: l.split(" ")[1], path: l.split("\t")[1] }));
    const checked = execFileSync("git", ["--git-dir", gitDir(this.mirror), "cat-file", "--batch-check=%(objectname)"], {
      input: entries.map((e) => e.sha).join("\n"),
      encoding: "utf8",
      maxBuffer: 256 << 20,
    });
    const missing = new Set(
      checked
        .split("\n")
        .filter((l) => l.endsWith(" missing"))
        .map((l) => l.split(" ")[0]),
    );
    const drop = entries.filter((e) => missing.has(e.sha)).map((e) => e.path);
    if (drop.length)
      execFileSync("git", ["--git-dir", gitDir(this.mirror), "--work-tree", this.dir, "update-index", "--force-remove", "-z", "--stdin"], {
        input: drop.join("\0"),
        env: { ...process.env, ...env },
      });
    git(this.mirror, ["--work-tree", this.dir, "checkout-index", "-a", "-f"], env);
  }

  /** Every file of the current tree, sorted, relative with "/". */
  files(): string[] {
    return git(this.mirror, ["--work-tree", this.dir, "ls-files"], { GIT_INDEX_FILE: this.indexFile }).split("\n").filter(Boolean).sort();
  }

  dispose(): void {
    for (const p of this.owned) rmSync(p, { recursive: true, force: true });
  }
}
