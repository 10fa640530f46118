// The code-aware terms the index and its queries share.
import * as assert from "node:assert/strict";
import { queryTerms } from "../../../src/core/workspace/chunkSearch";
import { splitIdentifier, stem, tokenizeCode, tokenizePath } from "../../../src/core/workspace/tokenizer";

describe("workspace tokenizer", () => {
  it("splits camelCase, PascalCase, acronyms, snake_case and digits, and keeps the whole identifier", () => {
    assert.deepEqual(splitIdentifier("parseHTTPResponse_v2"), ["parse", "HTTP", "Response", "v", "2"]);
    assert.deepEqual(tokenizeCode("loadModelFile"), ["loadmodelfile", "load", "model", "file"]);
    assert.deepEqual(tokenizeCode("max_file_bytes"), ["maxfilebyte", "max", "file", "byte"]);
    assert.deepEqual(tokenizeCode("GrammarLoader"), ["grammarloader", "grammar", "loader"]);
  });

  it("finds a camelCase identifier from the prose words of a question", () => {
    const doc = new Set(tokenizeCode("export function loadModel(path) {}"));
    for (const term of queryTerms("when loading models")) assert.ok(doc.has(term), `${term} should match loadModel`);
  });

  it("drops English glue and language keywords, lower-cases, and stems plurals and -ing/-ed", () => {
    assert.deepEqual(tokenizeCode("the function returns the Classes"), ["return", "class"]);
    assert.equal(stem("indexed"), "index");
    assert.equal(stem("running"), "run");
    assert.equal(stem("status"), "status");
    assert.equal(stem("entries"), "entry");
  });

  it("cuts a path into folders and the file name, without the extension", () => {
    assert.deepEqual(tokenizePath("src/core/workspace/WorkspaceIndexer.ts"), [
      "src",
      "core",
      "workspace",
      "workspaceindexer",
      "workspace",
      "indexer",
    ]);
    assert.deepEqual(tokenizePath("lib/http-client.test.js"), ["lib", "http", "client", "test"]);
  });

  it("a query counts each word once", () => {
    assert.deepEqual(queryTerms("parse parse Parse parser"), ["parse", "parser"]);
  });

  it("the identifiers a text uses keep their case and need three characters", () => {
    const words = new Set<string>();
    tokenizeCode("a.bc = loadModel(x, max_size)", words);
    assert.deepEqual([...words].sort(), ["loadModel", "max_size"]);
  });
});
