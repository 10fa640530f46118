// The retrieval benchmark's commit corpus (bench/data/retrieval.json), chosen by the fixed rule of
// bench/lib/retrievalCorpus.ts from git mirrors of its repositories:
//   node out/bench/retrievalCorpusTool.js select --mirrors DIR   writes the manifest (locators only)
//   node out/bench/retrievalCorpusTool.js verify --mirrors DIR   re-judges every commit, prints counts
// A mirror of owner/name is DIR/owner+name/repo (the session fetch tool's layout), DIR/owner+name
// or DIR/owner/name. Needs git; nothing here touches the network.
import { writeFileSync } from "node:fs";
import { mirrorOf } from "./editCorpusTool";
import { commitFacts, nonMergeHistory, resolveHead } from "./lib/retrievalGit";
import {
  judgeCommit,
  loadRetrievalManifest,
  RETRIEVAL_MANIFEST,
  RetrievalCorpusError,
  type RetrievalLocator,
  type RetrievalManifest,
  type RetrievalRepo,
  RULE,
  spread,
} from "./lib/retrievalCorpus";

/** The corpus's repositories: permissive, mid-sized (about 100 to 1,200 files), none of them the
 *  index's own tuning ground (the index engineer tunes on this repository's history only). */
export const CORPUS_REPOS: readonly Omit<RetrievalRepo, "head">[] = [
  { repo: "colinhacks/zod", license: "MIT", language: "typescript" },
  { repo: "axios/axios", license: "MIT", language: "javascript" },
  { repo: "pallets/flask", license: "BSD-3-Clause", language: "python" },
  { repo: "scrapy/scrapy", license: "BSD-3-Clause", language: "python" },
  { repo: "gin-gonic/gin", license: "MIT", language: "go" },
  { repo: "caddyserver/caddy", license: "Apache-2.0", language: "go" },
  { repo: "BurntSushi/ripgrep", license: "Unlicense OR MIT", language: "rust" },
  { repo: "tokio-rs/tokio", license: "MIT", language: "rust" },
  { repo: "jhy/jsoup", license: "MIT", language: "java" },
  { repo: "google/gson", license: "Apache-2.0", language: "java" },
  { repo: "libuv/libuv", license: "MIT", language: "c" },
  { repo: "fmtlib/fmt", license: "MIT", language: "c++" },
  { repo: "catchorg/Catch2", license: "BSL-1.0", language: "c++" },
  { repo: "JamesNK/Newtonsoft.Json", license: "MIT", language: "c#" },
];

const shortName = (repo: string): string =>
  repo
    .split("/")[1]
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");

/** The rule applied to one repository: its newest RULE.window candidates, RULE.perRepo of them spread evenly. */
export function selectCommits(mirror: string, repo: string, head: string): RetrievalLocator[] {
  const candidates: RetrievalLocator[] = [];
  for (const c of nonMergeHistory(mirror, head, 1_000_000)) {
    if (candidates.length >= RULE.window) break;
    if (judgeCommit(c).ok)
      candidates.push({ id: `${shortName(repo)}-${c.commit.slice(0, 8)}`, repo, commit: c.commit, parent: c.parents[0] });
  }
  return spread(candidates, RULE.perRepo);
}

export const formatRetrievalManifest = (m: RetrievalManifest): string =>
  `{\n  "rule": ${JSON.stringify(m.rule)},\n  "repos": [\n${m.repos.map((r) => `    ${JSON.stringify(r)}`).join(",\n")}\n  ],\n` +
  `  "commits": [\n${m.commits.map((c) => `    ${JSON.stringify(c)}`).join(",\n")}\n  ]\n}\n`;

function select(mirrors: string): void {
  const repos: RetrievalRepo[] = [];
  const commits: RetrievalLocator[] = [];
  for (const r of CORPUS_REPOS) {
    const mirror = mirrorOf(mirrors, r.repo);
    const head = resolveHead(mirror);
    const chosen = selectCommits(mirror, r.repo, head);
    console.log(`${r.repo}: ${chosen.length} commits`);
    repos.push({ ...r, head });
    commits.push(...chosen);
  }
  writeFileSync(RETRIEVAL_MANIFEST, formatRetrievalManifest({ rule: RULE, repos, commits }));
  loadRetrievalManifest(); // the result must validate
  console.log(`wrote ${commits.length} commits from ${repos.length} repositories to ${RETRIEVAL_MANIFEST}`);
}

function verify(mirrors: string): void {
  const m = loadRetrievalManifest();
  const gold: number[] = [];
  for (const c of m.commits) {
    const facts = commitFacts(mirrorOf(mirrors, c.repo), c.commit);
    const j = judgeCommit(facts);
    if (!j.ok || facts.parents[0] !== c.parent)
      throw new RetrievalCorpusError(`${c.id}: no longer passes the rule (${j.ok ? "parent differs" : j.reason})`);
    gold.push(j.gold.length);
  }
  const sizes = [1, 2, 3, 4, 5].map((n) => `${n} file(s): ${gold.filter((g) => g === n).length}`).join(", ");
  console.log(`${m.commits.length} commits from ${m.repos.length} repositories pass the rule; answers of ${sizes}`);
}

if (require.main === module) {
  const [cmd, flag, mirrors] = process.argv.slice(2);
  try {
    if (flag !== "--mirrors" || !mirrors || !["select", "verify"].includes(cmd))
      throw new RetrievalCorpusError("usage: retrievalCorpusTool.js select|verify --mirrors DIR");
    if (cmd === "select") select(mirrors);
    else verify(mirrors);
  } catch (err) {
    console.error(err instanceof RetrievalCorpusError ? err.message : err);
    process.exitCode = 1;
  }
}
