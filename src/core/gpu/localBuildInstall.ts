// Installing what node-llama-cpp's source build left in its llama/localBuilds as a pack-shaped
// folder in global storage (gpuBuildRunner.ts says why), and putting node-llama-cpp's own folder
// back as it was before the build: nothing half-done stays behind.
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { GpuBuildError } from "../errors";
import type { GpuBuildToolchain } from "./gpuBuild";
import { LOCAL_BUILD_INFO_FILE } from "./packLayout";

/** node-llama-cpp's build folders as they were before the build, and the build's own temporary
 *  folder beside the install target. */
export class BuildFolders {
  /** Whether the llama.cpp git bundle was placed for this build (removed again after it). */
  placedBundle = false;

  private constructor(
    readonly llamaDir: string,
    readonly localBuilds: string,
    readonly temp: string,
    private readonly localBuildsExisted: boolean,
    private readonly before: ReadonlySet<string>,
    private readonly sourceExisted: boolean,
  ) {}

  static async before(nodeLlamaCppDir: string, installParent: string): Promise<BuildFolders> {
    const llamaDir = path.join(nodeLlamaCppDir, "llama");
    const localBuilds = path.join(llamaDir, "localBuilds");
    return new BuildFolders(
      llamaDir,
      localBuilds,
      path.join(installParent, `.build-${process.pid}-${Date.now()}`),
      existsSync(localBuilds),
      new Set(await fs.readdir(localBuilds).catch(() => [] as string[])),
      existsSync(path.join(llamaDir, "llama.cpp")),
    );
  }

  /** Removes what the build added; `keepSource` keeps the unpacked llama.cpp source (and the
   *  bundle) for a retry. */
  async cleanup(keepSource: boolean): Promise<void> {
    if (this.placedBundle && !keepSource) await fs.rm(path.join(this.llamaDir, "gitRelease.bundle"), { force: true });
    for (const entry of await fs.readdir(this.localBuilds).catch(() => [] as string[])) {
      if (!this.before.has(entry)) await fs.rm(path.join(this.localBuilds, entry), { recursive: true, force: true });
    }
    if (!this.localBuildsExisted) await fs.rmdir(this.localBuilds).catch(() => undefined); // only if empty
    if (!keepSource && !this.sourceExisted) await fs.rm(path.join(this.llamaDir, "llama.cpp"), { recursive: true, force: true });
    await fs.rm(this.temp, { recursive: true, force: true });
  }
}

export interface InstallTarget {
  toolchain: GpuBuildToolchain;
  /** The pack name it stands in for, e.g. "linux-x64-cuda". */
  name: string;
  version: string;
  /** gpuLocalBuildDir: replaced only once the new build is complete there. */
  target: string;
  onProgress?: (fraction: number | undefined, message: string) => void;
}

export async function installLocalBuild(folders: BuildFolders, i: InstallTarget): Promise<void> {
  const { temp, llamaDir, localBuilds } = folders;
  const t = i.toolchain;
  // node-llama-cpp records the folder it built into (llama/lastBuild.json).
  const { folderName } = JSON.parse(await fs.readFile(path.join(llamaDir, "lastBuild.json"), "utf8")) as { folderName?: string };
  const built = folderName ? path.join(localBuilds, folderName, "Release") : "";
  if (!folderName || !existsSync(path.join(built, "llama-addon.node")) || !existsSync(path.join(built, "_nlcBuildMetadata.json"))) {
    throw new GpuBuildError(`The build finished but left no llama-addon.node${folderName ? ` in ${built}` : ""}.`);
  }
  i.onProgress?.(1, "installing the build");
  for (const [file, content] of Object.entries(packageFiles(i.name, i.version))) {
    await fs.mkdir(path.dirname(path.join(temp, file)), { recursive: true });
    await fs.writeFile(path.join(temp, file), content);
  }
  // dereference: a library symlink (libggml.so → libggml.so.0) would otherwise point back into
  // the build folder, which is removed below.
  await fs.cp(built, path.join(temp, "bins", i.name), { recursive: true, dereference: true });
  await fs.writeFile(
    path.join(temp, LOCAL_BUILD_INFO_FILE),
    JSON.stringify(
      {
        builtAt: new Date().toISOString(),
        cudaArchitectures: t.cudaArchitectures,
        cudaVersion: t.cudaVersion,
        gpuName: t.gpuName,
        nodeLlamaCppVersion: i.version,
        buildFolder: folderName,
      },
      null,
      2,
    ),
  );
  // Replace an older build only once the new one is complete.
  const old = `${temp}.old`;
  if (existsSync(i.target)) await fs.rename(i.target, old);
  await fs.rename(temp, i.target);
  await fs.rm(old, { recursive: true, force: true });
  // The copy in node-llama-cpp's folder is no longer needed (and is lost on the next update).
  await fs.rm(path.join(localBuilds, folderName), { recursive: true, force: true });
}

/** The package node-llama-cpp imports as @node-llama-cpp/<name>: its getBinsDir() names our bins. */
function packageFiles(name: string, version: string): Record<string, string> {
  return {
    "package.json": JSON.stringify(
      {
        name: `@node-llama-cpp/${name}`,
        version,
        type: "module",
        description: "GPU support built on this machine by Mixtral Local",
        exports: { ".": "./dist/index.js" },
      },
      null,
      2,
    ),
    "dist/index.js": [
      'import path from "node:path";',
      'import { fileURLToPath } from "node:url";',
      'const binsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bins");',
      `export function getBinsDir() { return { binsDir, packageVersion: ${JSON.stringify(version)} }; }`,
      "",
    ].join("\n"),
  };
}
