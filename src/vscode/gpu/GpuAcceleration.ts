// GPU packs in VS Code: "Mixtral: Enable GPU Acceleration…", "Install GPU Pack from File…" and
// "Remove GPU Packs", the offer (status bar menu, doctor, walkthrough) when a GPU is found (nvidia-smi; amdgpu on Linux)
// and no pack for it is installed, and the engine restart that makes a new pack take effect.
// Installing, verifying and listing are src/core/gpu's; this file is the words and the progress.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { GpuPackError, MixtralError } from "../../core/errors";
import { installGpuPack, verifyTarball, type GpuPackProgress } from "../../core/gpu/packInstaller";
import { removeGpuPacks, removeOtherGpuPackVersions } from "../../core/gpu/packStore";
import { GPU_PACKS_ENV, gpuPacksRoot } from "../../core/gpu/packLayout";
import {
  describeGpuPack,
  gpuBackendLabel,
  gpuPackForBackend,
  loadGpuPackManifest,
  type GpuPackEntry,
  type GpuPackManifest,
} from "../../core/gpu/packManifest";
import { gpuPackStatus, gpuVendorOf, type GpuPackStatus } from "../../core/gpu/packStatus";
import type { DetectedMachine } from "../../core/models/machineInfo";
import { CommandIds } from "../commandIds";
import { ContextKeyOwner, ContextKeys } from "../contextKeys";
import { abortSignalFrom } from "../cancellation";
import { describeError, notifyError } from "../describeError";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";

/** What each pack needs from the system (none of them carries the CUDA runtime). */
const NEEDS: Record<GpuPackEntry["backend"], string> = {
  cuda: "needs the NVIDIA driver and the CUDA 13 runtime (cuBLAS)",
  "cuda-ext": "needs the NVIDIA driver and the CUDA 12 runtime (cuBLAS)",
  vulkan: "needs a Vulkan driver and loader (NVIDIA, AMD, Intel)",
};

/** The environment the engine child gets: the version folder its resolve hook loads packs from. */
export function engineGpuPackEnv(context: vscode.ExtensionContext): Record<string, string> {
  try {
    const pkg = JSON.parse(readFileSync(context.asAbsolutePath(path.join("node_modules", "node-llama-cpp", "package.json")), "utf8")) as {
      version: string;
    };
    return { [GPU_PACKS_ENV]: gpuPacksRoot(context.globalStorageUri.fsPath, pkg.version) };
  } catch {
    return {}; // no node-llama-cpp next to the extension: the engine will say so when it loads
  }
}

