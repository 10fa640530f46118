// The pinned GPU pack manifest (dist/gpu-packs.json, written at package time by
// scripts/lib/gpuPacks.mjs): node-llama-cpp's GPU binary packages for this build's platform, at
// exactly the node-llama-cpp version it ships. The VSIX is the trust anchor: a pack is installed
// only if its tarball has the size and sha512 recorded here; nothing from the registry's metadata
// is read at run time. This module parses and validates it and picks the pack for a machine.
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { GpuPackError } from "../errors";

/** Backends in the order a machine with an NVIDIA card tries them: CUDA 13, CUDA 12, Vulkan. */
export const GPU_PACK_BACKENDS = ["cuda", "cuda-ext", "vulkan"] as const;
export type GpuPackBackend = (typeof GPU_PACK_BACKENDS)[number];

export interface GpuPackEntry {
  /** Package name under @node-llama-cpp, e.g. "linux-x64-cuda"; also the installed folder's name. */
  name: string;
  /** Equal to the manifest's nodeLlamaCppVersion (node-llama-cpp refuses any other). */
  version: string;
  backend: GpuPackBackend;
  /** The tarball's URL on the npm registry (a mirror may replace its origin, not its path). */
  tarball: string;
  /** Bytes of the tarball. */
  size: number;
  /** Bytes once unpacked (for the disk check before unpacking). */
  unpackedSize: number;
  /** Subresource-integrity sha512 ("sha512-<base64>") as the registry gave it, checked at package time. */
  integrity: string;
}

/** node-llama-cpp's own npm tarball: it carries the llama.cpp source (llama/gitRelease.bundle)
 *  that "Build GPU Support for This Machine" needs and the VSIX leaves out (35 MB). */
export interface LlamaSourceEntry {
  name: "node-llama-cpp";
  version: string;
  tarball: string;
  /** sha512 SRI from package-lock.json (what npm verified when it installed the shipped package). */
  integrity: string;
}

export interface GpuPackManifest {
  nodeLlamaCppVersion: string;
  /** The VSIX target it was written for, e.g. "linux-x64". */
  target: string;
  packs: GpuPackEntry[];
  /** Absent in manifests written before it existed. */
  source?: LlamaSourceEntry;
}

/** The manifest's file name inside dist/ (beside extension.js and cli.js). */
export const GPU_PACK_MANIFEST_FILE = "gpu-packs.json";

const SRI_SHA512 = /^sha512-[A-Za-z0-9+/]{86}==$/;
const PACK_NAME = /^[a-z0-9][a-z0-9-]*$/;
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** Validates a parsed manifest; throws GpuPackError naming the first bad field. */
export function parseGpuPackManifest(raw: unknown): GpuPackManifest {
  const bad = (what: string): never => {
    throw new GpuPackError(`The GPU pack list of this installation is damaged (${what}).`, "Reinstall the extension.");
  };
  if (!isObject(raw) || raw.schema !== 1) bad("unknown schema");
  const m = raw as Record<string, unknown>;
  if (typeof m.nodeLlamaCppVersion !== "string" || !VERSION.test(m.nodeLlamaCppVersion)) bad("nodeLlamaCppVersion");
  if (typeof m.target !== "string" || !m.target) bad("target");
  if (!Array.isArray(m.packs)) bad("packs");
  const packs = (m.packs as unknown[]).map((p, i): GpuPackEntry => {
    if (!isObject(p)) return bad(`packs[${i}]`);
    const { name, version, backend, tarball, size, unpackedSize, integrity } = p;
    if (typeof name !== "string" || !PACK_NAME.test(name)) bad(`packs[${i}].name`);
    if (version !== m.nodeLlamaCppVersion)
      bad(`packs[${i}].version ${String(version)} is not node-llama-cpp's ${String(m.nodeLlamaCppVersion)}`);
    if (!GPU_PACK_BACKENDS.includes(backend as GpuPackBackend)) bad(`packs[${i}].backend`);
    if (typeof tarball !== "string" || !/^https?:\/\//.test(tarball)) bad(`packs[${i}].tarball`);
    if (!isSize(size) || !isSize(unpackedSize)) bad(`packs[${i}].size`);
    if (typeof integrity !== "string" || !SRI_SHA512.test(integrity)) bad(`packs[${i}].integrity`);
    return { name, version, backend, tarball, size, unpackedSize, integrity } as GpuPackEntry;
  });
  let source: LlamaSourceEntry | undefined;
  if (m.source !== undefined) {
    const src = m.source;
    if (!isObject(src) || src.name !== "node-llama-cpp") return bad("source");
    if (src.version !== m.nodeLlamaCppVersion)
      bad(`source.version ${String(src.version)} is not node-llama-cpp's ${String(m.nodeLlamaCppVersion)}`);
    if (typeof src.tarball !== "string" || !/^https?:\/\//.test(src.tarball)) bad("source.tarball");
    if (typeof src.integrity !== "string" || !SRI_SHA512.test(src.integrity)) bad("source.integrity");
    source = { name: "node-llama-cpp", version: src.version as string, tarball: src.tarball as string, integrity: src.integrity as string };
  }
  return { nodeLlamaCppVersion: m.nodeLlamaCppVersion as string, target: m.target as string, packs, ...(source ? { source } : {}) };
}

/** Reads dist/gpu-packs.json from `distDir`; a build without one (a dev build offline) has no packs. */
export async function loadGpuPackManifest(distDir: string): Promise<GpuPackManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(distDir, GPU_PACK_MANIFEST_FILE), "utf8");
  } catch {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new GpuPackError("The GPU pack list of this installation is not valid JSON.", "Reinstall the extension.");
  }
  return parseGpuPackManifest(raw);
}

