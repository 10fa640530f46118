// Loads web-tree-sitter and the grammars once per process (the indexer's worker), lazily: a
// grammar is read the first time a file of its language is parsed (30 to 600 ms each).
// The wasm files come from `wasmDir` (dist/tree-sitter in the shipped extension; the npm packages
// in a development checkout: see treeSitterWasmDir).
import * as fs from "node:fs";
import * as path from "node:path";
import { Language, Parser } from "web-tree-sitter";

export class GrammarLoader {
  private runtime: Promise<void> | undefined;
  private readonly languages = new Map<string, Promise<Language | undefined>>();
  private parser: Parser | undefined;

  constructor(private readonly wasmDir: string) {}

  /** A parser set to the grammar, or undefined when the grammar cannot be loaded (logged once). */
  async parserFor(grammar: string): Promise<Parser | undefined> {
    this.runtime ??= Parser.init({ locateFile: () => runtimeWasmPath(this.wasmDir) });
    await this.runtime;
    let language = this.languages.get(grammar);
    if (!language) {
      const file = path.join(this.wasmDir, `tree-sitter-${grammar}.wasm`);
      language = Language.load(fs.readFileSync(file)).catch(() => undefined);
      this.languages.set(grammar, language);
    }
    const loaded = await language;
    if (!loaded) return undefined;
    this.parser ??= new Parser();
    this.parser.setLanguage(loaded);
    return this.parser;
  }
}

/**
 * Where the wasm files are: `<dir>/tree-sitter` beside the bundle (esbuild copies them there),
 * else the npm packages (tsc's out/ build, tests).
 */
export function treeSitterWasmDir(bundleDir: string): string {
  const shipped = path.join(bundleDir, "tree-sitter");
  if (fs.existsSync(path.join(shipped, "web-tree-sitter.wasm"))) return shipped;
  return path.join(findNodeModules(bundleDir), "@vscode", "tree-sitter-wasm", "wasm");
}

/** The runtime's own wasm (web-tree-sitter.wasm) when the grammars' folder is the npm one. */
export function runtimeWasmPath(wasmDir: string): string {
  const beside = path.join(wasmDir, "web-tree-sitter.wasm");
  if (fs.existsSync(beside)) return beside;
  return path.join(findNodeModules(wasmDir), "web-tree-sitter", "web-tree-sitter.wasm");
}

function findNodeModules(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules");
    if (fs.existsSync(path.join(candidate, "web-tree-sitter"))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`web-tree-sitter not found above ${from}`);
  }
}
