// `npm run package [-- --target <t>] [--out <file.vsix>]`: a platform-specific VSIX (default: this
// machine's platform, e.g. linux-x64) holding dist/,
// media/, node-llama-cpp and only that platform's @node-llama-cpp/* prebuilt binaries and
// @vscode/ripgrep-* binary (the workspace index's grep).
//
// vsce takes node_modules from `npm list --production`, which lists every optional
// @node-llama-cpp/* package that npm installed here (CUDA, Vulkan, ARM...). .vscodeignore is an
// allowlist; this script writes a copy of it whose binary lines name the target's packages and
// hands it to vsce with --ignoreFile. Targets whose binaries npm did not install on this machine
// (macOS, Windows) are fetched with `npm pack` (needs the registry) into node_modules for the
// duration of the packaging, then removed.
//
// The VSIX also carries dist/gpu-packs.json, the pinned manifest of the target's GPU packs
// (scripts/lib/gpuPacks.mjs): built first, with the registry and each tarball's hash checked, so
// a package is never made without it; the production build then writes it for the same target.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./lib/codeServer.mjs";
import { gpuPackManifest } from "./lib/gpuPacks.mjs";
import { capture, run } from "./lib/proc.mjs";
import { runMain } from "./lib/sysdeps.mjs";

/** vsce target → node-llama-cpp's prebuilt packages for it. CPU (and Metal) builds only. */
export const TARGET_BINARIES = {
  "linux-x64": ["linux-x64"],
  "linux-arm64": ["linux-arm64"],
  "linux-armhf": ["linux-armv7l"],
  "darwin-arm64": ["mac-arm64-metal"],
  "darwin-x64": ["mac-x64"],
  "win32-x64": ["win-x64"],
  "win32-arm64": ["win-arm64"],
};

/** The vsce target of this machine (the default), e.g. linux-x64. */
export function hostTarget() {
  const os = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform] ?? process.platform;
  const arch = process.arch === "arm" ? "armhf" : process.arch;
  return `${os}-${arch}`;
}

/** vsce target → @vscode/ripgrep's binary package for it (the workspace index's grep). */
export const TARGET_RIPGREP = {
  "linux-x64": "ripgrep-linux-x64",
  "linux-arm64": "ripgrep-linux-arm64",
  "linux-armhf": "ripgrep-linux-arm",
  "darwin-arm64": "ripgrep-darwin-arm64",
  "darwin-x64": "ripgrep-darwin-x64",
  "win32-x64": "ripgrep-win32-x64",
  "win32-arm64": "ripgrep-win32-arm64",
};

const BINARY_LINE = /^!node_modules\/@node-llama-cpp\/.*$/m;
const RIPGREP_LINE = /^!node_modules\/@vscode\/ripgrep-.*$/m;

function packageArgs(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { target: { type: "string", short: "t" }, out: { type: "string", short: "o" } },
    }));
  } catch (err) {
    throw Object.assign(
      new Error(`${err.message}\nusage: npm run package -- [--target <${Object.keys(TARGET_BINARIES).join("|")}>] [--out <file.vsix>]`),
      { name: "HarnessError" },
    );
  }
  const opts = { target: values.target ?? hostTarget(), out: values.out };
  if (!TARGET_BINARIES[opts.target]) {
    throw Object.assign(new Error(`unknown target ${opts.target}; one of ${Object.keys(TARGET_BINARIES).join(", ")}`), {
      name: "HarnessError",
    });
  }
  return opts;
}

