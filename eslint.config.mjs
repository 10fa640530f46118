// Lint = the import rules of docs/ARCHITECTURE.md (by package name and by relative path), plus
// typescript-eslint's recommended rules.
import tseslint from "typescript-eslint";

const noVscode = { name: "vscode", message: "Only src/vscode may import vscode." };
const noLlama = { name: "node-llama-cpp", message: "Only src/engine may load node-llama-cpp (in the child process)." };

/** What each layer under src/ may not import: packages, and the other layers it must not reach by
 *  a relative path (docs/ARCHITECTURE.md's table). */
const LAYERS = {
  shared: {
    paths: [noVscode, noLlama],
    forbid: ["core", "engine", "vscode", "cli"],
    why: "src/shared holds types every bundle uses: it imports no other layer.",
  },
  core: {
    paths: [noVscode, noLlama],
    forbid: ["engine", "vscode", "cli"],
    why: "src/core is pure: it never imports the engine child, the adapters or the CLI.",
  },
  engine: { paths: [noVscode], forbid: ["vscode", "cli"], why: "The engine child must not import the extension adapters or the CLI." },
  vscode: {
    paths: [noLlama],
    forbid: ["engine", "cli"],
    why: "The engine runs in a child process: talk to it through src/core/engineClient/EngineClient.",
  },
  indexer: {
    paths: [noVscode, noLlama],
    forbid: ["engine", "vscode", "cli"],
    why: "The index worker runs src/core/workspace: it imports no adapter, engine or CLI code.",
  },
  cli: {
    paths: [noVscode, noLlama],
    forbid: ["engine", "vscode"],
    why: "The CLI runs outside VS Code and talks to the engine child through src/core/engineClient.",
  },
};

/** One config per folder depth inside a layer: from src/<layer>/a/b.ts another layer is ../../<name>. */
function layerRules() {
  return Object.entries(LAYERS).flatMap(([layer, { paths, forbid, why }]) =>
    [0, 1, 2].map((depth) => ({
      files: [`src/${layer}/${"*/".repeat(depth)}*.ts`],
      rules: {
        "no-restricted-imports": [
          "error",
          { paths, patterns: [{ group: forbid.map((other) => `${"../".repeat(depth + 1)}${other}`), message: why }] },
        ],
        ...(layer === "engine" ? {} : { "no-console": "error" }),
      },
    })),
  );
}

export default tseslint.config(
  { ignores: ["out/**", "dist/**", "node_modules/**", ".vscode-test/**", "test-results/**", "**/*.mjs", "**/*.js"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  ...layerRules(),
  // The house limits: files at most 300 lines, functions at most 80 (blank lines and comments not counted).
  {
    files: ["src/**/*.ts", "webview/**/*.ts"],
    rules: {
      "max-lines": ["error", { max: 300 }],
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["webview/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [noVscode, noLlama],
          patterns: [
            {
              group: ["**/src/core/*", "**/src/engine/*", "**/src/vscode/*", "**/src/cli/*"],
              message: "The webview may import only src/shared.",
            },
          ],
        },
      ],
    },
  },
);