export class GpuAcceleration extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<GpuPackStatus>());
  private readonly offeredKey = this._register(new ContextKeyOwner(ContextKeys.gpuPackOffered));
  private readonly installedKey = this._register(new ContextKeyOwner(ContextKeys.gpuPackInstalled));
  /** Fires after every refresh (activation, install, remove). */
  readonly onDidChange = this.changed.event;
  private manifest: Promise<GpuPackManifest | undefined> | undefined;
  private busy = false;
  /** The status as last computed (undefined until the first refresh finishes). */
  current: GpuPackStatus | undefined;

  constructor(
    private readonly services: Services,
    private readonly machine: () => Promise<DetectedMachine>,
  ) {
    super();
    const reg = (id: string, fn: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(CommandIds.enableGpuAcceleration, (backend?: string) => this.enable(backend));
    reg(CommandIds.installGpuPackFromFile, (file?: vscode.Uri | string) => this.installFromFile(file));
    reg(CommandIds.removeGpuPacks, () => this.remove());
    void this.refresh(true);
  }

  private get dataDir(): string {
    return this.services.context.globalStorageUri.fsPath;
  }

  private loadManifest(): Promise<GpuPackManifest | undefined> {
    this.manifest ??= loadGpuPackManifest(this.services.context.asAbsolutePath("dist"));
    return this.manifest;
  }

  /** Recomputes what is installed and what to offer; at activation also deletes packs left by an
   *  older node-llama-cpp (an extension update), which node-llama-cpp would refuse anyway. */
  async refresh(cleanup = false): Promise<GpuPackStatus> {
    try {
      const manifest = await this.loadManifest();
      if (cleanup && manifest) {
        const removed = await removeOtherGpuPackVersions(this.dataDir, manifest.nodeLlamaCppVersion);
        if (removed.length)
          this.services.log.info(
            `[gpu] removed GPU packs of node-llama-cpp ${removed.join(", ")} (this version is ${manifest.nodeLlamaCppVersion})`,
          );
      }
      this.current = await gpuPackStatus(this.dataDir, manifest, gpuVendorOf((await this.machine()).gpu));
    } catch (err) {
      this.services.log.warn(`[gpu] ${err instanceof Error ? err.message : String(err)}`);
      this.current = { installed: [], localBuilds: [], available: [] };
    }
    this.offeredKey.set(!!this.current.offer);
    this.installedKey.set(this.current.installed.length + this.current.localBuilds.length > 0);
    this.changed.fire(this.current);
    return this.current;
  }

  /** "Enable GPU acceleration (CUDA, 143 MB)": the offer's words, when there is one. */
  offerLabel(): string | undefined {
    return this.current?.offer && `Enable GPU Acceleration (${describeGpuPack(this.current.offer)})`;
  }

  /** Installs the pack for `backend`, or the one the user picks (best for this GPU first). */
  async enable(backend?: string): Promise<boolean> {
    const status = await this.refresh();
    const manifest = await this.loadManifest();
    if (!manifest || status.available.length === 0) {
      void vscode.window.showInformationMessage(
        manifest
          ? `Mixtral: node-llama-cpp publishes no GPU packs for ${manifest.target}; the binaries in the extension (CPU, or Metal on Apple silicon) are the ones for this platform.`
          : "Mixtral: this build of the extension pins no GPU packs (no dist/gpu-packs.json); install the packaged extension (VSIX).",
      );
      return false;
    }
    let pack: GpuPackEntry | undefined;
    if (backend) {
      try {
        pack = gpuPackForBackend(manifest, backend);
      } catch (err) {
        return this.fail(err);
      }
    } else {
      const items = status.available.map((p) => ({
        pack: p,
        label: `${p === status.offer ? "$(star-full) " : ""}Enable GPU acceleration (${describeGpuPack(p)})`,
        description: status.installed.some((i) => i.name === p.name) ? "installed" : p === status.offer ? "fits this machine" : undefined,
        detail: `@node-llama-cpp/${p.name}@${p.version}: ${NEEDS[p.backend]}`,
      }));
      pack = (
        await vscode.window.showQuickPick(items, {
          title: "Mixtral: Enable GPU Acceleration",
          placeHolder: "node-llama-cpp's GPU build to install (checked against the hash pinned in this extension)",
        })
      )?.pack;
    }
    return pack ? this.install(manifest, pack) : false;
  }

  /** Offline: a tarball made with `npm pack @node-llama-cpp/<name>@<version>` on another machine. */
  async installFromFile(file?: vscode.Uri | string): Promise<boolean> {
    const manifest = await this.loadManifest();
    if (!manifest?.packs.length) return this.enable();
    const uri =
      typeof file === "string"
        ? vscode.Uri.file(file)
        : (file ??
          (
            await vscode.window.showOpenDialog({
              title: "Mixtral: Install GPU Pack from File",
              canSelectMany: false,
              filters: { "npm package": ["tgz"] },
            })
          )?.[0]);
    if (!uri) return false;
    // The file names no pack: it is matched by its size and sha512 against each pinned entry.
    let pack: GpuPackEntry | undefined;
    for (const p of manifest.packs) {
      if (await verifyTarball(uri.fsPath, p).catch(() => false)) pack = p;
    }
    if (!pack) {
      // Checked against the best candidate once more, for a message that says what the file is.
      const named = manifest.packs.find((p) => path.basename(uri.fsPath).includes(p.name)) ?? manifest.packs[0];
      try {
        await verifyTarball(uri.fsPath, named);
      } catch (err) {
        return this.fail(err);
      }
      return false;
    }
    return this.install(manifest, pack, uri.fsPath);
  }

  private async install(manifest: GpuPackManifest, pack: GpuPackEntry, fromFile?: string): Promise<boolean> {
    if (this.busy) {
      void vscode.window.showInformationMessage("Mixtral: a GPU pack is already being installed in this window.");
      return false;
    }
    this.busy = true;
    const label = describeGpuPack(pack);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Mixtral: GPU pack (${label})`, cancellable: true },
        async (progress, token) => {
          const ac = abortSignalFrom(token);
          let last = 0;
          let lastText = "";
          const onProgress = (p: GpuPackProgress) => {
            const fraction = p.totalBytes ? Math.min(1, p.bytes / p.totalBytes) : 0;
            const text = `${p.phase} ${Math.floor(fraction * 100)} %`;
            if (text === lastText) return; // one report per percent, not per 64 KiB chunk
            lastText = text;
            // The bar follows the download (most of the time); verifying and unpacking only say so.
            const increment = p.phase === "downloading" ? Math.max(0, (fraction - last) * 100) : undefined;
            if (p.phase === "downloading") last = fraction;
            progress.report({ message: text, increment });
          };
          try {
            return await installGpuPack({
              dataDir: this.dataDir,
              manifest,
              pack,
              fromFile,
              mirror: this.services.config.settings.gpuPackMirror || undefined,
              signal: ac.signal,
              onProgress,
            });
          } finally {
            ac.dispose();
          }
        },
      );
      if (result.status === "cancelled") {
        const kept = result.downloadedBytes
          ? ` ${Math.round(result.downloadedBytes / 1e6)} MB downloaded are kept; Enable GPU Acceleration resumes from there.`
          : "";
        void vscode.window.showInformationMessage(`Mixtral: GPU pack install cancelled; nothing was installed.${kept}`);
        return false;
      }
      this.services.log.info(
        `[gpu] installed @node-llama-cpp/${pack.name}@${pack.version} into ${result.dir}${result.removedVersions.length ? `; removed packs of ${result.removedVersions.join(", ")}` : ""}`,
      );
      await this.refresh();
      // A fresh engine process loads through the resolve hook with the new pack in place.
      this.services.engine.resetBackend(`GPU pack ${pack.name} installed`);
      void vscode.window.showInformationMessage(
        `Mixtral: ${gpuBackendLabel(pack.backend)} pack installed; the engine restarts with it on the next request. It ${NEEDS[pack.backend]}; without that, the engine falls back and says why.`,
      );
      return true;
    } catch (err) {
      return this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  async remove(): Promise<boolean> {
    const status = await this.refresh();
    if (!status.installed.length && !status.localBuilds.length) {
      void vscode.window.showInformationMessage("Mixtral: no GPU packs are installed.");
      return false;
    }
    const names = [...status.installed.map((p) => p.name), ...status.localBuilds.map((b) => `the local build ${b.name}`)].join(", ");
    const ok = await vscode.window.showWarningMessage(
      `Remove the GPU packs (${names})? The engine restarts with the extension's own binaries.`,
      { modal: true },
      "Remove",
    );
    if (ok !== "Remove") return false;
    // Stop the engine first: Windows keeps loaded libraries locked.
    this.services.engine.resetBackend("GPU packs removed");
    try {
      await removeGpuPacks(this.dataDir, status.nodeLlamaCppVersion ?? "");
    } catch (err) {
      return this.fail(err);
    }
    this.services.log.info(`[gpu] removed ${names}`);
    await this.refresh();
    void vscode.window.showInformationMessage(`Mixtral: removed ${names}.`);
    return true;
  }

  /** A failed install or removal, in the error table's words and actions. A download that failed
   *  (offline, a proxy) is a GPU pack failure here: its next step is a pack from a file. */
  private fail(err: unknown): false {
    const failure = err instanceof MixtralError && !(err instanceof GpuPackError) ? new GpuPackError(err.message, err.hint) : err;
    const d = describeError(failure);
    this.services.log.error(`[gpu] ${d.message}`);
    void notifyError(d);
    return false;
  }
}
