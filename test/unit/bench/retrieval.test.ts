// The retrieval benchmark of issue 24, its pure parts: the committed commit corpus is big and
// spread enough, the fixed rule picks and refuses commits for the reasons it states, a message
// becomes a query without its trailers, the localization metrics, and the baselines' parsing.
// The last block runs the benchmark's localization loop (checkout of each parent, the two
// baselines, the scores) on a git repository the test builds, as `npm run bench -- retrieval`
// does on the mirrors.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { queryWords, rankByCount, RipgrepHitCount, WholeFileBm25 } from "../../../bench/lib/retrievalBaselines";
import {
  type CommitFacts,
  isSourcePath,
  isTestPath,
  judgeCommit,
  loadRetrievalManifest,
  parseRetrievalManifest,
  queryFromMessage,
  RETRIEVAL_LICENSES,
  RetrievalCorpusError,
  spread,
} from "../../../bench/lib/retrievalCorpus";
import { rankFiles, recallAt, reciprocalRank, scoreRanking, slotShares, summarize } from "../../../bench/lib/retrievalMetrics";
import { MirrorCheckout } from "../../../bench/lib/retrievalGit";
import { measureLocalization } from "../../../bench/lib/retrievalRun";

const SHA = (c: string): string => c.repeat(40);
const commit = (over: Partial<CommitFacts>): CommitFacts => ({
  commit: SHA("a"),
  parents: [SHA("b")],
  author: "Ada",
  message: "Fix the retry count when the server answers 503 twice",
  changes: [
    { status: "M", path: "src/retry.ts" },
    { status: "M", path: "test/retry.test.ts" },
  ],
  ...over,
});

describe("retrieval benchmark corpus", () => {
  it("the committed manifest holds ≥ 300 commits of ≥ 10 permissive repositories in ≥ 6 languages", () => {
    const m = loadRetrievalManifest();
    assert.ok(m.commits.length >= 300, `${m.commits.length} commits`);
    assert.ok(m.repos.length >= 10, `${m.repos.length} repositories`);
    assert.ok(new Set(m.repos.map((r) => r.language)).size >= 6);
    for (const r of m.repos) assert.ok(RETRIEVAL_LICENSES.includes(r.license), r.repo);
    for (const r of m.repos) assert.ok(m.commits.filter((c) => c.repo === r.repo).length >= 20, r.repo);
  });

  it("refuses a malformed manifest, naming the entry and the field", () => {
    const m = loadRetrievalManifest();
    const withCommit = (patch: Record<string, unknown>) => JSON.stringify({ ...m, commits: [{ ...m.commits[0], ...patch }] });
    assert.throws(
      () => parseRetrievalManifest(withCommit({ parent: "abc" })),
      (e: Error) => e instanceof RetrievalCorpusError && /commits\[0\].*"commit" and "parent" must be full 40-hex/.test(e.message),
    );
    assert.throws(() => parseRetrievalManifest(withCommit({ repo: "acme/absent" })), /repo "acme\/absent" is not listed/);
    assert.throws(
      () => parseRetrievalManifest(JSON.stringify({ ...m, repos: [{ ...m.repos[0], license: "GPL-3.0" }] })),
      /license "GPL-3.0" is not one of/,
    );
    assert.throws(
      () => parseRetrievalManifest(JSON.stringify({ ...m, commits: [m.commits[0], m.commits[0]] })),
      /"id" must be a unique string/,
    );
  });

  it("tells tests and generated copies from source files in each language's conventions", () => {
    for (const p of [
      "src/flask/app.py",
      "lib/adapters/http.js",
      "context.go",
      "crates/core/flags/defs.rs",
      "src/main/java/org/jsoup/parser/Parser.java",
      "src/unix/fs.c",
      "include/fmt/format.h",
      "Src/Newtonsoft.Json/JsonTextReader.cs",
    ]) {
      assert.ok(isSourcePath(p), p);
    }
    for (const p of [
      "tests/test_app.py",
      "conftest.py",
      "context_test.go",
      "src/test/java/org/jsoup/ParserTest.java",
      "Src/Newtonsoft.Json.Tests/JsonTextReaderTests.cs",
      "packages/zod/src/v4/classic/tests/string.test.ts",
      "tokio-test/src/io.rs",
      "test/test-fs.c",
    ]) {
      assert.ok(isTestPath(p) && !isSourcePath(p), p);
    }
    for (const p of ["README.md", "deno/lib/types.ts", "extras/catch_amalgamated.cpp", "vendor/github.com/x/y.go", "package.json"])
      assert.ok(!isSourcePath(p), p);
  });

  it("makes a query of the message without trailers, PR templates and issue references", () => {
    const message =
      "Fix ClientIP for several X-Forwarded-For headers (#4123)\n\n<!-- describe your change -->\nConcatenate all values. Closes #4100\n\nSigned-off-by: Ada <a@example.com>\nCo-authored-by: Bob <b@example.com>";
    assert.equal(queryFromMessage(message), "Fix ClientIP for several X-Forwarded-For headers\nConcatenate all values.");
    assert.equal(queryFromMessage("Reviewed-by: nobody but the subject stays"), "Reviewed-by: nobody but the subject stays");
  });

  it("the fixed rule takes a real fix and gives its non-test source files as the answer", () => {
    const j = judgeCommit(commit({}));
    assert.deepEqual(j, { ok: true, gold: ["src/retry.ts"], query: "Fix the retry count when the server answers 503 twice" });
  });

  it("the fixed rule refuses merges, bots, housekeeping, short messages, non-source and added files, for the reason it states", () => {
    const reason = (c: Partial<CommitFacts>) => {
      const j = judgeCommit(commit(c));
      return j.ok ? "ok" : j.reason;
    };
    assert.equal(reason({ parents: [SHA("b"), SHA("c")] }), "merge or root commit");
    assert.equal(reason({ author: "dependabot[bot]" }), "bot author");
    assert.equal(reason({ message: "Bump lodash from 4.17.20 to 4.17.21 in the lockfile" }), "housekeeping subject");
    assert.equal(reason({ message: 'Revert "Fix the retry count when the server answers 503"' }), "housekeeping subject");
    assert.equal(reason({ message: "fix typo" }), "message too short");
    assert.equal(
      reason({
        changes: [
          { status: "M", path: "docs/retry.md" },
          { status: "M", path: "test/retry.test.ts" },
        ],
      }),
      "no source file (docs, tests or config only)",
    );
    assert.equal(
      reason({
        changes: [
          { status: "M", path: "src/retry.ts" },
          { status: "A", path: "src/backoff.ts" },
        ],
      }),
      "adds, deletes or renames a source file",
    );
    assert.equal(
      reason({ changes: ["a", "b", "c", "d", "e", "f"].map((n) => ({ status: "M", path: `src/${n}.ts` })) }),
      "too many source files",
    );
    assert.equal(reason({ changes: Array.from({ length: 21 }, (_, i) => ({ status: "M", path: `docs/${i}.md` })) }), "too many files");
  });

  it("spreads a choice evenly and deterministically", () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    assert.deepEqual(spread(items, 4), [12, 37, 62, 87]);
    assert.deepEqual(spread(items, 4), spread(items, 4));
    assert.deepEqual(spread([1, 2], 5), [1, 2]);
  });
});

