// The engine part of Services: owns the inference backend (the local engine child process or a
// remote server), loads the model on first use with progress, and tracks the status the status bar
// and chat header show. Restart Engine and Load Anyway are its commands.
import * as path from "node:path";
import * as vscode from "vscode";
import { ContextKeyOwner, ContextKeys } from "./contextKeys";
import { EngineClient } from "../core/engineClient/EngineClient";
import type { GenerateRequest, GenerateResult, InferenceBackend } from "../core/engineClient/types";
import { ModelNotInstalledError } from "../core/errors";
import { isRememberedFallback } from "../core/gpu/gpuFailure";
import type { LoadOptions, ModelInfo } from "../shared/engineProtocol";
import type { Config } from "./Config";
import { ACTIONS_BY_CODE, describeError, notifyError } from "./describeError";
import { Disposable, toDisposable } from "./lifecycle";
import { describeSpeculation, type PromptLog } from "./PromptLog";
import type { Engine, EngineStatus } from "./services";
import { engineGpuPackEnv } from "./gpu/GpuAcceleration";
import { createRemoteBackend } from "./remote/createRemoteBackend";

export class EngineHost extends Disposable implements Engine {
  private readonly statusEmitter = this._register(new vscode.EventEmitter<EngineStatus>());
  readonly onDidChangeStatus = this.statusEmitter.event;
  private current: EngineStatus;
  private client: EngineClient | undefined;
  private remote: InferenceBackend | undefined;
  private loading: Promise<InferenceBackend> | undefined;
  private loadedKey: string | undefined;
  private active = 0;
  private readonly shownNotices = new Set<string>();
  /** Remembered GPU verdicts already shown in this window: the status bar and the doctor keep them. */
  private readonly shownRemembered = new Set<string>();
  private readonly noModelKey = this._register(new ContextKeyOwner(ContextKeys.noModel));
  /** Set by "Load Anyway" after a memory refusal, for this window's session only. */
  private ignoreMemoryCheck = false;
  /** Set by the composition root: where the model for the current settings is (ModelManager). */
  modelResolver: (() => Promise<{ path: string; installed: boolean } | undefined>) | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
    /** Gets the engine's exact prompt token count for "Show Last Prompt". */
    private readonly prompts: PromptLog,
  ) {
    super();
    this.current = { state: "idle", engine: config.settings.engine };
    this._register(
      config.onDidChange(({ kind }) => {
        if (kind !== "engine") return;
        // Model, quantization, GPU layers, context…: the next request reloads with the new options.
        void this.reset("settings changed");
      }),
    );
    this._register(toDisposable(() => void this.reset("extension deactivated")));
    void this.refreshNoModel();
  }

  status(): EngineStatus {
    return this.current;
  }

  /** The local engine process's id while one runs (the extension-host tests read its environment). */
  get enginePid(): number | undefined {
    return this.client?.pid;
  }

  private setStatus(patch: Partial<EngineStatus>): void {
    // An error's code belongs to that error: a new state without one clears it.
    const code = patch.state === undefined ? this.current.code : patch.code;
    this.current = { ...this.current, ...patch, code, engine: this.config.settings.engine };
    this.noModelKey.set(this.current.state === "noModel");
    this.statusEmitter.fire(this.current);
  }

  private async refreshNoModel(): Promise<void> {
    if (this.config.settings.engine !== "local") return this.setStatus({ state: "idle", message: undefined });
    const model = await this.modelPath().catch(() => undefined);
    if (!model && this.current.state !== "ready") {
      this.setStatus({ state: "noModel", message: "No Mixtral model yet: run “Mixtral: Select or Download Model…”." });
    } else if (model && this.current.state === "noModel") {
      this.setStatus({ state: "idle", message: `Model: ${path.basename(model)} (loads on first use)` });
    }
  }

  async modelPath(): Promise<string | undefined> {
    const s = this.config.settings;
    if (s.modelPath) return s.modelPath;
    const resolved = await this.modelResolver?.();
    return resolved?.installed ? resolved.path : undefined;
  }

  private loadOptions(modelPath: string): LoadOptions {
    const s = this.config.settings;
    return {
      modelPath,
      backend: s.backend,
      gpuLayers: s.gpuLayers,
      contextSize: s.contextSize,
      expertsPerToken: s.expertsPerToken,
      threads: s.threads,
      flashAttention: s.flashAttention,
      useMmap: s.useMmap,
      loraAdapters: s.loraAdapters,
      ignoreMemoryCheck: this.ignoreMemoryCheck || undefined,
    };
  }

  async getBackend(signal?: AbortSignal): Promise<InferenceBackend> {
    const s = this.config.settings;
    if (s.engine !== "local") {
      this.remote ??= this.track(await createRemoteBackend(s, this.context.secrets, this.log));
      if (this.current.state !== "ready" && this.current.state !== "generating")
        this.setStatus({ state: "ready", message: `Remote ${s.engine} server: ${s.remoteUrl}` });
      return this.remote;
    }
    const modelPath = await this.modelPath();
    if (!modelPath) {
      this.setStatus({ state: "noModel", message: "No Mixtral model yet: run “Mixtral: Select or Download Model…”." });
      throw new ModelNotInstalledError(
        "No Mixtral model is installed yet.",
        "Run “Mixtral: Select or Download Model…” to download one or choose a GGUF file you already have.",
      );
    }
    const options = this.loadOptions(modelPath);
    const key = JSON.stringify(options);
    if (this.client && this.loadedKey === key && this.client.modelInfo()) return this.wrapped(this.client);
    if (this.loading && this.loadedKey === key) return this.loading;
    this.loadedKey = key;
    this.loading = this.load(options, signal).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(options: LoadOptions, signal?: AbortSignal): Promise<InferenceBackend> {
    const client = (this.client ??= this.createClient());
    this.setStatus({ state: "loading", progress: 0, message: `Loading ${path.basename(options.modelPath)}…` });
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: "Mixtral: loading model" }, async (progress) => {
        let lastPct = 0;
        await client.load(options, {
          signal,
          onProgress: (fraction: number, message?: string) => {
            const pct = Math.round(fraction * 100);
            // The engine names the slow steps (a GPU backend's decode test, loading weights).
            progress.report({ message: `${pct} %${message ? ` · ${message}` : ""}`, increment: pct - lastPct });
            lastPct = pct;
            this.setStatus({ state: "loading", progress: fraction });
          },
        });
      });
    } catch (err) {
      this.loadedKey = undefined;
      const d = describeError(err);
      this.setStatus({ state: "error", progress: undefined, message: d.message, code: d.code });
      throw err;
    }
    const info = client.modelInfo();
    this.showNotices(info, true);
    this.log.info(
      `[engine] loaded ${info?.fileName}: ${info?.description}; backend ${info?.backend}${info?.gpuName ? ` (${info.gpuName})` : ""}; context ${info?.contextSize}`,
    );
    this.setStatus({ state: "ready", progress: undefined, info, message: info ? `${info.fileName} · ${info.description}` : undefined });
    return this.wrapped(client);
  }

  /** A load's notices (a backend fallback, a clamped context…); after a transparent reload only
   *  the new ones. */
  private showNotices(info: ModelInfo | undefined, explicitLoad: boolean): void {
    if (explicitLoad) this.shownNotices.clear();
    for (const notice of info?.notices ?? []) {
      if (this.shownNotices.has(notice)) continue;
      this.shownNotices.add(notice);
      this.log.warn(`[engine] ${notice}`);
      // A verdict remembered from an earlier decode test pops up once per window, not on every load.
      if (isRememberedFallback(notice) && this.shownRemembered.has(notice)) continue;
      if (isRememberedFallback(notice)) this.shownRemembered.add(notice);
      void vscode.window.showWarningMessage(`Mixtral: ${notice}`);
    }
  }

  private createClient(): EngineClient {
    const client = new EngineClient({
      enginePath: this.context.asAbsolutePath(path.join("dist", "engine.js")),
      // The GPU packs folder for this node-llama-cpp version: the engine's resolve hook loads from it.
      env: engineGpuPackEnv(this.context),
      onLog: (level, message) => {
        const line = `[engine] ${message}`;
        if (level === "error") this.log.error(line);
        else if (level === "warn") this.log.warn(line);
        else if (level === "info") this.log.info(line);
        else if (level === "debug") this.log.debug(line);
        else this.log.trace(line);
      },
      idleUnloadMs: this.config.settings.idleUnloadMinutes * 60_000,
    });
    this._register(
      client.onDidChangeState((e) => {
        if (e.state === "crashed")
          this.setStatus({ state: "crashed", message: e.reason ?? "The engine process stopped; it restarts on the next request." });
        else if (e.state === "failed") {
          // Stopped for good until the user acts: say so once, with Restart Engine on the message.
          const message = e.reason ?? "The engine failed repeatedly.";
          this.setStatus({ state: "error", message, code: "engineStopped" });
          this.log.error(`[engine] ${message}`);
          void notifyError({ message, code: "engineStopped", actions: [...ACTIONS_BY_CODE.engineStopped] });
        } else if (e.state === "stopped" && this.current.state === "ready")
          this.setStatus({ state: "idle", message: e.reason ?? "Model unloaded (idle); it reloads on the next request." });
        else if (e.state === "ready" && (this.current.state === "crashed" || this.current.state === "idle")) {
          // A reload after a crash may have fallen back past a GPU backend that aborted: say so.
          this.showNotices(client.modelInfo(), false);
          this.setStatus({ state: "ready", info: client.modelInfo(), message: undefined });
        }
      }),
    );
    return client;
  }

  /** Tracks "generating" state and speed around any backend's generate. */
  private wrapped(backend: InferenceBackend): InferenceBackend {
    const generate = async (request: GenerateRequest, onChunk: (t: string) => void, signal?: AbortSignal): Promise<GenerateResult> => {
      const visible = request.slot === "chat";
      // The status bar's "generating"; the chat view's Stop is the view's own (ChatController).
      if (visible && this.active++ === 0) this.setStatus({ state: "generating" });
      try {
        // mixtral.speculativeDecoding, read per request (a hot setting); remote engines ignore it.
        const speculation = request.speculation ?? this.config.settings.speculativeDecoding;
        const result = await backend.generate({ ...request, speculation }, onChunk, signal);
        this.prompts.counted(request.prompt, result.stats.promptTokens);
        this.prompts.finished(request.prompt, result.stats);
        const drafted = describeSpeculation(result.stats);
        if (drafted && result.stats.speculation?.drafts) this.log.info(`[engine] ${drafted}`);
        if (visible && result.stats.tokensPerSecond > 0) this.current.tokensPerSecond = result.stats.tokensPerSecond;
        return result;
      } finally {
        if (visible && --this.active === 0) this.setStatus({ state: "ready" });
      }
    };
    return {
      kind: backend.kind,
      generate,
      countTokens: (texts, signal) => backend.countTokens(texts, signal),
      modelInfo: () => backend.modelInfo(),
      dispose: () => backend.dispose(),
    };
  }

  private track(backend: InferenceBackend): InferenceBackend {
    return this.wrapped(backend);
  }

  /** The user chose to load a model the fit check refused (it may swap or be killed: the engine
   *  runs in its own process, so VS Code survives either way). */
  loadAnyway(): void {
    this.ignoreMemoryCheck = true;
    void this.reset("load anyway");
  }

  /** "Mixtral: Restart Engine": a new engine process, with a fresh count of crashes, loading the
   *  model for the current settings now (after repeated crashes the engine otherwise stays down). */
  async restartEngine(): Promise<void> {
    await this.reset("restart requested");
    if (this.config.settings.engine === "local" && !(await this.modelPath())) return;
    try {
      await this.getBackend();
    } catch (err) {
      void notifyError(describeError(err));
    }
  }

  /** Drops the backend (a new API key, new settings); the next request builds a new one. */
  resetBackend(reason: string): void {
    void this.reset(reason);
  }

  private async reset(reason: string): Promise<void> {
    this.log.info(`[engine] reset: ${reason}`);
    const client = this.client;
    const remote = this.remote;
    this.client = undefined;
    this.remote = undefined;
    this.loadedKey = undefined;
    this.setStatus({ state: "idle", info: undefined, message: undefined });
    await Promise.allSettled([client?.dispose(), remote?.dispose()]);
    void this.refreshNoModel();
  }
}
