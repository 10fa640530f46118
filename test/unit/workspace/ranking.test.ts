// Ranking on a small real repository written by the test: the file that defines what a question
// names comes first, a definition's name outweighs a passing mention, paths count, and the repo
// map lists the files the question leads to (and the files they use) within its budget.
import * as assert from "node:assert/strict";
import { PATH_BOOST, pathBoost, queryTerms } from "../../../src/core/workspace/chunkSearch";
import { findDefinitions, searchIndex } from "../../../src/core/workspace/queries";
import { buildRepoMap } from "../../../src/core/workspace/repoMap";
import { GrammarLoader, treeSitterWasmDir } from "../../../src/core/workspace/treeSitter";
import { WorkspaceIndexer } from "../../../src/core/workspace/WorkspaceIndexer";
import { makeWorkspaceTree, type WorkspaceTree } from "../../helpers/workspaceTree";

const REPO = {
  "src/auth/session.ts": [
    "import { hashToken } from '../crypto/hash';",
    "/** A signed-in user's session; expires after `ttlMs`. */",
    "export class SessionStore {",
    "  private readonly sessions = new Map<string, number>();",
    "  /** Starts a session for a user and returns its token. */",
    "  createSession(userId: string): string {",
    "    const token = hashToken(userId + Date.now());",
    "    this.sessions.set(token, Date.now());",
    "    return token;",
    "  }",
    "  /** Ends a session (logout). */",
    "  revokeSession(token: string): void {",
    "    this.sessions.delete(token);",
    "  }",
    "}",
  ].join("\n"),
  "src/crypto/hash.ts":
    "import { createHash } from 'node:crypto';\n/** SHA-256 of a token, hex. */\nexport function hashToken(value: string): string {\n  return createHash('sha256').update(value).digest('hex');\n}\n",
  "src/http/routes.ts":
    "import { SessionStore } from '../auth/session';\nconst store = new SessionStore();\n// POST /logout ends the session\nexport function logoutRoute(token: string) {\n  store.revokeSession(token);\n}\n",
  "src/billing/invoice.py":
    'class Invoice:\n    """An invoice with its lines and taxes."""\n    def total_with_tax(self, rate):\n        return sum(self.lines) * (1 + rate)\n',
  "src/billing/currency.go":
    'package billing\n\n// FormatAmount prints an amount in a currency.\nfunc FormatAmount(cents int64, currency string) string {\n\treturn ""\n}\n',
  "src/legacy/crlf.js": "// Windows line ends\r\nfunction parseLegacyRecord(row) {\r\n  return row.split(',');\r\n}\r\n",
  "docs/notes.md": "# Notes\nThe session store keeps tokens in memory. Invoices are computed in Python.\n",
  "test/session.test.ts":
    "import { SessionStore } from '../src/auth/session';\n// revoke session on logout: the token no longer works\nit('revokes a session on logout', () => new SessionStore().revokeSession('t'));\n",
};

describe("workspace ranking", function () {
  this.timeout(30_000);
  let tree: WorkspaceTree;
  let indexer: WorkspaceIndexer;
  before(async () => {
    tree = makeWorkspaceTree(REPO);
    indexer = new WorkspaceIndexer(tree.options(), new GrammarLoader(treeSitterWasmDir(__dirname)));
    await indexer.open(() => undefined);
  });
  after(() => tree.cleanup());

  const search = (q: string) => searchIndex(indexer.store, indexer.options, q, 10);

  it("the chunk that defines what the question names comes first, with its symbol and text", () => {
    const [hit] = search("revoke the user's session on logout");
    assert.equal(hit.path, "src/auth/session.ts");
    assert.match(hit.text, /revokeSession/);
    const hits = search("compute the invoice total with tax rate");
    assert.equal(hits[0].path, "src/billing/invoice.py");
    assert.equal(hits[0].symbol, "Invoice");
  });

  it("source comes before its tests and the docs that mention the same words; a question about tests finds them", () => {
    const files = [...new Set(search("revoke session on logout").map((h) => h.path))];
    assert.ok(files.indexOf("src/auth/session.ts") < files.indexOf("test/session.test.ts"), files.join(", "));
    assert.equal(search("session test")[0].path, "test/session.test.ts");
    assert.equal(search("notes")[0].path, "docs/notes.md");
  });

  it("prose words find camelCase and snake_case identifiers; path words count", () => {
    assert.equal(search("format amounts for a currency")[0].path, "src/billing/currency.go");
    assert.equal(search("hashing tokens with sha256")[0].path, "src/crypto/hash.ts");
    assert.equal(search("crypto")[0].path, "src/crypto/hash.ts");
  });

  it("a file whose folder or name the question names is boosted, once per term, at most two terms", () => {
    const terms = (q: string) => new Set(queryTerms(q));
    assert.equal(pathBoost("src/billing/invoice.py", terms("the invoices in billing")), 1 + 2 * PATH_BOOST);
    assert.equal(pathBoost("src/billing/invoice.py", terms("billing billing invoice in src")), 1 + 2 * PATH_BOOST);
    assert.equal(pathBoost("src/auth/session.ts", terms("billing")), 1);
    assert.equal(pathBoost("src/crypto/hash.ts", terms("crypto hashing")), 1 + 2 * PATH_BOOST, "stemmed like the index");
    assert.equal(search("billing currency")[0].path, "src/billing/currency.go");
  });

  it("results are best first, files in the order of their scores, lines within the file", () => {
    const hits = search("session token");
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
    for (const h of hits) assert.ok(h.startLine >= 1 && h.endLine >= h.startLine);
    assert.deepEqual(search("zebra quokka"), []);
  });

  it("a hit's text is its lines exactly, Windows line ends included", () => {
    const [hit] = search("parse legacy record");
    assert.deepEqual([hit.path, hit.startLine, hit.endLine, hit.symbol], ["src/legacy/crlf.js", 1, 4, "parseLegacyRecord"]);
    assert.equal(hit.text, "// Windows line ends\nfunction parseLegacyRecord(row) {\n  return row.split(',');\n}");
  });

  it("definitions by name, simple or qualified, with the doc comment", () => {
    const [def] = findDefinitions(indexer.store, indexer.options, "SessionStore.revokeSession", 5);
    assert.deepEqual(
      { ...def, text: undefined },
      {
        name: "SessionStore.revokeSession",
        kind: "method",
        root: indexer.options.roots[0].name,
        path: "src/auth/session.ts",
        startLine: 11,
        endLine: 14,
        text: undefined,
      },
    );
    assert.match(def.text, /^ {2}\/\*\* Ends a session/);
    assert.equal(findDefinitions(indexer.store, indexer.options, "total_with_tax", 5)[0].path, "src/billing/invoice.py");
  });

  it("the repo map starts from the question's files, follows what they use, and keeps to its budget", () => {
    const map = buildRepoMap(indexer.store, indexer.options, "logout route", 400);
    const files = map
      .split("\n")
      .filter((l) => !l.startsWith(" "))
      .map((l) => l.replace(/:$/, ""));
    assert.equal(files[0], "src/http/routes.ts");
    assert.ok(
      files.indexOf("src/auth/session.ts") >= 0 && files.indexOf("src/auth/session.ts") < files.indexOf("src/billing/currency.go"),
      map,
    );
    assert.match(map, / {2}\d+: export class SessionStore \{/);
    const small = buildRepoMap(indexer.store, indexer.options, "logout route", 20);
    assert.ok(small.length <= 20 * 4, small);
  });
});
