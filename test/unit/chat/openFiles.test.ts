// Which open files an `@` query offers and in what order (src/core/chat/openFiles.ts).
import * as assert from "node:assert/strict";
import { rankOpenFiles, splitPath, type OpenFileCandidate } from "../../../src/core/chat/openFiles";
import { LIMITS } from "../../../src/shared/protocol";

const file = (path: string, lastActive = 0, id = `file:///w/${path}`): OpenFileCandidate => ({
  id,
  path,
  languageId: "typescript",
  lineCount: 10,
  lastActive,
});
const names = (items: { path: string }[]) => items.map((i) => i.path);

describe("chat: rankOpenFiles", () => {
  const tabs = [
    file("README.md", 0),
    file("src/stats.py", 3),
    file("src/fibonacci.ts", 5),
    file("test/statsHelper.ts", 1),
    file("src/status/bar.ts", 2),
  ];

  it("with no query lists every open file, most recently active first", () => {
    assert.deepEqual(names(rankOpenFiles(tabs, "")), [
      "src/fibonacci.ts",
      "src/stats.py",
      "src/status/bar.ts",
      "test/statsHelper.ts",
      "README.md",
    ]);
  });

  it("labels with the file name and describes with the folder; never carries contents", () => {
    const [item] = rankOpenFiles([file("src/deep/dir/a.ts", 1)], "");
    assert.deepEqual(item, {
      id: "file:///w/src/deep/dir/a.ts",
      name: "a.ts",
      description: "src/deep/dir",
      path: "src/deep/dir/a.ts",
      languageId: "typescript",
      lineCount: 10,
    });
    assert.equal(rankOpenFiles([file("root.ts")], "")[0]?.description, "");
  });

  it("filters case-insensitively on name and path: name prefix, then name, then folder", () => {
    // Both names start with "stat" (recent first); bar.ts matches only through its folder.
    assert.deepEqual(names(rankOpenFiles(tabs, "STAT")), ["src/stats.py", "test/statsHelper.ts", "src/status/bar.ts"]);
    // A name containing the query ranks below one starting with it, even if more recent.
    assert.deepEqual(names(rankOpenFiles([file("x/mystats.ts", 9), file("y/stats.ts", 1)], "stats")), ["y/stats.ts", "x/mystats.ts"]);
    assert.deepEqual(names(rankOpenFiles(tabs, "helper")), ["test/statsHelper.ts"]);
    assert.deepEqual(names(rankOpenFiles(tabs, "src/")), ["src/fibonacci.ts", "src/stats.py", "src/status/bar.ts"]);
    assert.deepEqual(names(rankOpenFiles(tabs, "nothing-like-this")), []);
  });

  it("lists a file open in several tab groups once, at its most recent activation", () => {
    const items = rankOpenFiles([file("a.ts", 1), file("b.ts", 2), file("a.ts", 9)], "");
    assert.deepEqual(names(items), ["a.ts", "b.ts"]);
  });

  it("keeps tab order among files never activated, and caps the list", () => {
    const many = Array.from({ length: LIMITS.openFiles + 20 }, (_, i) => file(`f${String(i).padStart(3, "0")}.ts`));
    const items = rankOpenFiles(many, "");
    assert.equal(items.length, LIMITS.openFiles);
    assert.deepEqual(names(items.slice(0, 3)), ["f000.ts", "f001.ts", "f002.ts"]);
    assert.equal(rankOpenFiles(many, "", 2).length, 2);
  });

  it("splits both path separators", () => {
    assert.deepEqual(splitPath("a/b\\c.ts"), { name: "c.ts", folder: "a/b" });
    assert.deepEqual(splitPath("c.ts"), { name: "c.ts", folder: "" });
  });
});