describe("retrieval benchmark metrics and baselines", () => {
  it("ranks files at their first hit and scores recall@k and the reciprocal rank", () => {
    const ranked = rankFiles([{ path: "a.ts" }, { path: "b.ts" }, { path: "a.ts" }, { path: "c.ts" }]);
    assert.deepEqual(ranked, ["a.ts", "b.ts", "c.ts"]);
    assert.equal(recallAt(ranked, ["b.ts", "z.ts"], 1), 0);
    assert.equal(recallAt(ranked, ["b.ts", "z.ts"], 5), 0.5);
    assert.equal(reciprocalRank(ranked, ["c.ts", "b.ts"]), 0.5);
    assert.equal(reciprocalRank(ranked, ["z.ts"]), 0);
    const s = summarize([scoreRanking(ranked, ["a.ts"]), scoreRanking(ranked, ["z.ts"])]);
    assert.deepEqual(s, { n: 2, recall1: 0.5, recall5: 0.5, recall10: 0.5, mrr: 0.5 });
    assert.throws(() => recallAt(ranked, [], 5), /without answer files/);
  });

  it("tells what an arm's first places held: source, tests or other files", () => {
    const s = slotShares(
      [
        ["src/a.py", "tests/test_a.py"],
        ["README.md", "src/b.py"],
      ],
      isSourcePath,
      isTestPath,
    );
    assert.deepEqual(s, { source: 0.5, test: 0.25, other: 0.25 });
  });

  it("ripgrep's words leave out stopwords and short words; its counts rank by hits, then path", () => {
    assert.deepEqual(queryWords("Fix the retry of the HTTP client in retry_policy: it is off by one"), [
      "fix",
      "retry",
      "http",
      "client",
      "retry_policy",
      "off",
      "one",
    ]);
    assert.deepEqual(rankByCount("./src/b.ts:3\n./src/a.ts:3\n./lib/c.ts:9\n"), ["lib/c.ts", "src/a.ts", "src/b.ts"]);
  });
});

