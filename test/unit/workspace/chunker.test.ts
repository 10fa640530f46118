// Code-aware chunks and symbols from the real tree-sitter grammars VS Code ships, one sample per
// language, plus the line windows every other file gets.
import * as assert from "node:assert/strict";
import { analyzeFile, MAX_CHUNK_LINES, MAX_PARSE_BYTES, WINDOW_LINES, type FileAnalysis } from "../../../src/core/workspace/chunker";
import { GrammarLoader, treeSitterWasmDir } from "../../../src/core/workspace/treeSitter";

const grammars = new GrammarLoader(treeSitterWasmDir(__dirname));
const symbolsOf = (a: FileAnalysis) => a.symbols.map((s) => `${s.kind} ${s.qualified} ${s.startLine}-${s.endLine}`);

const SAMPLES: { file: string; text: string; symbols: string[] }[] = [
  {
    file: "a.ts",
    text: 'import x from "y";\n/** Adds. */\nexport function add(a: number) {\n  return a;\n}\nexport const mul = (a: number) => a * 2;\nexport class Foo {\n  /** doc */\n  method(): void {}\n}\ninterface Shape { a: string }\ntype Id = string;\nenum Color { Red }\n',
    symbols: [
      "function add 2-5",
      "function mul 6-6",
      "class Foo 7-10",
      "method Foo.method 8-9",
      "interface Shape 11-11",
      "type Id 12-12",
      "enum Color 13-13",
    ],
  },
  { file: "b.tsx", text: "export function View() {\n  return <div>hi</div>;\n}\n", symbols: ["function View 1-3"] },
  {
    file: "c.js",
    text: "// helper\nfunction helper() {}\nclass Box { open() {} }\nmodule.exports = { helper };\n",
    symbols: ["function helper 1-2", "class Box 3-3", "method Box.open 3-3"],
  },
  {
    file: "d.py",
    text: 'import os\n\n@decorator\ndef top(a):\n    """doc"""\n    return a\n\nclass Store:\n    def save(self):\n        pass\n',
    symbols: ["function top 3-6", "class Store 8-10", "function Store.save 9-10"],
  },
  {
    file: "e.go",
    text: "package main\n\n// Start starts the server.\nfunc (s *Server) Start() error {\n\treturn nil\n}\n\n// Server serves.\ntype Server struct{}\n",
    symbols: ["method Server.Start 3-6", "type Server 8-9"],
  },
  {
    file: "f.rs",
    text: "/// Makes one.\npub fn make() {}\n#[derive(Debug)]\nstruct Point { x: i32 }\nimpl Point {\n    fn norm(&self) -> i32 { 0 }\n}\n",
    symbols: ["function make 1-2", "class Point 3-4", "class Point 5-7", "function Point.norm 6-6"],
  },
  {
    file: "g.java",
    text: "package x;\n/** A cart. */\npublic class Cart {\n  /** Adds. */\n  @Override\n  public void add() {}\n}\n",
    symbols: ["class Cart 2-7", "method Cart.add 4-6"],
  },
  {
    file: "h.c",
    text: "#include <stdio.h>\n/* Makes a thing. */\nstatic int *make_thing(int a) {\n  return 0;\n}\nstruct point { int x; };\n#ifdef X\nvoid guarded(void) {}\n#endif\n",
    symbols: ["function make_thing 2-5", "class point 6-6", "function guarded 8-8"],
  },
  {
    file: "i.cpp",
    text: "namespace geo {\nclass Shape {\n public:\n  double area();\n};\ndouble Shape::area() { return 0; }\n}\n",
    symbols: ["module geo 1-7", "class geo.Shape 2-5", "function geo.Shape.area 6-6"],
  },
  {
    file: "j.cs",
    text: "namespace App {\n  /// <summary>An account.</summary>\n  public class Account {\n    public int Balance { get; set; }\n    public void Deposit() {}\n  }\n}\n",
    symbols: ["module App 1-7", "class App.Account 2-6", "variable App.Account.Balance 4-4", "method App.Account.Deposit 5-5"],
  },
];

describe("workspace chunker", function () {
  this.timeout(30_000);

  for (const sample of SAMPLES) {
    it(`${sample.file}: definitions with their doc comments, qualified by their containers`, async () => {
      const analysis = await analyzeFile(sample.file, sample.text, grammars);
      assert.deepEqual(symbolsOf(analysis), sample.symbols);
      const lines = sample.text.split("\n").length - 1;
      const covered = analysis.chunks.flatMap((c) => Array.from({ length: c.endLine - c.startLine + 1 }, (_, i) => c.startLine + i));
      assert.deepEqual(
        covered,
        Array.from({ length: lines }, (_, i) => i + 1),
        "the chunks cover every line once, in order",
      );
    });
  }

  it("a small definition is one chunk named after it; the code between definitions gets windows", async () => {
    const a = await analyzeFile("a.ts", SAMPLES[0].text, grammars);
    assert.deepEqual(
      a.chunks.find((c) => c.symbol === "add"),
      { startLine: 2, endLine: 5, symbol: "add", names: ["add"] },
    );
    assert.deepEqual(a.chunks.find((c) => c.symbol === "Foo")?.names, ["Foo", "method"]);
    assert.deepEqual(a.chunks[0], { startLine: 1, endLine: 1, names: [] });
  });

  it("a class longer than a chunk is cut into its methods plus the lines between them", async () => {
    const body = Array.from({ length: 30 }, (_, i) => `  m${i}() {\n    return ${i};\n  }`).join("\n");
    const text = `export class Big {\n  field = 1;\n${body}\n}\n`;
    const a = await analyzeFile("big.ts", text, grammars);
    const lines = text.split("\n").length - 1;
    assert.ok(lines > MAX_CHUNK_LINES);
    assert.equal(a.chunks.filter((c) => c.symbol?.startsWith("Big.m")).length, 30);
    const header = a.chunks[0];
    assert.equal(header.symbol, "Big");
    assert.deepEqual(header.names, ["Big"]);
    assert.equal(header.startLine, 1);
  });

  it("a file without a grammar, and one too large to parse, are cut into windows", async () => {
    const prose = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const md = await analyzeFile("README.md", prose, grammars);
    assert.deepEqual(md.symbols, []);
    assert.deepEqual(
      md.chunks.map((c) => [c.startLine, c.endLine]),
      [
        [1, WINDOW_LINES],
        [WINDOW_LINES + 1, 2 * WINDOW_LINES],
        [2 * WINDOW_LINES + 1, 100],
      ],
    );
    const huge = "function f() {}\n".repeat(Math.ceil(MAX_PARSE_BYTES / 16) + 1);
    const big = await analyzeFile("huge.ts", huge, grammars);
    assert.deepEqual(big.symbols, [], "not parsed");
    assert.ok(big.chunks.every((c) => c.endLine - c.startLine < WINDOW_LINES + WINDOW_LINES / 4));
  });

  it("broken code still gives the definitions the parser can recover", async () => {
    const a = await analyzeFile("broken.py", "def ok():\n    return 1\n\ndef broken(:\n    pass\n", grammars);
    assert.ok(a.symbols.some((s) => s.qualified === "ok"));
  });
});
