// The model picker (`mixtral.selectModel`): every quantization level with its size, the memory it
// needs here with the GPU-layer split, whether it fits and its quality cost; downloading with a
// cancellable progress notification; choosing a GGUF already on disk (and upgrading an old-layout
// one in place). The work is in src/core/models; this file is only the VS Code side of it.
import * as path from "node:path";
import * as vscode from "vscode";
import { defaultModelsDirectory } from "../../core/config/extensionDataDir";
import { DownloadFailedError, MixtralError } from "../../core/errors";
import { planningMachine, readGpuEvidence } from "../../core/gpu/gpuUsability";
import { GPU_PACKS_ENV } from "../../core/gpu/packLayout";
import { QUANT_LEVELS, UNQUANTIZED_GUIDANCE, type QuantLevelId } from "../../core/models/catalog";
import { chooseAutoQuantization, fmtGB } from "../../core/models/fit";
import { describeLevelRows } from "../../core/models/levelRows";
import { detectMachine, type DetectedMachine } from "../../core/models/machineInfo";
import { fileNameFor, licencePageUrl, parseModelSource, resolveFileUrl } from "../../core/models/modelSource";
import { resolveModel, type ResolvedModel } from "../../core/models/resolveModel";
import { SECTION } from "../Config";
import { engineGpuPackEnv } from "../gpu/GpuAcceleration";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";
import { testRecords } from "../testRecords";
import { downloadWithProgress } from "./downloadWithProgress";
import { chooseModelFile, offerLayoutUpgrade } from "./modelFile";
import { PausedDownloads, type DownloadState, type PickItem } from "./PausedDownloads";

export class ModelManager extends Disposable {
  private machine?: Promise<DetectedMachine>;
  private readonly downloads = new Map<string, Promise<string | undefined>>();
  private readonly downloadEmitter = this._register(new vscode.EventEmitter<DownloadState>());
  /** For the status bar: "downloading 37 %". */
  readonly onDidChangeDownload = this.downloadEmitter.event;
  /** Interrupted downloads found on disk: the picker's "paused" rows, the status bar's Resume. */
  readonly paused: PausedDownloads;

  constructor(private readonly services: Services) {
    super();
    this.paused = this._register(new PausedDownloads(services, this));
  }

  /** Downloads running now. */
  get runningDownloads(): number {
    return this.downloads.size;
  }

  /** Every notification about models goes through here, so tests can read what the user saw. */
  tell(kind: "info" | "warning" | "error", message: string, ...actions: string[]): Thenable<string | undefined> {
    if (MIXTRAL_TEST_HOOKS) testRecords.modelMessages = [...testRecords.modelMessages, message].slice(-20);
    if (kind === "info") return vscode.window.showInformationMessage(message, ...actions);
    return kind === "warning" ? vscode.window.showWarningMessage(message, ...actions) : vscode.window.showErrorMessage(message, ...actions);
  }

  /** Where downloads go: mixtral.modelsDirectory, else the extension's global storage. */
  get modelsDirectory(): string {
    return this.services.config.settings.modelsDirectory || defaultModelsDirectory(this.services.context.globalStorageUri.fsPath);
  }

  /** This machine, with what the engine measured at its last load taking precedence for the GPU. */
  async machineInfo(): Promise<DetectedMachine> {
    this.machine ??= detectMachine();
    const m = { ...(await this.machine) };
    const info = this.services.engine.status().info;
    if (info && info.backend !== "cpu" && info.backend !== "remote" && info.vramTotalBytes) {
      m.gpu = {
        name: info.gpuName ?? info.backend,
        backend: info.backend,
        vramTotalBytes: info.vramTotalBytes,
        unifiedMemory: info.backend === "metal",
      };
      m.gpuSource = "node-llama-cpp (last load)";
    }
    return m;
  }

  /** The machine as the fit check, `auto` and the layer split must see it: the card's VRAM only
   *  when a GPU backend can use it (GPU binaries present and not failed their decode test, or a
   *  GPU in use now); otherwise RAM only, with the reason in gpuSource. */
  async fitMachineInfo(): Promise<DetectedMachine> {
    const m = await this.machineInfo();
    const { context, config } = this.services;
    const evidence = readGpuEvidence(
      engineGpuPackEnv(context)[GPU_PACKS_ENV],
      context.asAbsolutePath(path.join("node_modules", "@node-llama-cpp")),
    );
    return planningMachine(m, {
      ...evidence,
      backendSetting: config.settings.backend,
      loadedBackend: this.services.engine.status().info?.backend,
    });
  }

