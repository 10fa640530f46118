// Installs, lists and removes GPU packs in the layout of packLayout.ts. A pack's tarball comes
// through the models' downloader (partial file, Range resume, stall timeouts, disk check, lock)
// with the manifest's size and sha512, or from a file made with `npm pack` (offline), checked
// against the same pinned hash. It is unpacked into a temporary folder beside its final place,
// its package.json checked, and renamed into place only when complete: an interrupted install
// (cancel, crash, full disk) never leaves anything at the path the engine loads from.
import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import * as path from "node:path";
import * as tar from "tar";
import { GpuPackError } from "../errors";
import { DownloadLock, isLockOwner } from "../models/downloadLock";
import { defaultFreeSpace, downloadFile, type DownloadOptions, type DownloadProgress } from "../models/downloader";
import { gpuPackDir, gpuPacksRoot } from "./packLayout";
import { readPackageJson, removeOtherGpuPackVersions } from "./packStore";
import { gpuPackUrl, type GpuPackEntry, type GpuPackManifest } from "./packManifest";

export type GpuPackProgress = DownloadProgress | { phase: "unpacking"; bytes: number; totalBytes: number };

export interface GpuPackInstallOptions {
  /** The extension's global storage (or the CLI's --data-dir). */
  dataDir: string;
  manifest: GpuPackManifest;
  pack: GpuPackEntry;
  /** Install from this tarball (made with `npm pack`) instead of downloading. */
  fromFile?: string;
  /** Replaces the registry's origin (mixtral.gpu.packMirror); the hash still comes from the manifest. */
  mirror?: string;
  signal?: AbortSignal;
  onProgress?: (p: GpuPackProgress) => void;
  /** Passed to the downloader (timeouts, retries; tests inject freeSpace). */
  download?: Partial<
    Pick<
      DownloadOptions,
      | "connectTimeoutMs"
      | "stallTimeoutMs"
      | "stallMinBytes"
      | "maxRetries"
      | "retryBaseDelayMs"
      | "maxRetryDelayMs"
      | "freeSpace"
      | "lockStaleMs"
    >
  >;
}

export type GpuPackInstallResult =
  | { status: "installed"; dir: string; root: string; removedVersions: string[] }
  | { status: "cancelled"; downloadedBytes: number; totalBytes?: number };

const DOWNLOAD_HINTS = {
  disk: "Free some space in the extension's storage and run Mixtral: Enable GPU Acceleration… again.",
  source:
    "Check the network (or mixtral.gpu.packMirror), or install offline: run `npm pack` for the package on a connected machine and use Mixtral: Install GPU Pack from File….",
  write: "The extension's global storage folder is not writable; check its permissions.",
};

export async function installGpuPack(o: GpuPackInstallOptions): Promise<GpuPackInstallResult> {
  const root = gpuPacksRoot(o.dataDir, o.manifest.nodeLlamaCppVersion);
  const removedVersions = await removeOtherGpuPackVersions(o.dataDir, o.manifest.nodeLlamaCppVersion);
  await fs.mkdir(root, { recursive: true });
  const lock = await DownloadLock.acquire(path.join(root, `${o.pack.name}.install.lock`), { staleMs: o.download?.lockStaleMs });
  if (isLockOwner(lock)) {
    throw new GpuPackError(
      `The ${o.pack.name} GPU pack is already being installed by another window or process (pid ${lock.pid} on ${lock.host}).`,
      "Wait for that install to finish; the engine uses the pack once it is in place.",
    );
  }
  try {
    let tarball: string;
    let downloaded = false;
    if (o.fromFile) {
      tarball = path.resolve(o.fromFile);
      if (!(await verifyTarball(tarball, o.pack, o.signal))) return { status: "cancelled", downloadedBytes: 0 };
    } else {
      const r = await downloadFile({
        ...o.download,
        url: gpuPackUrl(o.pack, o.mirror),
        targetPath: path.join(root, "downloads", `${o.pack.name}-${o.pack.version}.tgz`),
        expectedSize: o.pack.size,
        expectedIntegrity: o.pack.integrity,
        hints: DOWNLOAD_HINTS,
        signal: o.signal,
        onProgress: o.onProgress,
      });
      if (r.status === "cancelled") return r;
      tarball = r.path;
      downloaded = true;
      // A tarball already at the final download path (an install cut between download and unpack)
      // was verified before its rename; it is checked again because it is about to be trusted.
      if (!r.verifiedIntegrity && !(await verifyTarball(tarball, o.pack, o.signal)))
        return { status: "cancelled", downloadedBytes: r.sizeBytes, totalBytes: r.sizeBytes };
    }
    if (o.signal?.aborted) return { status: "cancelled", downloadedBytes: o.pack.size, totalBytes: o.pack.size };
    const dir = await unpackIntoPlace(root, o, tarball);
    if (!dir) return { status: "cancelled", downloadedBytes: o.pack.size, totalBytes: o.pack.size };
    if (downloaded) await fs.rm(tarball, { force: true });
    return { status: "installed", dir, root, removedVersions };
  } finally {
    await lock.release();
  }
}

/** Checks a tarball's size and sha512 against the manifest; a mismatch says what the file is.
 *  False when `signal` aborted the check. */