/** What the host knows about the machine's GPU without native code (nvidia-smi; amdgpu's sysfs files). */
export interface GpuVendorInfo {
  /** "nvidia" when nvidia-smi found a card; "other" for a GPU known by other means (an AMD card); none: no GPU seen. */
  vendor?: "nvidia" | "other";
}

/** The packs worth installing on this machine, best first: NVIDIA → CUDA, CUDA 12, Vulkan; any
 *  other detected GPU → Vulkan; no GPU → none. Only packs of this build's manifest are offered. */
export function fittingGpuPacks(manifest: GpuPackManifest | undefined, gpu: GpuVendorInfo): GpuPackEntry[] {
  if (!manifest || !gpu.vendor) return [];
  const order: readonly GpuPackBackend[] = gpu.vendor === "nvidia" ? GPU_PACK_BACKENDS : ["vulkan"];
  return order.map((b) => manifest.packs.find((p) => p.backend === b)).filter((p): p is GpuPackEntry => !!p);
}

/** The pack for a backend the user named (e.g. `--backend vulkan`), or a message listing the choices. */
export function gpuPackForBackend(manifest: GpuPackManifest | undefined, backend: string): GpuPackEntry {
  const pack = manifest?.packs.find((p) => p.backend === backend);
  if (pack) return pack;
  const have = manifest?.packs.map((p) => p.backend) ?? [];
  throw new GpuPackError(
    have.length
      ? `There is no ${backend} GPU pack for this platform; there are: ${have.join(", ")}.`
      : `node-llama-cpp publishes no GPU packs for this platform (${manifest?.target ?? `${process.platform}-${process.arch}`}).`,
    have.length ? `Pick one of ${have.join(", ")}.` : "The CPU build (or Metal on Apple silicon) is the only one here.",
  );
}

/** Where to fetch a pack: the registry URL from the manifest, or the same path under `mirror`
 *  (a corporate npm mirror such as Artifactory or Verdaccio keeps the registry's path layout).
 *  The size and hash always come from the manifest, so a mirror cannot change what is installed. */
export function gpuPackUrl(pack: Pick<GpuPackEntry, "tarball">, mirror?: string): string {
  if (!mirror) return pack.tarball;
  let base: URL;
  try {
    base = new URL(mirror.endsWith("/") ? mirror : `${mirror}/`);
  } catch {
    throw new GpuPackError(
      `The GPU pack mirror "${mirror}" is not a URL.`,
      "Set mixtral.gpu.packMirror to an http(s) URL of an npm registry mirror, or clear it to use registry.npmjs.org.",
    );
  }
  if (base.protocol !== "https:" && base.protocol !== "http:")
    throw new GpuPackError(
      `The GPU pack mirror "${mirror}" is not an http(s) URL.`,
      "Set mixtral.gpu.packMirror to an http(s) URL, or clear it.",
    );
  return new URL(new URL(pack.tarball).pathname.replace(/^\//, ""), base).toString();
}

/** "CUDA", "CUDA 12", "Vulkan": the backend as the user reads it. */
export function gpuBackendLabel(backend: GpuPackBackend): string {
  return backend === "cuda" ? "CUDA" : backend === "cuda-ext" ? "CUDA 12" : "Vulkan";
}

/** "CUDA, 143 MB": what the offer shows. Megabytes as the registry counts them (10^6). */
export function describeGpuPack(pack: GpuPackEntry): string {
  return `${gpuBackendLabel(pack.backend)}, ${Math.round(pack.size / 1e6)} MB`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSize(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0;
}
