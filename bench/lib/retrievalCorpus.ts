// The commit corpus of the workspace retrieval benchmark (issue 24): file localization on real
// commits, judged the way SWE-bench-style localization is. The query is a commit's message, the
// searched workspace is the repository at the commit's parent, and the answer is the set of
// non-test source files the commit changed.
//
// This module holds the pure parts: the fixed rule that picks commits (so the choice is code, not
// taste), the query a message becomes, and the committed manifest (bench/data/retrieval.json),
// which holds locators only (repository, commit, parent). The texts are read out of git mirrors on
// the machine that runs the benchmark and never committed.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../test/helpers/tinyModel";
import { PERMISSIVE_LICENSES } from "./editCorpus";

export const RETRIEVAL_MANIFEST = path.join(repoRoot(), "bench", "data", "retrieval.json");

/** Licenses accepted here: the edit corpus's list plus two more permissive ones its repos lacked. */
export const RETRIEVAL_LICENSES: readonly string[] = [...PERMISSIVE_LICENSES, "BSL-1.0", "Unlicense OR MIT"];

/** The rule's knobs, recorded in the manifest so a reader sees what produced it. */
export const RULE = {
  minQueryWords: 6,
  maxSourceFiles: 5,
  maxChangedFiles: 20,
  perRepo: 25,
  /** Commits are spread evenly over this many of the newest candidates (recent, mid-sized trees). */
  window: 150,
} as const;

const SOURCE_EXT = new Set([
  "ts",
  "tsx",
  "mts",
  "cts",
  "js",
  "jsx",
  "mjs",
  "cjs",
  "py",
  "pyi",
  "go",
  "rs",
  "java",
  "kt",
  "kts",
  "scala",
  "c",
  "h",
  "cc",
  "cpp",
  "cxx",
  "hpp",
  "hh",
  "hxx",
  "ipp",
  "inl",
  "cs",
  "fs",
  "rb",
  "php",
  "swift",
  "m",
  "mm",
  "lua",
  "dart",
  "zig",
]);
const TEST_DIRS = new Set([
  "test",
  "tests",
  "__tests__",
  "__test__",
  "spec",
  "specs",
  "testing",
  "testdata",
  "test-data",
  "fixtures",
  "__fixtures__",
  "__mocks__",
  "e2e",
  "benches",
  "bench",
  "benchmark",
  "benchmarks",
]);
/** Vendored or generated copies: the change's real home is elsewhere (zod's `deno/` mirror of its
 *  sources, Catch2's amalgamated single file). */
const GENERATED_DIRS = new Set(["vendor", "vendored", "third_party", "third-party", "node_modules", "dist", "deno", "single_include"]);

/** A test file or a file under a test folder, in the conventions of the corpus's languages. */
export function isTestPath(p: string): boolean {
  const segments = p.split("/");
  const file = segments.pop() ?? "";
  if (segments.some((s) => TEST_DIRS.has(s.toLowerCase()) || /^tests?[-_.]|[-_.]tests?$/i.test(s))) return true;
  return /^conftest\.py$|^test_.*\.py$|_test\.(go|py|rs|c|cc|cpp)$|\.(test|spec)\.[cm]?[jt]sx?$|Tests?\.(java|kt|cs)$|^tests?[-_.]/i.test(
    file,
  );
}

/** Source code by extension, outside tests and vendored or generated copies. */
export function isSourcePath(p: string): boolean {
  const ext = /\.([^./]+)$/.exec(p)?.[1]?.toLowerCase();
  if (!ext || !SOURCE_EXT.has(ext) || isTestPath(p)) return false;
  return !p.split("/").some((s) => GENERATED_DIRS.has(s.toLowerCase())) && !/amalgamated/i.test(p);
}

