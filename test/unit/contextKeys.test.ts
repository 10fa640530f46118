// One table of context keys (src/vscode/contextKeys.ts), each with one owner: it equals the keys
// package.json's clauses read, and no other source file calls setContext.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../helpers/tinyModel";

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")) as {
  contributes: { views: Record<string, { id: string }[]> };
};
const viewIds = new Set(
  Object.values(manifest.contributes.views)
    .flat()
    .map((v) => v.id),
);
const table = path.join(repoRoot(), "src", "vscode", "contextKeys.ts");

/** The keys the manifest reads: `when`, `enablement` and walkthrough `onContext:` events, less
 *  view ids (`view == mixtral.chatView`) and settings (`config.mixtral.…`). */
function keysRead(): string[] {
  const clauses: string[] = [];
  JSON.stringify(manifest.contributes, (key, value: unknown) => {
    if ((key === "when" || key === "enablement") && typeof value === "string") clauses.push(value);
    if (typeof value === "string" && value.startsWith("onContext:")) clauses.push(value.slice("onContext:".length));
    return value;
  });
  const keys = clauses.flatMap((c) => [...c.matchAll(/(?<![\w.])mixtral\.[\w.]+/g)].map((m) => m[0]));
  return [...new Set(keys.filter((k) => !viewIds.has(k)))].sort();
}

/** The table's values, read from its source (it imports `vscode`, which plain Node cannot load). */
function tableKeys(): string[] {
  const source = fs.readFileSync(table, "utf8");
  const body = /export const ContextKeys = \{([\s\S]*?)\} as const;/.exec(source)?.[1] ?? "";
  return [...body.matchAll(/^\s*\w+: "([^"]+)",$/gm)].map((m) => m[1]).sort();
}

describe("context keys", () => {
  it("the table holds exactly the keys package.json reads", () => {
    assert.deepEqual(tableKeys(), keysRead());
  });

  it("no source file but the table calls setContext", () => {
    const found = fs
      .readdirSync(path.join(repoRoot(), "src"), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts"))
      .map((e) => path.join(e.parentPath, e.name))
      .filter((f) => f !== table && fs.readFileSync(f, "utf8").includes('"setContext"'));
    assert.deepEqual(found, []);
  });
});