/** The default VSIX path for a target, e.g. mixtral-local-linux-x64-0.1.0.vsix in the repo root. */
export function vsixPath(target = hostTarget()) {
  const { name, version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
  return join(REPO_ROOT, `${name}-${target}-${version}.vsix`);
}

/** Makes sure each binary package is in node_modules; returns the ones this script added. */
async function ensureBinaries(packages) {
  const version = JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", "node-llama-cpp", "package.json"), "utf8")).version;
  return ensurePackages(packages.map((pkg) => ({ scope: "@node-llama-cpp", pkg, version })));
}

/** The target's ripgrep binary package, at the version @vscode/ripgrep pins it to. */
async function ensureRipgrep(target) {
  const pkg = TARGET_RIPGREP[target];
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8"));
  const version = lock.packages["node_modules/@vscode/ripgrep"].optionalDependencies[`@vscode/${pkg}`];
  return ensurePackages([{ scope: "@vscode", pkg, version }]);
}

async function ensurePackages(wanted) {
  const added = [];
  for (const { scope, pkg, version } of wanted) {
    const dir = join(REPO_ROOT, "node_modules", scope, pkg);
    if (existsSync(join(dir, "package.json"))) continue;
    const cache = join(REPO_ROOT, ".cache", "vsix-binaries");
    mkdirSync(cache, { recursive: true });
    const spec = `${scope}/${pkg}@${version}`;
    process.stderr.write(`Fetching ${spec} (not installed on this platform)...\n`);
    const packed = await capture("npm", ["pack", spec, "--pack-destination", cache, "--silent"], { cwd: cache });
    if (packed.code !== 0)
      throw Object.assign(new Error(`npm pack ${spec} failed (it needs the npm registry):\n${packed.stderr}`), { name: "HarnessError" });
    const tarball = join(cache, packed.stdout.trim().split("\n").pop());
    mkdirSync(dir, { recursive: true });
    added.push(dir);
    const untar = await capture("tar", ["xzf", tarball, "-C", dir, "--strip-components=1"]);
    if (untar.code !== 0) throw new Error(`could not unpack ${tarball}: ${untar.stderr}`);
  }
  return added;
}

export async function packageVsix({ target = hostTarget(), out } = {}) {
  const outFile = resolve(out ?? vsixPath(target));
  const binaries = TARGET_BINARIES[target];
  const ignore = readFileSync(join(REPO_ROOT, ".vscodeignore"), "utf8");
  if (!BINARY_LINE.test(ignore)) throw new Error(".vscodeignore has no !node_modules/@node-llama-cpp/... line to rewrite");
  if (!RIPGREP_LINE.test(ignore)) throw new Error(".vscodeignore has no !node_modules/@vscode/ripgrep-... line to rewrite");
  const lines = binaries.map((b) => `!node_modules/@node-llama-cpp/${b}/**`).join("\n");
  const ignoreFile = join(REPO_ROOT, ".cache", `vscodeignore-${target}`);
  mkdirSync(join(REPO_ROOT, ".cache"), { recursive: true });
  writeFileSync(ignoreFile, ignore.replace(BINARY_LINE, lines).replace(RIPGREP_LINE, `!node_modules/@vscode/${TARGET_RIPGREP[target]}/**`));

  await gpuPackManifest(target);
  const added = [...(await ensureBinaries(binaries)), ...(await ensureRipgrep(target))];
  try {
    rmSync(outFile, { force: true });
    const vsce = join(REPO_ROOT, "node_modules", "@vscode", "vsce", "vsce");
    // vsce runs `vscode:prepublish` (the minified production build) before collecting files.
    const code = await run(
      process.execPath,
      [
        vsce,
        "package",
        "--target",
        target,
        "--out",
        outFile,
        "--ignoreFile",
        ignoreFile,
        "--skip-license",
        "--allow-missing-repository",
        "--no-rewrite-relative-links",
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, MIXTRAL_TARGET: target },
        // vsce asks before packaging without a LICENSE or with a placeholder README; never hang on it.
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    if (code !== 0 || !existsSync(outFile))
      throw Object.assign(new Error(`vsce package --target ${target} failed (exit ${code})`), { name: "HarnessError" });
  } finally {
    for (const dir of added) rmSync(dir, { recursive: true, force: true });
  }
  process.stderr.write(`VSIX: ${relative(process.cwd(), outFile) || outFile}\n`);
  return outFile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runMain(async () => {
    await packageVsix(packageArgs(process.argv.slice(2)));
    return 0;
  });
}
