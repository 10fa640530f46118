// The llama.cpp source for "Build GPU Support for This Machine" in an installed extension: the VSIX
// leaves out node-llama-cpp's llama/gitRelease.bundle (35 MB that only this build needs), so the
// build fetches node-llama-cpp's own npm tarball, which carries it, on demand. Same trust rule as
// the GPU packs: the URL's path and the sha512 come from the manifest the VSIX carries (pinned from
// package-lock.json at package time); a mirror (mixtral.gpu.packMirror) may replace only the origin.
// The download resumes, checks disk space and stalls (the models' downloader); the tarball is kept
// in the packs folder, so a second build needs no network.
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import * as tar from "tar";
import { GpuBuildError } from "../errors";
import { downloadFile, type DownloadOptions, type DownloadProgress } from "../models/downloader";
import { sha512Integrity } from "./packInstaller";
import { gpuPacksRoot } from "./packLayout";
import { gpuPackUrl, type GpuPackManifest } from "./packManifest";

export interface LlamaSourceOptions {
  /** The extension's global storage (or the CLI's --data-dir). */
  dataDir: string;
  manifest: GpuPackManifest | undefined;
  mirror?: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Passed to the downloader (tests shorten its timeouts). */
  download?: Partial<Pick<DownloadOptions, "connectTimeoutMs" | "stallTimeoutMs" | "maxRetries" | "retryBaseDelayMs" | "freeSpace">>;
}

export type LlamaSourceResult = { status: "ready"; file: string; downloaded: boolean } | { status: "cancelled" };

/** Where the fetched tarball is kept, beside the packs of its node-llama-cpp version. */
export function llamaSourcePath(dataDir: string, version: string): string {
  return path.join(gpuPacksRoot(dataDir, version), "downloads", `node-llama-cpp-${version}.tgz`);
}

/** The verified node-llama-cpp tarball, downloaded unless a verified copy is already kept. */
export async function fetchLlamaSource(o: LlamaSourceOptions): Promise<LlamaSourceResult> {
  const source = o.manifest?.source;
  if (!source) {
    throw new GpuBuildError(
      "This installation does not say which llama.cpp source to build (its GPU pack list has no source entry).",
      "Pass --source with the tarball of `npm pack node-llama-cpp@<this version>`, or reinstall the extension.",
    );
  }
  const target = llamaSourcePath(o.dataDir, source.version);
  const kept = await fs.stat(target).then(
    () => true,
    () => false,
  );
  if (kept) {
    const integrity = await sha512Integrity(target, o.signal);
    if (integrity === undefined) return { status: "cancelled" };
    if (integrity === source.integrity) return { status: "ready", file: target, downloaded: false };
    await fs.rm(target, { force: true }); // changed since it was verified: fetch it again
  }
  const r = await downloadFile({
    ...o.download,
    url: gpuPackUrl(source, o.mirror),
    targetPath: target,
    expectedIntegrity: source.integrity,
    hints: {
      disk: "Free some space in the extension's storage (the source needs about 40 MB, the build about 1 GB) and try again.",
      source: `Check the network (or mixtral.gpu.packMirror), or build offline: run \`npm pack node-llama-cpp@${source.version}\` on a connected machine and pass the file (\`mixtral-local gpu-build --source FILE\`, or pick it when the command asks).`,
      write: "The extension's global storage folder is not writable; check its permissions.",
    },
    signal: o.signal,
    onProgress: o.onProgress,
  });
  if (r.status === "cancelled") return { status: "cancelled" };
  return { status: "ready", file: r.path, downloaded: true };
}

/** Puts the llama.cpp git bundle from --source where node-llama-cpp looks for it; returns whether
 *  it placed one (removed again after the build). A tarball must be node-llama-cpp's own, of the
 *  same version: another version's llama.cpp does not match this node-llama-cpp's addon. */
export async function placeSourceBundle(
  sourceFile: string,
  llamaDir: string,
  version: string,
  log: (line: string) => void,
): Promise<boolean> {
  const target = path.join(llamaDir, "gitRelease.bundle");
  if (existsSync(target)) return false;
  const temp = `${target}.${process.pid}.tmp`;
  if (sourceFile.endsWith(".bundle")) {
    await fs.copyFile(sourceFile, temp);
  } else {
    let pkg: { name?: string; version?: string } = {};
    const chunks: Buffer[] = [];
    await tar
      .t({
        file: sourceFile,
        filter: (p) => p === "package/package.json",
        onReadEntry: (e) => {
          e.on("data", (c: Buffer) => chunks.push(c));
        },
      })
      .catch((error: unknown) => {
        throw new GpuBuildError(`${sourceFile} is not a readable npm tarball: ${(error as Error).message}`);
      });
    try {
      pkg = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof pkg;
    } catch {
      /* checked below */
    }
    if (pkg.name !== "node-llama-cpp" || pkg.version !== version) {
      throw new GpuBuildError(
        `${sourceFile} holds ${pkg.name ?? "no package"}${pkg.version ? `@${pkg.version}` : ""}, not node-llama-cpp@${version}.`,
        `Make it with \`npm pack node-llama-cpp@${version}\`.`,
      );
    }
    const dir = `${temp}.d`;
    await fs.mkdir(dir, { recursive: true });
    try {
      await tar.x({ file: sourceFile, cwd: dir, strip: 2, filter: (p) => p === "package/llama/gitRelease.bundle" });
      if (!existsSync(path.join(dir, "gitRelease.bundle"))) throw new GpuBuildError(`${sourceFile} has no llama/gitRelease.bundle.`);
      await fs.rename(path.join(dir, "gitRelease.bundle"), temp);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  await fs.rename(temp, target);
  log(`llama.cpp source: the git bundle from ${sourceFile}`);
  return true;
}
