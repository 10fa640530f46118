// One table of command ids (src/vscode/commandIds.ts): it equals package.json's contributed
// commands, and no other source file spells a contributed id out as a string.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CommandIds } from "../../src/vscode/commandIds";
import { repoRoot } from "../helpers/tinyModel";

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")) as {
  contributes: { commands: { command: string }[] };
};
const contributed = manifest.contributes.commands.map((c) => c.command);

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe("command ids", () => {
  it("the table holds exactly the commands package.json contributes", () => {
    assert.deepEqual([...Object.values(CommandIds)].sort(), [...contributed].sort());
  });

  it("no source file but the table spells out a contributed id", () => {
    const table = path.join(repoRoot(), "src", "vscode", "commandIds.ts");
    // String literals only: comments name commands in backticks.
    const quoted = new RegExp(`["'](${contributed.map((c) => c.replace(/\./g, "\\.")).join("|")})["']`, "g");
    const found: string[] = [];
    for (const file of [...sources(path.join(repoRoot(), "src")), ...sources(path.join(repoRoot(), "webview"))]) {
      if (file === table) continue;
      for (const m of fs.readFileSync(file, "utf8").matchAll(quoted)) found.push(`${path.relative(repoRoot(), file)}: ${m[1]}`);
    }
    assert.deepEqual(found, []);
  });
});
