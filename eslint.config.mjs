// Lint = the import boundaries of ARCHITECTURE.md, plus typescript-eslint's recommended rules.
import tseslint from "typescript-eslint";

const noVscode = { name: "vscode", message: "Only src/vscode may import vscode." };
const noLlama = { name: "node-llama-cpp", message: "Only src/engine may load node-llama-cpp (in the child process)." };

export default tseslint.config(
  { ignores: ["out/**", "dist/**", "node_modules/**", ".vscode-test/**", "test-results/**", "**/*.mjs", "**/*.js"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    files: ["src/core/**/*.ts", "src/shared/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [noVscode, noLlama] }],
      "no-console": "error",
    },
  },
  {
    files: ["src/vscode/**/*.ts", "src/cli/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [noLlama], patterns: [{ group: ["../engine/*", "../../engine/*"], message: "The engine runs in a child process: talk to it through src/core/engineClient/EngineClient." }] }],
      "no-console": "error",
    },
  },
  {
    files: ["src/engine/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode], patterns: [{ group: ["**/vscode/*"], message: "The engine child must not import the extension adapters." }] }] },
  },
  {
    files: ["webview/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noLlama], patterns: [{ group: ["**/src/core/*", "**/src/engine/*", "**/src/vscode/*"], message: "The webview may import only src/shared." }] }] },
  },
);
