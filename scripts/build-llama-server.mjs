#!/usr/bin/env node
// Builds llama.cpp's `llama-server` from the llama.cpp source node-llama-cpp ships
// (node_modules/node-llama-cpp/llama/gitRelease.bundle + its patches), once per machine, into a
// cache OUTSIDE the repository: $MIXTRAL_LLAMA_SERVER_CACHE or ~/.cache/mixtral-local/llama-server.
// Offline: no curl, no OpenSSL, no web UI download. CPU only (the tests serve the tiny model).
//
//   node scripts/build-llama-server.mjs [--jobs N] [--force]
// Prints the binary's path on the last line of stdout; progress goes to stderr. Concurrent calls wait
// for one build (a lock directory). Exit code 0 on success.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const llamaDir = path.join(repo, "node_modules", "node-llama-cpp", "llama");
const { values: args } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: { jobs: { type: "string" }, force: { type: "boolean" } },
});
const jobsArg = args.jobs === undefined ? undefined : Number(args.jobs);
const jobs = jobsArg && jobsArg > 0 ? jobsArg : Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
const force = args.force === true;
const say = (m) => process.stderr.write(`[build-llama-server] ${m}\n`);

function version() {
  const pkg = JSON.parse(readFileSync(path.join(repo, "node_modules", "node-llama-cpp", "package.json"), "utf8"));
  let tag = "unknown";
  try {
    tag = JSON.parse(readFileSync(path.join(llamaDir, "llama.cpp.info.json"), "utf8")).tag;
  } catch {
    /* older layout */
  }
  return `node-llama-cpp-${pkg.version}-${tag}`;
}

function cacheDir() {
  return path.join(process.env.MIXTRAL_LLAMA_SERVER_CACHE || path.join(os.homedir(), ".cache", "mixtral-local", "llama-server"), version());
}

const run = (cmd, argv, cwd) => {
  const r = spawnSync(cmd, argv, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed (exit ${r.status ?? r.signal})`);
};

// A lock directory: one build per machine; a lock whose owner died is taken over.
function lock(dir) {
  const lockDir = `${dir}.lock`;
  mkdirSync(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch {
      let pid = 0;
      try {
        pid = Number(readFileSync(path.join(lockDir, "pid"), "utf8"));
      } catch {
        /* being written */
      }
      let alive = true;
      try {
        if (pid) process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (!alive || (!pid && Date.now() - statSync(lockDir).mtimeMs > 60_000)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      say(`waiting for another build (pid ${pid})…`);
      execFileSync("sleep", ["5"]);
    }
  }
}

function build() {
  const dir = cacheDir();
  const binary = path.join(dir, "bin", "llama-server");
  if (existsSync(binary) && !force) return binary;
  const unlock = lock(dir);
  try {
    if (existsSync(binary) && !force) return binary;
    const started = Date.now();
    const src = path.join(dir, "src");
    const buildDir = path.join(dir, "build");
    if (!existsSync(path.join(src, "CMakeLists.txt"))) {
      rmSync(src, { recursive: true, force: true });
      say(`cloning ${path.relative(repo, path.join(llamaDir, "gitRelease.bundle"))} into ${src}`);
      run("git", ["clone", "--quiet", path.join(llamaDir, "gitRelease.bundle"), src]);
      // node-llama-cpp applies its patches to the clone; so do we.
      const patches = path.join(llamaDir, "patches");
      for (const p of existsSync(patches)
        ? readdirSync(patches)
            .filter((f) => f.endsWith(".diff"))
            .sort()
        : []) {
        say(`applying ${p}`);
        run("git", ["apply", path.join(patches, p)], src);
      }
    }
    const cmakeFlags = [
      "-DCMAKE_BUILD_TYPE=Release",
      "-DBUILD_SHARED_LIBS=OFF",
      "-DGGML_NATIVE=ON",
      "-DLLAMA_BUILD_SERVER=ON",
      "-DLLAMA_BUILD_TOOLS=ON",
      "-DLLAMA_BUILD_APP=OFF",
      "-DLLAMA_BUILD_TESTS=OFF",
      "-DLLAMA_BUILD_EXAMPLES=OFF",
      // Offline: no HTTP client, no TLS, and the web UI neither built (needs npm) nor downloaded.
      "-DLLAMA_CURL=OFF",
      "-DLLAMA_OPENSSL=OFF",
      "-DLLAMA_BUILD_UI=OFF",
      "-DLLAMA_USE_PREBUILT_UI=OFF",
    ];
    const ninja = spawnSync("ninja", ["--version"]).status === 0;
    say(`configuring (${ninja ? "Ninja" : "default generator"})`);
    run("cmake", ["-S", src, "-B", buildDir, ...(ninja ? ["-G", "Ninja"] : []), ...cmakeFlags]);
    say(`building llama-server with ${jobs} jobs (several minutes on 2 cores)`);
    const t1 = Date.now();
    run("cmake", ["--build", buildDir, "--target", "llama-server", "-j", String(jobs)]);
    const built = path.join(buildDir, "bin", "llama-server");
    mkdirSync(path.dirname(binary), { recursive: true });
    cpSync(built, `${binary}.tmp`);
    renameSync(`${binary}.tmp`, binary);
    const info = {
      builtAt: new Date().toISOString(),
      jobs,
      cores: os.cpus().length,
      configureAndCloneSeconds: (t1 - started) / 1000,
      buildSeconds: (Date.now() - t1) / 1000,
      cmakeFlags,
    };
    writeFileSync(path.join(dir, "build-info.json"), JSON.stringify(info, null, 2));
    say(`done in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
    return binary;
  } finally {
    unlock();
  }
}

try {
  process.stdout.write(`${build()}\n`);
} catch (err) {
  say(String(err instanceof Error ? err.message : err));
  process.exit(1);
}
