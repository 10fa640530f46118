// `mixtral-local gpu-pack list | install | remove`: node-llama-cpp's GPU binaries (CUDA, CUDA 12,
// Vulkan) for headless machines and SSH remotes, installed into the same folder the extension
// uses (src/core/config/extensionDataDir.ts), pinned by the manifest this build carries.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { resolveExtensionDataDir, type ResolvedDataDir } from "../../core/config/extensionDataDir";
import { GpuPackError, MixtralError } from "../../core/errors";
import { installGpuPack, verifyTarball, type GpuPackProgress } from "../../core/gpu/packInstaller";
import { removeGpuPacks } from "../../core/gpu/packStore";
import {
  describeGpuPack,
  gpuPackForBackend,
  loadGpuPackManifest,
  type GpuPackEntry,
  type GpuPackManifest,
} from "../../core/gpu/packManifest";
import { gpuPackStatus, gpuVendorOf } from "../../core/gpu/packStatus";
import { detectMachine } from "../../core/models/machineInfo";

const USAGE =
  "usage: mixtral-local gpu-pack list [--json] [--data-dir DIR]\n" +
  "       mixtral-local gpu-pack install [--backend cuda|cuda-ext|vulkan] [--from FILE] [--mirror URL] [--data-dir DIR]\n" +
  "       mixtral-local gpu-pack remove [--backend cuda|cuda-ext|vulkan] [--data-dir DIR]\n" +
  "  --backend   which pack (default: the best one for the GPU nvidia-smi finds)\n" +
  "  --from      install offline from a tarball made with `npm pack @node-llama-cpp/<name>@<version>`\n" +
  "  --mirror    an npm registry mirror to download from (the pinned sha512 is still checked)\n" +
  "  --data-dir  the extension's global storage folder (default: found as VS Code Server, code-server or VS Code would place it)\n";

/** The manifest next to this bundle (dist/gpu-packs.json beside dist/cli.js). */
export function cliGpuPackManifest(): Promise<GpuPackManifest | undefined> {
  return loadGpuPackManifest(__dirname);
}

