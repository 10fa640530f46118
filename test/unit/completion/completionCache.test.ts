import * as assert from "node:assert/strict";
import { CompletionCache } from "../../../src/core/completion/completionCache";
import { contextAt } from "./cursor";

describe("completion cache", () => {
  it("returns a suggestion for the same surrounding text", () => {
    const cache = new CompletionCache();
    cache.set(contextAt("const x = █;\nfoo();\n"), "compute()");
    assert.deepEqual(cache.get(contextAt("const x = █;\nfoo();\n")), { text: "compute()", typed: 0 });
  });

  it("misses when the code after the cursor differs", () => {
    const cache = new CompletionCache();
    cache.set(contextAt("const x = █;\nfoo();\n"), "compute()");
    assert.equal(cache.get(contextAt("const x = █;\nbar();\n")), undefined);
  });

  it("keeps the visible suggestion while the user types its first characters", () => {
    const cache = new CompletionCache();
    cache.set(contextAt("const x = █\n"), "compute(a, b);");
    assert.deepEqual(cache.get(contextAt("const x = com█\n")), { text: "pute(a, b);", typed: 3 });
    assert.deepEqual(cache.get(contextAt("const x = compute(a, █\n")), { text: "b);", typed: 11 });
  });

  it("follows a multi-line suggestion across the line break", () => {
    const cache = new CompletionCache();
    cache.set(contextAt("if (ok) {█\n"), "\n  run();\n}");
    assert.deepEqual(cache.get(contextAt("if (ok) {\n  r█\n")), { text: "un();\n}", typed: 4 });
  });

  it("does not serve a suggestion the typed text contradicts, nor one fully typed", () => {
    const cache = new CompletionCache();
    cache.set(contextAt("const x = █\n"), "compute();");
    assert.equal(cache.get(contextAt("const x = cx█\n")), undefined);
    assert.equal(cache.get(contextAt("const x = compute();█\n")), undefined);
  });

  it("evicts the least recently used entry", () => {
    const cache = new CompletionCache({ maxEntries: 2 });
    cache.set(contextAt("a = █\n"), "1");
    cache.set(contextAt("b = █\n"), "2");
    assert.ok(cache.get(contextAt("a = █\n")));
    cache.set(contextAt("c = █\n"), "3");
    assert.equal(cache.size, 2);
    assert.equal(cache.get(contextAt("b = █\n")), undefined);
    assert.ok(cache.get(contextAt("a = █\n")));
    assert.ok(cache.get(contextAt("c = █\n")));
  });

  it("keys by language as well", () => {
    const cache = new CompletionCache();
    cache.set(contextAt("x = █\n", "python"), "1");
    assert.equal(cache.get(contextAt("x = █\n", "ruby")), undefined);
  });
});
