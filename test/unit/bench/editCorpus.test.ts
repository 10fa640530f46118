// The real-edit corpus of issue 17: the committed manifest (bench/data/edits.json) is complete and
// spread as the benchmark needs, bad entries are refused with the entry and field named, and the
// texts are read out of a real git repository's history and checked byte for byte, as
// `editCorpusTool materialize` does with the mirrors of the corpus's repositories.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readAll } from "../../../bench/editCorpusTool";
import {
  type EditLocator,
  EditCorpusError,
  instructionFromSubject,
  keepsMostLines,
  keptLineFraction,
  LANGUAGES,
  loadEditCorpus,
  loadEditManifest,
  parseManifest,
  sha256,
} from "../../../bench/lib/editCorpus";

describe("edit corpus", () => {
  it("the committed manifest holds ≥ 45 permissive edits over ≥ 8 repositories and every language, most of them keeping most lines", () => {
    const m = loadEditManifest();
    assert.ok(m.length >= 45, `${m.length} edits`);
    assert.ok(new Set(m.map((e) => e.repo)).size >= 8);
    assert.deepEqual([...new Set(m.map((e) => e.language))].sort(), [...LANGUAGES].sort());
    for (const e of m) {
      assert.match(e.commit, /^[0-9a-f]{40}$/);
      assert.notEqual(e.sha256.before, e.sha256.after, e.id);
      const n = e.beforeLines[1] - e.beforeLines[0] + 1;
      assert.ok(n >= 5 && n <= 80, `${e.id}: ${n} lines before`);
    }
    const keeps = m.filter((e) => keepsMostLines(e.keptLineFraction)).length;
    assert.ok(keeps > m.length / 2, `${keeps} of ${m.length} keep most lines`);
    assert.ok(m.length - keeps >= 5, "some edits rewrite most of their lines");
  });

  it("refuses a malformed entry, naming the entry and the field", () => {
    const good = loadEditManifest()[0];
    const bad = (patch: Record<string, unknown>) => JSON.stringify([{ ...good, ...patch }]);
    assert.throws(
      () => parseManifest(bad({ commit: good.commit.slice(0, 12) })),
      (e: Error) => e instanceof EditCorpusError && /entry 0 \(.+\).*"commit" must be a full 40-hex sha/.test(e.message),
    );
    assert.throws(() => parseManifest(bad({ path: undefined })), /"path" must be a non-empty string/);
    assert.throws(() => parseManifest(bad({ license: "GPL-3.0" })), /license "GPL-3.0" is not one of/);
    assert.throws(() => parseManifest(bad({ beforeLines: [9, 3] })), /beforeLines: expected \[firstLine, lastLine\]/);
    assert.throws(
      () => parseManifest(bad({ sha256: { ...good.sha256, after: good.sha256.before } })),
      /before and after are the same text/,
    );
    assert.throws(() => parseManifest(JSON.stringify([good, good])), /appears twice/);
  });

  it("keptLineFraction counts the before lines the line diff leaves unchanged", () => {
    const f = "function f(a) {\n  const b = a + 1;\n  return b;\n}\n";
    assert.equal(keptLineFraction(f, f), 1);
    assert.equal(keptLineFraction(f, f.replace("{\n", "{\n  // doc\n")), 1, "only added lines");
    assert.equal(keptLineFraction(f, f.replace("a + 1", "a + 2")), 0.75);
    assert.equal(keptLineFraction("a\nb\n", "c\nd\ne\n"), 0);
    assert.equal(keepsMostLines(0.75), true);
    assert.equal(keepsMostLines(0.5), false);
  });

  it("turns a commit subject into an instruction without its pull-request and issue references", () => {
    assert.equal(
      instructionFromSubject("Fix the `retryCount` option retrying an incorrect amount (#547)"),
      "Fix the `retryCount` option retrying an incorrect amount",
    );
    assert.equal(instructionFromSubject("remove charset from json responses. Closes #1631"), "remove charset from json responses");
    assert.equal(instructionFromSubject("Fixed a bug in tempfile pager.  This fixes #107"), "Fixed a bug in tempfile pager");
    assert.equal(
      instructionFromSubject("fix #55 memory leak in cJSON_ReplaceItemInObject"),
      "fix #55 memory leak in cJSON_ReplaceItemInObject",
    );
  });

  describe("read from a real git history", () => {
    let tmp: string;
    let loc: EditLocator;
    const BEFORE = "func Add(a, b int) int {\n\treturn a + b\n}\n";
    const AFTER = "// Add returns the sum of a and b.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n";

    before(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), "edit-corpus-"));
      const repo = path.join(tmp, "acme+calc", "repo");
      mkdirSync(repo, { recursive: true });
      const env = {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      };
      const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { env, encoding: "utf8" }).trim();
      git("init", "-q");
      writeFileSync(path.join(repo, "calc.go"), `package calc\n\n${BEFORE}\nfunc Sub(a, b int) int {\n\treturn a - b\n}\n`);
      git("add", ".");
      git("commit", "-q", "-m", "Add the calculator");
      writeFileSync(path.join(repo, "calc.go"), `package calc\n\n${AFTER}\nfunc Sub(a, b int) int {\n\treturn a - b\n}\n`);
      git("commit", "-q", "-am", "Document Add (#12)");
      loc = {
        id: "calc-doc",
        repo: "acme/calc",
        commit: git("rev-parse", "HEAD"),
        path: "calc.go",
        license: "MIT",
        language: "go",
        beforeLines: [3, 5],
        afterLines: [3, 6],
        sha256: { instruction: sha256("Document Add"), before: sha256(BEFORE), after: sha256(AFTER) },
        keptLineFraction: 1,
      };
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it("cuts the function before and after the commit, byte for byte, and loads it back once materialized", () => {
      const [edit] = readAll(tmp, [loc]);
      assert.deepEqual(
        { instruction: edit.instruction, before: edit.before, after: edit.after, commit: edit.commit },
        { instruction: "Document Add", before: BEFORE, after: AFTER, commit: loc.commit },
      );
      const file = path.join(tmp, "edit-corpus.json");
      writeFileSync(file, JSON.stringify([edit]));
      assert.deepEqual(loadEditCorpus(file, [loc]), [edit]);
    });

    it("refuses a locator whose ranges or hashes no longer match the history, and says how to get the texts", () => {
      assert.throws(() => readAll(tmp, [{ ...loc, afterLines: [4, 6] }]), /edit calc-doc: after does not match the manifest's sha256/);
      assert.throws(() => readAll(tmp, [{ ...loc, keptLineFraction: 0.5 }]), /keptLineFraction is 1, the manifest says 0.5/);
      assert.throws(() => readAll(tmp, [{ ...loc, afterLines: [3, 60] }]), /lines 3-60 asked for, the file has 10/);
      assert.throws(() => readAll(tmp, [{ ...loc, repo: "acme/other" }]), /no git mirror of acme\/other/);
      assert.throws(
        () => loadEditCorpus(path.join(tmp, "absent.json"), [loc]),
        /not on this machine .*editCorpusTool\.js materialize --mirrors DIR/,
      );
    });
  });
});
