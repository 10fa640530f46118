// Guesses the project's test framework from plain workspace facts (file names and the
// package.json / pyproject text the adapter reads), so "Write tests" can name it in the prompt.

export interface WorkspaceFacts {
  languageId: string;
  /** Relative paths of a bounded sample of workspace files. */
  files: string[];
  /** Contents of package.json at the root, if any. */
  packageJson?: string;
  /** Contents of pyproject.toml / setup.cfg / requirements*.txt, concatenated, if any. */
  pythonConfig?: string;
  /** Contents of Cargo.toml / go.mod / pom.xml / build.gradle, if any. */
  otherConfig?: string;
}

const JS_FRAMEWORKS: [dep: string, name: string][] = [
  ["vitest", "Vitest"],
  ["jest", "Jest"],
  ["mocha", "Mocha"],
  ["ava", "AVA"],
  ["@playwright/test", "Playwright Test"],
  ["jasmine", "Jasmine"],
  ["tap", "node-tap"],
];

export function guessTestFramework(f: WorkspaceFacts): string {
  const lang = f.languageId;
  if (["typescript", "javascript", "typescriptreact", "javascriptreact"].includes(lang)) {
    if (f.packageJson) {
      try {
        const pkg = JSON.parse(f.packageJson) as Record<string, Record<string, string> | undefined>;
        const deps = { ...pkg.dependencies, ...pkg.devDependencies };
        for (const [dep, name] of JS_FRAMEWORKS) if (dep in deps) return name;
      } catch {
        // A broken package.json is the user's business; fall through to the default.
      }
    }
    return "node:test (Node's built-in test runner)";
  }
  if (lang === "python") {
    const cfg = f.pythonConfig ?? "";
    if (/pytest/i.test(cfg) || f.files.some((p) => /(^|\/)conftest\.py$/.test(p))) return "pytest";
    return f.files.some((p) => /(^|\/)test_[^/]+\.py$/.test(p)) ? "pytest" : "unittest";
  }
  if (lang === "rust") return "Rust's built-in #[test] with cargo test";
  if (lang === "go") return "Go's testing package (go test)";
  if (lang === "java")
    return /junit-jupiter|junit5/i.test(f.otherConfig ?? "") ? "JUnit 5" : /junit/i.test(f.otherConfig ?? "") ? "JUnit 4" : "JUnit 5";
  if (lang === "csharp") return "xUnit";
  if (lang === "ruby") return f.files.some((p) => p.startsWith("spec/")) ? "RSpec" : "Minitest";
  if (lang === "php") return "PHPUnit";
  if (lang === "cpp" || lang === "c") return "GoogleTest";
  return "the language's standard test framework";
}