describe("retrieval benchmark localization on a real git history", function () {
  this.timeout(60_000);
  let tmp: string;
  let commits: { id: string; repo: string; commit: string; parent: string }[];

  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "retrieval-bench-"));
    const repo = path.join(tmp, "acme+shop", "repo");
    mkdirSync(path.join(repo, "src"), { recursive: true });
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    };
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { env, encoding: "utf8" }).trim();
    const write = (file: string, text: string) => writeFileSync(path.join(repo, file), text);
    git("init", "-q");
    write("src/cart.py", "def add_item(cart, item):\n    cart.items.append(item)\n");
    write("src/invoice.py", "def total(invoice):\n    return sum(line.price for line in invoice.lines)\n");
    write("README.md", "A shop.\n");
    // A tracked bundle under an ignored folder: the index does not see it, so no arm may rank it.
    write(".gitignore", "dist/\n");
    mkdirSync(path.join(repo, "dist"));
    write("dist/shop.js", "// round the invoice total to cents; do not add an item twice to the cart items list\n".repeat(20));
    git("add", ".");
    git("add", "-f", "dist/shop.js");
    git("commit", "-q", "-m", "Start the shop");
    const first = git("rev-parse", "HEAD");
    write("src/invoice.py", "def total(invoice):\n    return round(sum(line.price for line in invoice.lines), 2)\n");
    git("commit", "-q", "-am", "Round the invoice total to cents so totals match the receipt");
    const second = git("rev-parse", "HEAD");
    git("rm", "-q", "README.md");
    write("src/cart.py", "def add_item(cart, item):\n    if item not in cart.items:\n        cart.items.append(item)\n");
    git("commit", "-q", "-am", "Do not add an item twice to the cart items list");
    const third = git("rev-parse", "HEAD");
    commits = [
      { id: "shop-2", repo: "acme/shop", commit: second, parent: first },
      { id: "shop-3", repo: "acme/shop", commit: third, parent: second },
    ];
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("moves one folder from parent to parent and scores both baselines on every commit", async () => {
    const manifest = {
      rule: loadRetrievalManifest().rule,
      repos: [{ repo: "acme/shop", license: "MIT", language: "python", head: commits[1].commit }],
      commits,
    };
    const f = await measureLocalization({ mirrors: tmp, manifest, makeArms: () => [new WholeFileBm25(), new RipgrepHitCount()] });
    assert.deepEqual(f.armNames, ["BM25 whole files", "ripgrep hit count"]);
    assert.deepEqual(
      f.outcomes.map((o) => o.gold),
      [["src/invoice.py"], ["src/cart.py"]],
    );
    assert.deepEqual(
      f.outcomes.map((o) => o.files),
      [5, 5],
      "each parent's tree, README still there in both parents",
    );
    for (const o of f.outcomes) for (const arm of f.armNames) assert.deepEqual(o.arms[arm].ranks, [1], `${o.id} ${arm}`);
    for (const o of f.outcomes)
      for (const arm of f.armNames) assert.ok(!o.arms[arm].top5.includes("dist/shop.js"), `${o.id} ${arm}: ignored bundle ranked`);
    assert.equal(f.overall["BM25 whole files"].recall1, 1);
    assert.deepEqual(f.missing, []);
  });

  it("a checkout writes only what differs between trees and never touches the mirror", () => {
    const mirror = path.join(tmp, "acme+shop", "repo");
    const status = () => execFileSync("git", ["-C", mirror, "status", "--porcelain"], { encoding: "utf8" });
    const checkout = new MirrorCheckout(mirror);
    try {
      assert.deepEqual(checkout.checkout(commits[0].parent), [".gitignore", "README.md", "dist/shop.js", "src/cart.py", "src/invoice.py"]);
      assert.deepEqual(checkout.checkout(commits[1].commit), ["README.md", "src/cart.py", "src/invoice.py"]);
      assert.deepEqual(checkout.files(), [".gitignore", "dist/shop.js", "src/cart.py", "src/invoice.py"]);
      assert.equal(existsSync(path.join(checkout.dir, "README.md")), false);
      assert.match(readFileSync(path.join(checkout.dir, "src/cart.py"), "utf8"), /if item not in cart.items/);
      assert.deepEqual(checkout.checkout(commits[1].parent), ["README.md", "src/cart.py"]);
      assert.equal(status(), "", "the mirror's own work tree and index are untouched");
    } finally {
      checkout.dispose();
    }
  });

  it("leaves out a repository without a mirror and says which", async () => {
    const manifest = {
      rule: loadRetrievalManifest().rule,
      repos: [{ repo: "acme/absent", license: "MIT", language: "go", head: SHA("c") }],
      commits: [],
    };
    const f = await measureLocalization({ mirrors: tmp, manifest, makeArms: () => [new WholeFileBm25()] });
    assert.deepEqual(f.missing, ["acme/absent"]);
    assert.equal(f.outcomes.length, 0);
  });
});