  /** The file the engine should load for the current settings (for LoadOptions.modelPath). */
  async resolveModel(): Promise<ResolvedModel> {
    return resolveModel(this.services.config.settings, this.modelsDirectory, await this.fitMachineInfo());
  }

  /** `mixtral.selectModel`. */
  async selectModel(): Promise<void> {
    const settings = this.services.config.settings;
    const machine = await this.fitMachineInfo();
    const fit = { contextSize: settings.contextSize, gpuLayers: settings.gpuLayers, flashAttention: settings.flashAttention !== "off" };
    const auto = chooseAutoQuantization(machine, fit);
    let source: ReturnType<typeof parseModelSource> | undefined;
    try {
      source = parseModelSource(settings.modelSource);
    } catch (err) {
      void this.tell("warning", (err as Error).message);
    }
    const items: PickItem[] = [
      {
        label: "$(sparkle) Auto",
        description: auto.level ? `${auto.level.id} on this machine` : "nothing ≥ 3 bits fits",
        detail: auto.reason,
        picked: settings.quantization === "auto",
        run: () => this.useLevel("auto"),
      },
      {
        label: "$(folder-opened) Choose a GGUF File on Disk…",
        detail: settings.modelPath ? `now: ${settings.modelPath}` : undefined,
        run: () => this.chooseFile(),
      },
      { label: "Levels", kind: vscode.QuickPickItemKind.Separator },
    ];
    const installed = new Set<QuantLevelId>();
    for (const level of QUANT_LEVELS) {
      if (source && (await this.exists(path.join(this.modelsDirectory, fileNameFor(source, level.id))))) installed.add(level.id);
    }
    const partials = source ? await this.paused.scan(source) : new Map<QuantLevelId, never>();
    for (const row of describeLevelRows(machine, fit, (id) => installed.has(id))) {
      const partial = partials.get(row.level);
      if (partial) {
        items.push(this.paused.rowItem(row, partial, settings.quantization === row.level && !settings.modelPath));
        continue;
      }
      items.push({
        label: `${row.installed ? "$(check)" : row.estimate.fits ? "$(pass)" : "$(warning)"} ${row.level}`,
        description: row.description,
        detail: row.detail,
        picked: settings.quantization === row.level && !settings.modelPath,
        run: () => this.useLevel(row.level),
      });
    }
    items.push(...this.paused.discardItems(partials));
    if (MIXTRAL_TEST_HOOKS)
      testRecords.pickItems = items.map(({ label, description, detail, kind }) => ({
        label,
        description,
        detail,
        separator: kind === vscode.QuickPickItemKind.Separator,
      }));
    const pick = await vscode.window.showQuickPick(items, {
      title: "Mixtral: Select or Download Model",
      placeHolder: `Sizes are estimates; the hub's size and sha256 are checked at download. Unquantized guidance: ${UNQUANTIZED_GUIDANCE}.`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (MIXTRAL_TEST_HOOKS) {
      testRecords.pickerCloses++;
      testRecords.lastPicked = pick?.label;
    }
    await pick?.run?.();
  }

  /** Makes `level` the one in use, leaving `auto` alone when it already resolves to it. */
  async selectLevel(level: QuantLevelId): Promise<void> {
    const settings = this.services.config.settings;
    if (!settings.modelPath && settings.quantization === level) return;
    if (!settings.modelPath && settings.quantization === "auto" && (await this.resolveModel().catch(() => undefined))?.level === level)
      return;
    const cfg = vscode.workspace.getConfiguration(SECTION);
    if (settings.modelPath) await cfg.update("modelPath", undefined, vscode.ConfigurationTarget.Global);
    await cfg.update("quantization", level, vscode.ConfigurationTarget.Global);
  }

  /** Another window or the CLI finished the file: the engine may load it now. */
  installedElsewhere(level: QuantLevelId): void {
    this.services.log.info(`[download] Mixtral ${level} was completed by another window or process`);
    this.downloadEmitter.fire({ level, state: "done", fraction: 1 });
  }

  private async useLevel(level: QuantLevelId | "auto"): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    // A modelPath would win over the level, so picking a level clears it.
    if (this.services.config.settings.modelPath) await cfg.update("modelPath", undefined, vscode.ConfigurationTarget.Global);
    await cfg.update("quantization", level, vscode.ConfigurationTarget.Global);
    const resolved = await this.resolveModel().catch((err: unknown) => {
      void this.tell("warning", err instanceof Error ? err.message : String(err));
      return undefined;
    });
    if (!resolved || resolved.installed || !resolved.level) return;
    const answer = await this.tell(
      "info",
      `Mixtral ${resolved.level} is not downloaded yet (${fmtGB(QUANT_LEVELS.find((l) => l.id === resolved.level)!.sizeBytes)}).`,
      "Download",
      "Later",
    );
    if (answer === "Download") await this.download(resolved.level);
  }

  /** Downloads a level with a cancellable progress notification; resolves to the path, or
   *  undefined when cancelled or failed (after telling the user). One download per file. */
  download(level: QuantLevelId): Promise<string | undefined> {
    const source = parseModelSource(this.services.config.settings.modelSource);
    const target = path.join(this.modelsDirectory, fileNameFor(source, level));
    let running = this.downloads.get(target);
    if (!running) {
      running = this.runDownload(level, source, target).finally(() => this.downloads.delete(target));
      this.downloads.set(target, running);
    }
    return running;
  }

  private async runDownload(level: QuantLevelId, source: ReturnType<typeof parseModelSource>, target: string): Promise<string | undefined> {
    const url = resolveFileUrl(source, level);
    const origin = new URL(url).origin;
    const token = await this.services.context.secrets.get(tokenKey(origin));
    this.services.log.info(`[download] ${url} → ${target}`);
    try {
      const result = await downloadWithProgress(level, { url, target, token }, (state) => this.downloadEmitter.fire(state));
      if (result.status === "cancelled") {
        const fraction = result.totalBytes ? result.downloadedBytes / result.totalBytes : undefined;
        this.downloadEmitter.fire({ level, state: "cancelled", fraction });
        const done = `${fmtGB(result.downloadedBytes)}${result.totalBytes ? ` of ${fmtGB(result.totalBytes)}` : ""}`;
        this.services.log.info(`[download] cancelled at ${done}; the partial file is kept and resumes next time`);
        // Not awaited: the download call settles now; the button starts a new one that resumes.
        void this.tell(
          "info",
          `Download of Mixtral ${level} paused at ${done}. The partial file is kept; downloading again resumes where it stopped.`,
          "Resume",
        ).then((c) => {
          if (c === "Resume") void this.download(level);
        });
        return undefined;
      }
      this.downloadEmitter.fire({ level, state: "done", fraction: 1 });
      this.services.log.info(
        `[download] done: ${result.path} (${fmtGB(result.sizeBytes)}, sha256 ${result.verifiedSha256 ? "verified" : "not published: size checked"})`,
      );
      return result.path;
    } catch (err) {
      this.downloadEmitter.fire({ level, state: "failed" });
      return this.explainDownloadFailure(err, level, origin, source);
    }
  }

  private async explainDownloadFailure(
    err: unknown,
    level: QuantLevelId,
    origin: string,
    source: ReturnType<typeof parseModelSource>,
  ): Promise<string | undefined> {
    const message = err instanceof MixtralError ? `${err.message}${err.hint ? ` ${err.hint}` : ""}` : String(err);
    this.services.log.error(`[download] ${message}`);
    const needsToken = err instanceof DownloadFailedError && err.code === "downloadAuth";
    const actions = needsToken ? ["Set Token…", "Open Model Page"] : ["Retry", "Show Log"];
    const choice = await this.tell("error", message, ...actions);
    if (choice === "Retry") return this.download(level);
    if (choice === "Show Log") this.services.log.show();
    if (choice === "Open Model Page") {
      const page = licencePageUrl(source);
      if (page) void vscode.env.openExternal(vscode.Uri.parse(page));
    }
    if (choice === "Set Token…") {
      const token = await vscode.window.showInputBox({
        title: `Access token for ${origin}`,
        prompt: "Stored in VS Code's secret storage and sent only to this host.",
        password: true,
        ignoreFocusOut: true,
      });
      if (token) {
        await this.services.context.secrets.store(tokenKey(origin), token.trim());
        return this.download(level);
      }
    }
    return undefined;
  }

  /** Open dialog → checks the file → mixtral.modelPath (user settings: it names a path). */
  chooseFile(): Promise<void> {
    return chooseModelFile((m) => void this.tell("error", m), this.services.log);
  }

  /** The old-layout upgrade, with progress and cancel. Resolves true when the file is usable. */
  offerUpgrade(file: string): Promise<boolean> {
    return offerLayoutUpgrade(file, this.services.log);
  }

  private async exists(p: string): Promise<boolean> {
    try {
      return (await vscode.workspace.fs.stat(vscode.Uri.file(p))).type === vscode.FileType.File;
    } catch {
      return false;
    }
  }
}

/** SecretStorage key of the token for one origin (tokens never go to another host). */
export function tokenKey(origin: string): string {
  return `mixtral.downloadToken:${origin}`;
}
