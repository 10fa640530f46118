// File localization on the commit corpus (bench/data/retrieval.json): for each commit, the arms'
// folder is moved to the commit's parent (only the files that differ are written, and each arm is
// told which), the commit's message is the query, and each arm's file ranking is scored against
// the non-test source files the commit changed. All arms run on the same folder, one commit after
// another, so they are compared on the same queries in one run.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { mirrorOf } from "../editCorpusTool";
import type { RetrievalArm } from "./retrievalBaselines";
import { judgeCommit, loadRetrievalManifest, RetrievalCorpusError, type RetrievalManifest } from "./retrievalCorpus";
import { commitFacts, MirrorCheckout } from "./retrievalGit";
import { type QueryScore, scoreRanking, type ScoreSummary, summarize } from "./retrievalMetrics";

/** How many files each arm ranks: enough for recall@10 and a useful MRR. */
export const RANK_LIMIT = 50;

export interface LocalizationOptions {
  readonly mirrors: string;
  /** Makes the arms, once per repository (each gets a fresh folder). */
  readonly makeArms: () => RetrievalArm[];
  /** Only these repositories (owner/name); all by default. */
  readonly repos?: readonly string[];
  /** At most this many commits per repository (the first ones of the manifest); all by default. */
  readonly perRepo?: number;
  readonly manifest?: RetrievalManifest;
  readonly onLine?: (line: string) => void;
}

/** One commit's outcome: where each arm put each answer file (1-based, null when not in its first RANK_LIMIT). */
export interface CommitOutcome {
  readonly id: string;
  readonly repo: string;
  readonly query: string;
  readonly gold: readonly string[];
  readonly files: number;
  readonly arms: Record<
    string,
    { readonly ranks: (number | null)[]; readonly top5: string[]; readonly score: QueryScore; readonly ms: number }
  >;
}

export interface RepoFigures {
  readonly repo: string;
  readonly language: string;
  readonly files: number;
  readonly arms: Record<string, ScoreSummary>;
}

export interface LocalizationFigures {
  readonly armNames: string[];
  readonly repos: RepoFigures[];
  readonly overall: Record<string, ScoreSummary>;
  /** Per arm, query latency on the mid-sized repositories (ms). */
  readonly queryMs: Record<string, number[]>;
  readonly outcomes: CommitOutcome[];
  /** Repositories of the manifest without a mirror here. */
  readonly missing: string[];
  /** Repositories whose run stopped with an error (their commits so far are scored). */
  readonly failed: string[];
}

export function hasMirror(mirrors: string, repo: string): boolean {
  try {
    mirrorOf(mirrors, repo);
    return true;
  } catch {
    return false;
  }
}

/** The repositories of the manifest whose mirrors are under `mirrors` (the others are skipped). */
export function mirroredRepos(mirrors: string, manifest: RetrievalManifest): { found: string[]; missing: string[] } {
  const repos = manifest.repos.map((r) => r.repo);
  return { found: repos.filter((r) => hasMirror(mirrors, r)), missing: repos.filter((r) => !hasMirror(mirrors, r)) };
}

async function runCommit(
  arms: RetrievalArm[],
  checkout: MirrorCheckout,
  mirror: string,
  loc: { id: string; repo: string; commit: string; parent: string },
): Promise<CommitOutcome> {
  const j = judgeCommit(commitFacts(mirror, loc.commit));
  if (!j.ok) throw new RetrievalCorpusError(`${loc.id} no longer passes the commit rule (${j.reason}): run retrievalCorpusTool verify`);
  const changed = checkout.checkout(loc.parent);
  for (const arm of arms) await arm.update(checkout.dir, changed);
  const out: CommitOutcome["arms"] = {};
  for (const arm of arms) {
    const t0 = performance.now();
    const ranked = await arm.rankFiles(j.query, RANK_LIMIT);
    const ms = performance.now() - t0;
    out[arm.name] = {
      ranks: j.gold.map((g) => (ranked.includes(g) ? ranked.indexOf(g) + 1 : null)),
      top5: ranked.slice(0, 5),
      score: scoreRanking(ranked, j.gold),
      ms,
    };
  }
  return { id: loc.id, repo: loc.repo, query: j.query, gold: j.gold, files: checkout.files().length, arms: out };
}

const summarizeArms = (names: string[], outcomes: readonly CommitOutcome[]): Record<string, ScoreSummary> =>
  Object.fromEntries(names.map((n) => [n, summarize(outcomes.map((o) => o.arms[n].score))]));

export async function measureLocalization(o: LocalizationOptions): Promise<LocalizationFigures> {
  const manifest = o.manifest ?? loadRetrievalManifest();
  const { found, missing } = mirroredRepos(o.mirrors, manifest);
  const wanted = found.filter((r) => !o.repos || o.repos.includes(r));
  const outcomes: CommitOutcome[] = [];
  const repos: RepoFigures[] = [];
  const failed: string[] = [];
  let armNames: string[] = [];
  for (const repo of wanted) {
    const mirror = mirrorOf(o.mirrors, repo);
    const commits = manifest.commits.filter((c) => c.repo === repo).slice(0, o.perRepo);
    const checkout = new MirrorCheckout(mirror);
    const arms = o.makeArms();
    armNames = arms.map((a) => a.name);
    const mine: CommitOutcome[] = [];
    try {
      for (const c of commits) {
        const r = await runCommit(arms, checkout, mirror, c);
        mine.push(r);
        o.onLine?.(`${r.id}: ${armNames.map((n) => `${n} ${r.arms[n].ranks.map((k) => k ?? "-").join(",")}`).join(" | ")}\n`);
      }
    } catch (err) {
      // One repository's failure (a mirror without some commit, say) does not lose the others'.
      failed.push(`${repo}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
      o.onLine?.(`${repo} failed after ${mine.length} commits: ${failed[failed.length - 1]}\n`);
    } finally {
      for (const arm of arms) await arm.dispose();
      checkout.dispose();
    }
    outcomes.push(...mine);
    const sizes = mine.map((m) => m.files).sort((a, b) => a - b);
    repos.push({
      repo,
      language: manifest.repos.find((r) => r.repo === repo)?.language ?? "",
      files: sizes[Math.floor(sizes.length / 2)] ?? 0,
      arms: summarizeArms(armNames, mine),
    });
  }
  const queryMs = Object.fromEntries(armNames.map((n) => [n, outcomes.map((x) => x.arms[n].ms)]));
  return {
    armNames,
    repos: repos.filter((r) => r.arms[armNames[0]]?.n),
    overall: summarizeArms(armNames, outcomes),
    queryMs,
    outcomes,
    missing,
    failed,
  };
}

/** Writes every commit's outcome (for reading which queries fail) to `file`. */
export function writeOutcomes(file: string, outcomes: readonly CommitOutcome[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(outcomes, null, 1)}\n`);
}

export const mirrorsPresent = (dir: string | undefined): dir is string => !!dir && existsSync(dir);