export async function run(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  let opts: { backend?: string; from?: string; mirror?: string; "data-dir"?: string; json?: boolean; help?: boolean };
  try {
    opts = parseArgs({
      args: rest,
      options: {
        backend: { type: "string" },
        from: { type: "string" },
        mirror: { type: "string" },
        "data-dir": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`mixtral-local gpu-pack: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts.help || !verb || verb === "help") {
    process.stdout.write(USAGE);
    return verb && verb !== "help" ? 2 : 0;
  }
  const data = resolveExtensionDataDir({ dataDir: opts["data-dir"] });
  const manifest = await cliGpuPackManifest();
  try {
    if (verb === "list") return await list(data, manifest, !!opts.json);
    if (verb === "install") return await install(data, manifest, opts);
    if (verb === "remove") return await remove(data, manifest, opts.backend);
  } catch (err) {
    if (!(err instanceof MixtralError)) throw err;
    process.stderr.write(`mixtral-local gpu-pack: ${err.message}\n${err.hint ? `${err.hint}\n` : ""}`);
    return 1;
  }
  process.stderr.write(`mixtral-local gpu-pack: unknown subcommand ${verb}\n${USAGE}`);
  return 2;
}

async function list(data: ResolvedDataDir, manifest: GpuPackManifest | undefined, json: boolean): Promise<number> {
  const machine = await detectMachine();
  const status = await gpuPackStatus(data.dir, manifest, gpuVendorOf(machine.gpu));
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ dataDir: data.dir, dataDirSource: data.source, gpu: machine.gpu?.name, ...status }, null, 2)}\n`,
    );
    return 0;
  }
  const lines = [
    `Data folder: ${data.dir} (${data.source}${data.exists ? "" : ", not created yet"})`,
    `GPU: ${machine.gpu?.name ?? machine.gpuSource}`,
  ];
  if (!manifest) lines.push("This build pins no GPU packs (no dist/gpu-packs.json).");
  for (const p of status.available) {
    const installed = status.installed.some((i) => i.name === p.name);
    lines.push(
      `  ${installed ? "installed" : "available"}  ${p.backend.padEnd(8)} @node-llama-cpp/${p.name}@${p.version}  ${describeGpuPack(p)}${p === status.offer ? "  ← fits this machine" : ""}`,
    );
  }
  for (const b of status.localBuilds) lines.push(`  built      ${b.name} on this machine (used before a pack of its name): ${b.dir}`);
  if (manifest && !status.available.length) lines.push(`node-llama-cpp publishes no GPU packs for ${manifest.target}.`);
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

async function install(
  data: ResolvedDataDir,
  manifest: GpuPackManifest | undefined,
  opts: { backend?: string; from?: string; mirror?: string },
): Promise<number> {
  const pack = await choosePack(manifest, opts);
  if (!manifest)
    throw new GpuPackError(
      "This build pins no GPU packs (no dist/gpu-packs.json).",
      "Use a packaged extension (VSIX), or build with the npm registry reachable.",
    );
  if (!data.exists && data.source !== "--data-dir") {
    throw new GpuPackError(
      `The extension has not run on this machine yet: no folder at ${data.dir} (nor in ${data.candidates.length - 1} other places VS Code, VS Code Server and code-server use).`,
      "Open VS Code (or connect to this machine) with the extension installed once, or pass --data-dir with the extension's global storage folder.",
    );
  }
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once("SIGINT", onSigint);
  process.stderr.write(
    `Installing @node-llama-cpp/${pack.name}@${pack.version} (${describeGpuPack(pack)}) into ${data.dir}${opts.from ? ` from ${opts.from}` : ""}...\n`,
  );
  try {
    const r = await installGpuPack({
      dataDir: data.dir,
      manifest,
      pack,
      fromFile: opts.from,
      mirror: opts.mirror,
      signal: ac.signal,
      onProgress: progressPrinter(),
    });
    if (r.status === "cancelled") {
      process.stderr.write(
        `\nCancelled: nothing was installed${r.downloadedBytes ? `; ${Math.round(r.downloadedBytes / 1e6)} MB downloaded are kept and the same command resumes` : ""}.\n`,
      );
      return 130;
    }
    process.stderr.write(
      `\nInstalled: ${r.dir}\n${r.removedVersions.length ? `Removed packs of other node-llama-cpp versions: ${r.removedVersions.join(", ")}\n` : ""}The extension's engine uses it when it next starts (Mixtral: Restart Engine, or reload the window).\n`,
    );
    return 0;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** --backend, else the pack --from holds (matched by size, then checked by hash), else the best
 *  pack for the GPU detectMachine finds (NVIDIA: CUDA; AMD: Vulkan). */
async function choosePack(manifest: GpuPackManifest | undefined, opts: { backend?: string; from?: string }): Promise<GpuPackEntry> {
  if (opts.backend) return gpuPackForBackend(manifest, opts.backend);
  if (opts.from) {
    for (const p of manifest?.packs ?? []) {
      if (await verifyTarball(path.resolve(opts.from), p).catch(() => false)) return p;
    }
    throw new GpuPackError(
      `${opts.from} is none of the GPU packs this build pins (${manifest?.packs.map((p) => `@node-llama-cpp/${p.name}@${p.version}`).join(", ") || "none"}).`,
      "Pass --backend to hear what differs, and make the file with `npm pack` of exactly that package and version.",
    );
  }
  const machine = await detectMachine();
  const status = await gpuPackStatus("", manifest, gpuVendorOf(machine.gpu));
  if (!status.available.length || !gpuVendorOf(machine.gpu).vendor) {
    throw new GpuPackError(
      "No GPU is found here (no NVIDIA card through nvidia-smi, no AMD card through the amdgpu driver), so no pack is picked automatically.",
      `Name one with --backend (${manifest?.packs.map((p) => p.backend).join(", ") || "none for this platform"}); Vulkan serves AMD and Intel GPUs.`,
    );
  }
  return status.available[0];
}

async function remove(data: ResolvedDataDir, manifest: GpuPackManifest | undefined, backend?: string): Promise<number> {
  const version = manifest?.nodeLlamaCppVersion ?? "";
  const name = backend ? gpuPackForBackend(manifest, backend).name : undefined;
  const removed = await removeGpuPacks(data.dir, version, name);
  process.stdout.write(removed.length ? `Removed: ${removed.join(", ")}\n` : "No GPU packs were installed.\n");
  return 0;
}

function progressPrinter(): (p: GpuPackProgress) => void {
  let last = "";
  return (p) => {
    const pct = p.totalBytes ? Math.floor((100 * p.bytes) / p.totalBytes / 10) * 10 : 0;
    const line = `${p.phase} ${pct} %`;
    if (line !== last) process.stderr.write(`${last ? ", " : ""}${line}`);
    last = line;
  };
}