const TRAILER = /^[A-Za-z][\w-]*(?:-by|-URL|-Id)?:\s+\S/;
const WORD = /\p{L}[\p{L}\p{N}_'’-]*/gu;

/** A commit message as a query: the subject and body, less trailers (Signed-off-by, Co-authored-by,
 *  PR-URL…), HTML comments of PR templates, issue and pull-request references ("(#12)", "Closes #7") and blank lines; at most 2,000
 *  characters. Nothing else is changed: the words are the developer's. */
export function queryFromMessage(message: string): string {
  const text = message.replace(/<!--[\s\S]*?-->/g, "").replace(/\(#\d+\)|\b(?:closes|fixes|fixed|resolves|refs?)\s+#\d+/gi, "");
  const lines = text.split("\n").map((l) => l.trimEnd());
  const kept = lines.filter((l, i) => l.trim() !== "" && !(i > 0 && TRAILER.test(l.trim())));
  return kept.join("\n").trim().slice(0, 2000);
}

export const countWords = (text: string): number => (text.match(WORD) ?? []).length;

/** One changed path of a commit, as `git log --name-status` gives it (R/C carry two paths). */
export interface PathChange {
  readonly status: string;
  readonly path: string;
}

export interface CommitFacts {
  readonly commit: string;
  readonly parents: readonly string[];
  readonly author: string;
  readonly message: string;
  readonly changes: readonly PathChange[];
}

export type Judgement =
  { readonly ok: true; readonly gold: string[]; readonly query: string } | { readonly ok: false; readonly reason: string };

const BOT = /\[bot\]|dependabot|renovate|github-actions/i;
const HOUSEKEEPING = /^(revert|merge|bump|release|prepare|version|v?\d+\.\d+|chore\((release|deps)\))/i;

/** The fixed rule: a non-merge commit by a person, not housekeeping, whose message has at least
 *  `minQueryWords` words, that changes 1–`maxSourceFiles` non-test source files, all of which
 *  existed before it (modified, not added, deleted or renamed: the answer must be findable in the
 *  parent), and at most `maxChangedFiles` files in all. */
export function judgeCommit(c: CommitFacts): Judgement {
  if (c.parents.length !== 1) return { ok: false, reason: "merge or root commit" };
  if (BOT.test(c.author)) return { ok: false, reason: "bot author" };
  const subject = c.message.split("\n")[0].trim();
  if (HOUSEKEEPING.test(subject)) return { ok: false, reason: "housekeeping subject" };
  const query = queryFromMessage(c.message);
  if (countWords(query) < RULE.minQueryWords) return { ok: false, reason: "message too short" };
  if (c.changes.length > RULE.maxChangedFiles) return { ok: false, reason: "too many files" };
  const source = c.changes.filter((ch) => isSourcePath(ch.path));
  if (source.length === 0) return { ok: false, reason: "no source file (docs, tests or config only)" };
  if (source.length > RULE.maxSourceFiles) return { ok: false, reason: "too many source files" };
  if (source.some((ch) => ch.status !== "M")) return { ok: false, reason: "adds, deletes or renames a source file" };
  return { ok: true, gold: source.map((ch) => ch.path).sort(), query };
}

/** `n` items spread evenly over `items` (all of them when there are fewer). Deterministic. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / n)]);
}

/** A repository of the corpus: where its commits were chosen from (`head`'s history). */
export interface RetrievalRepo {
  readonly repo: string;
  readonly license: string;
  readonly language: string;
  readonly head: string;
}

/** One committed locator: the commit and its parent (the workspace the query runs against). */
export interface RetrievalLocator {
  readonly id: string;
  readonly repo: string;
  readonly commit: string;
  readonly parent: string;
}

export interface RetrievalManifest {
  readonly rule: typeof RULE;
  readonly repos: readonly RetrievalRepo[];
  readonly commits: readonly RetrievalLocator[];
}

export class RetrievalCorpusError extends Error {
  override name = "RetrievalCorpusError";
}

const HEX40 = /^[0-9a-f]{40}$/;

/** Validates bench/data/retrieval.json; a bad entry is named with the field that is wrong. */
export function parseRetrievalManifest(json: string): RetrievalManifest {
  const data = JSON.parse(json) as Partial<RetrievalManifest>;
  if (!data || !Array.isArray(data.repos) || !Array.isArray(data.commits)) {
    throw new RetrievalCorpusError("bench/data/retrieval.json must hold { rule, repos: [...], commits: [...] }");
  }
  const repos = new Map<string, RetrievalRepo>();
  data.repos.forEach((r, i) => {
    const where = `bench/data/retrieval.json repos[${i}]`;
    if (!/^[\w.-]+\/[\w.-]+$/.test(r?.repo ?? "")) throw new RetrievalCorpusError(`${where}: "repo" must be owner/name`);
    if (!RETRIEVAL_LICENSES.includes(r.license))
      throw new RetrievalCorpusError(`${where}: license "${r.license}" is not one of ${RETRIEVAL_LICENSES.join(", ")}`);
    if (!HEX40.test(r.head ?? "")) throw new RetrievalCorpusError(`${where}: "head" must be a full 40-hex sha`);
    if (typeof r.language !== "string" || !r.language) throw new RetrievalCorpusError(`${where}: "language" must be a non-empty string`);
    repos.set(r.repo, r);
  });
  const ids = new Set<string>();
  data.commits.forEach((c, i) => {
    const where = `bench/data/retrieval.json commits[${i}] (${c?.id ?? "no id"})`;
    if (typeof c?.id !== "string" || ids.has(c.id)) throw new RetrievalCorpusError(`${where}: "id" must be a unique string`);
    ids.add(c.id);
    if (!repos.has(c.repo)) throw new RetrievalCorpusError(`${where}: repo "${c.repo}" is not listed in "repos"`);
    if (!HEX40.test(c.commit ?? "") || !HEX40.test(c.parent ?? ""))
      throw new RetrievalCorpusError(`${where}: "commit" and "parent" must be full 40-hex shas`);
  });
  return { rule: data.rule ?? RULE, repos: data.repos, commits: data.commits };
}

export const loadRetrievalManifest = (file = RETRIEVAL_MANIFEST): RetrievalManifest => parseRetrievalManifest(readFileSync(file, "utf8"));
