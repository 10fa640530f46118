// Which files the index covers: .gitignore at every level, the exclude globs, symlink loops, the
// size limit, the cap; and what reading them leaves out (binary, minified, unreadable).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { excludeGlobToRegExp } from "../../../src/core/workspace/glob";
import { isIgnored, parseGitignore } from "../../../src/core/workspace/gitignore";
import { classifySource, MINIFIED_LINE, readSourceText } from "../../../src/core/workspace/sourceText";
import { isInScope, walkWorkspace } from "../../../src/core/workspace/walker";
import { makeWorkspaceTree, type WorkspaceTree } from "../../helpers/workspaceTree";

async function walked(tree: WorkspaceTree, extra = {}): Promise<string[]> {
  return (await walkWorkspace(tree.options(extra))).files.map((f) => f.rel).sort();
}

describe("workspace walker", () => {
  let tree: WorkspaceTree;
  afterEach(() => tree?.cleanup());

  it("parses .gitignore lines as git does: comments, negation, folders only, anchoring, **", () => {
    const rules = [parseGitignore("# comment\n*.log\n!keep.log\nbuild/\n/root-only.txt\ndocs/**/*.tmp\n\\#hash\n", "")];
    assert.equal(isIgnored(rules, "a/b/debug.log", false), true);
    assert.equal(isIgnored(rules, "a/keep.log", false), false, "re-included by !");
    assert.equal(isIgnored(rules, "x/build", true), true);
    assert.equal(isIgnored(rules, "x/build", false), false, "build/ names folders only");
    assert.equal(isIgnored(rules, "root-only.txt", false), true);
    assert.equal(isIgnored(rules, "sub/root-only.txt", false), false, "a leading / anchors");
    assert.equal(isIgnored(rules, "docs/a/b/c.tmp", false), true);
    assert.equal(isIgnored(rules, "docs/c.tmp", false), true, "**/ matches no folder too");
    assert.equal(isIgnored(rules, "#hash", false), true);
    assert.equal(isIgnored(rules, "comment", false), false);
  });

  it("files.exclude globs match a path or a folder above it; braces and ** work", () => {
    assert.ok(excludeGlobToRegExp("**/node_modules").test("a/node_modules/x/y.js"));
    assert.ok(excludeGlobToRegExp("**/*.{gen,tmp}.ts").test("src/a.gen.ts"));
    assert.ok(!excludeGlobToRegExp("*.log").test("sub/a.log"), "a glob without **/ is relative to the root");
    assert.ok(excludeGlobToRegExp("out").test("out/main.js"));
  });

  it("honours .gitignore at every level, .git/info/exclude, and the exclude globs", async () => {
    tree = makeWorkspaceTree({
      ".gitignore": "*.log\ngenerated/\n",
      ".git/info/exclude": "secret.txt\n",
      ".git/config": "[core]\n",
      "src/a.ts": "a",
      "src/debug.log": "x",
      "generated/g.ts": "g",
      "secret.txt": "s",
      "pkg/.gitignore": "local.ts\n!important.log\n",
      "pkg/local.ts": "l",
      "pkg/kept.ts": "k",
      "pkg/important.log": "i",
      "other/local.ts": "o",
      "node_modules/dep/index.js": "d",
      "vendor/v.ts": "v",
    });
    assert.deepEqual(await walked(tree, { excludeGlobs: ["**/node_modules", "vendor"] }), [
      ".gitignore",
      "other/local.ts",
      "pkg/.gitignore",
      "pkg/important.log",
      "pkg/kept.ts",
      "src/a.ts",
    ]);
    const root = tree.options().roots[0];
    assert.equal(await isInScope(root, "pkg/local.ts", []), false);
    assert.equal(await isInScope(root, "generated/new.ts", []), false);
    assert.equal(await isInScope(root, "pkg/important.log", []), true);
    assert.equal(await isInScope(root, "vendor/v.ts", ["vendor"]), false);
  });

  it("follows a symbolic link once and ends on a loop", async () => {
    tree = makeWorkspaceTree({ "src/a.ts": "a", "src/deep/b.ts": "b" });
    fs.symlinkSync(path.join(tree.dir, "src"), path.join(tree.dir, "src", "deep", "loop"));
    fs.symlinkSync(path.join(tree.dir, "missing"), path.join(tree.dir, "dangling"));
    fs.symlinkSync(path.join(tree.dir, "src", "a.ts"), path.join(tree.dir, "alias.ts"));
    assert.deepEqual(await walked(tree), ["alias.ts", "src/a.ts", "src/deep/b.ts"]);
  });

  it("skips files over the size limit and lock files, and caps the count with the number left out", async () => {
    tree = makeWorkspaceTree({
      "a.ts": "a",
      "b.ts": "b",
      "c.ts": "c",
      "0big.ts": "x".repeat(2000),
      "package-lock.json": "{}",
      "logo.png": "png",
    });
    const result = await walkWorkspace(tree.options({ maxFileBytes: 1000, maxFiles: 2 }));
    assert.deepEqual(
      result.files.map((f) => f.rel),
      ["a.ts", "b.ts"],
    );
    assert.equal(result.filesOverCap, 1);
    assert.equal(result.tooLarge, 1);
  });

  it("reading leaves out binary, minified and unreadable files, and reads non-UTF-8 text", async () => {
    assert.deepEqual(classifySource(Buffer.from([0x41, 0x00, 0x42]), 1000), { kind: "binary" });
    assert.deepEqual(classifySource(Buffer.from(`var a=1;${"b=2;".repeat(MINIFIED_LINE)}`), 1e6), { kind: "minified" });
    const latin1 = classifySource(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6c, 0x6f, 0x61, 0x64]), 1000);
    assert.deepEqual(latin1, { kind: "text", text: "café load" });
    assert.deepEqual(classifySource(Buffer.from("\ufeffbom"), 1000), { kind: "text", text: "bom" });
    tree = makeWorkspaceTree({ "gone.ts": "x" });
    const gone = path.join(tree.dir, "gone.ts");
    fs.rmSync(gone);
    assert.deepEqual(await readSourceText(gone, 1000), { kind: "unreadable" });
  });
});