export async function verifyTarball(file: string, pack: GpuPackEntry, signal?: AbortSignal): Promise<boolean> {
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (err) {
    throw new GpuPackError(
      `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`,
      `Pick the tarball made with \`npm pack @node-llama-cpp/${pack.name}@${pack.version}\`.`,
    );
  }
  const integrity = size === pack.size ? await sha512Integrity(file, signal) : undefined;
  if (integrity === pack.integrity) return true;
  if (signal?.aborted) return false;
  const held = await readTarballPackage(file);
  const what = held ? `it holds ${held.name}@${held.version}` : "it is not an npm package tarball";
  const needs = `@node-llama-cpp/${pack.name}@${pack.version}`;
  throw new GpuPackError(
    held?.name === `@node-llama-cpp/${pack.name}` && held.version !== pack.version
      ? `${path.basename(file)} is the wrong version: ${what}, but this extension uses node-llama-cpp ${pack.version} and needs ${needs}. Nothing was installed.`
      : `${path.basename(file)} is not the pinned ${needs} (${size === pack.size ? "its sha512 differs" : `${size} bytes instead of ${pack.size}`}; ${what}). Nothing was installed.`,
    `On a machine with the npm registry run \`npm pack ${needs}\`, and install the .tgz it writes; a file that was changed or is a different build is refused.`,
  );
}

async function unpackIntoPlace(root: string, o: GpuPackInstallOptions, tarball: string): Promise<string | undefined> {
  const { pack } = o;
  const final = gpuPackDir(root, pack.name);
  const parent = path.dirname(final);
  await fs.mkdir(parent, { recursive: true });
  await removeLeftovers(parent, pack.name);
  const free = await (o.download?.freeSpace ?? defaultFreeSpace)(parent);
  if (free < pack.unpackedSize) {
    throw new GpuPackError(
      `Not enough disk space to unpack the ${pack.name} GPU pack: it needs ${mb(pack.unpackedSize)}, ${mb(free)} are free in ${parent}. Nothing was installed.`,
      DOWNLOAD_HINTS.disk,
    );
  }
  const tmp = await fs.mkdtemp(path.join(parent, `.${pack.name}.unpacking-`));
  try {
    let done = 0;
    try {
      // npm tarballs hold one folder, package/; tar refuses absolute paths and "..".
      await tar.x({
        file: tarball,
        cwd: tmp,
        strip: 1,
        onReadEntry: (e) => {
          done += e.size ?? 0;
          o.onProgress?.({ phase: "unpacking", bytes: done, totalBytes: pack.unpackedSize });
        },
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOSPC")
        throw new GpuPackError(
          `The disk filled up while unpacking the ${pack.name} GPU pack into ${parent}. Nothing was installed.`,
          DOWNLOAD_HINTS.disk,
        );
      throw new GpuPackError(
        `Unpacking the ${pack.name} GPU pack failed: ${err instanceof Error ? err.message : String(err)}. Nothing was installed.`,
        "Run the install again.",
      );
    }
    if (o.signal?.aborted) return undefined;
    const held = await readPackageJson(tmp);
    if (held?.name !== `@node-llama-cpp/${pack.name}` || held.version !== pack.version) {
      throw new GpuPackError(
        `The ${pack.name} GPU pack holds ${held ? `${held.name}@${held.version}` : "no package.json"}, not @node-llama-cpp/${pack.name}@${pack.version}. Nothing was installed.`,
        "The pack does not match this extension's node-llama-cpp; reinstall the extension or install the pack of its version.",
      );
    }
    // Replacing an installed pack: move it aside first (rename is atomic, delete is not).
    const old = `${tmp}.old`;
    const hadOld = await fs.rename(final, old).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return false;
        throw err;
      },
    );
    await fs.rename(tmp, final);
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
    return final;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function removeLeftovers(parent: string, name: string): Promise<void> {
  for (const entry of await fs.readdir(parent).catch(() => [] as string[])) {
    if (entry.startsWith(`.${name}.unpacking-`)) await fs.rm(path.join(parent, entry), { recursive: true, force: true });
  }
}

/** package/package.json of an npm tarball (only to say what a refused file is). */
async function readTarballPackage(file: string): Promise<{ name: string; version: string } | undefined> {
  const chunks: Buffer[] = [];
  try {
    await tar.t({
      file,
      filter: (p) => p === "package/package.json",
      onReadEntry: (e) => {
        e.on("data", (c: Buffer) => chunks.push(c));
      },
    });
    const pkg = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { name?: unknown; version?: unknown };
    return { name: String(pkg.name), version: String(pkg.version) };
  } catch {
    return undefined;
  }
}

/** The file's sha512 as an SRI string; undefined when `signal` aborted the read. */
export async function sha512Integrity(file: string, signal?: AbortSignal): Promise<string | undefined> {
  const hash = createHash("sha512");
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) {
    if (signal?.aborted) return undefined;
    hash.update(chunk as Buffer);
  }
  return `sha512-${hash.digest("base64")}`;
}

function mb(bytes: number): string {
  return `${Math.ceil(bytes / 1e6)} MB`;
}
