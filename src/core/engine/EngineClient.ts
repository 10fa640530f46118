// The local InferenceBackend: the engine child process, supervised. A crash (OOM kill,
// GGML_ASSERT, segfault) resolves in-flight answers with their partial text marked incomplete,
// then restarts the child with backoff (bounded by RestartPolicy) and reloads the model. A load
// that crashed the process is remembered and never retried automatically with the same settings.
import type { EngineMessage, HostMessage, LoadOptions, ModelInfo, PromptSegment } from "../../shared/engineProtocol";
import {
  EngineCrashedError, EngineUnavailableError, InvalidModelFileError, InvalidOptionsError, ModelNotInstalledError,
} from "../errors";
import {
  abortError, completedResult, crashedResult, describeExit, engineError, loadKey, modelLabel, type PartialProgress,
} from "./engineResults";
import { EngineProcess, type EngineLogLevel } from "./EngineProcess";
import { RestartPolicy, type RestartPolicyOptions } from "./restartPolicy";
import type { EngineState, EngineStateChange, GenerateRequest, GenerateResult, InferenceBackend } from "./types";

export interface EngineClientOptions {
  /** Absolute path of dist/engine.js (the caller knows where the extension is installed). */
  enginePath: string;
  /** Default process.execPath; ELECTRON_RUN_AS_NODE=1 is always set for the child. */
  execPath?: string;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** The engine's own log and the library's (llama.cpp) log. Default: dropped. */
  onLog?: (level: EngineLogLevel, message: string) => void;
  /** Kill the child when a generation shows no sign of life for this long. Default 120 s; 0 = off. */
  hangTimeoutMs?: number;
  /** Unload the model after this long without requests. Default 15 min; 0 = never. */
  idleUnloadMs?: number;
  /** Default: 3 restarts in 5 minutes, after 0.5 / 2 / 5 s. */
  restart?: RestartPolicyOptions;
  /** Default 30 s for the child to say "ready". */
  startTimeoutMs?: number;
}

export interface LoadCallbacks {
  onProgress?: (fraction: number, message?: string) => void;
  /** Aborting a load stops the engine process (the fastest way to give the memory back). */
  signal?: AbortSignal;
}

interface Pending {
  kind: "generate" | "load" | "other";
  onMessage(message: EngineMessage): void;
  onExit(reason: string): void;
}

type Listener<T> = (value: T) => void;

export class EngineClient implements InferenceBackend {
  readonly kind = "local" as const;
  private proc?: EngineProcess;
  private starting?: Promise<EngineProcess>;
  private current: EngineStateChange = { state: "stopped" };
  private info?: ModelInfo;
  private lastLoad?: LoadOptions;
  private modelLoaded = false;
  private loading?: Promise<ModelInfo>;
  private restarting?: Promise<void>;
  private crashedLoad?: { key: string; message: string };
  private readonly pending = new Map<string, Pending>();
  /** Processes we stopped on purpose, with the reason given to their pending requests. */
  private readonly expectedExits = new WeakMap<EngineProcess, string>();
  private readonly hungReasons = new WeakMap<EngineProcess, string>();
  private readonly stateListeners = new Set<Listener<EngineStateChange>>();
  private readonly progressListeners = new Set<Listener<{ fraction: number; message?: string }>>();
  private readonly policy: RestartPolicy;
  private nextId = 1;
  private idleTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private lastActivity = 0;
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {
    this.policy = new RestartPolicy(options.restart);
  }

  get state(): EngineState {
    return this.current.state;
  }

  /** The latest state with its reason. */
  get stateChange(): EngineStateChange {
    return this.current;
  }

  /** The engine process id, while one runs (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.proc?.alive ? this.proc.pid : undefined;
  }

  onDidChangeState(listener: Listener<EngineStateChange>): { dispose(): void } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  /** Progress of every load, including the transparent reloads after idle unload or a crash. */
  onDidLoadProgress(listener: Listener<{ fraction: number; message?: string }>): { dispose(): void } {
    this.progressListeners.add(listener);
    return { dispose: () => this.progressListeners.delete(listener) };
  }

  modelInfo(): ModelInfo | undefined {
    return this.info;
  }

  /** Loads a model (replacing the current one). An explicit load also clears "failed". */
  load(options: LoadOptions, callbacks: LoadCallbacks = {}): Promise<ModelInfo> {
    if (this.crashedLoad?.key === loadKey(options)) {
      return Promise.reject(new EngineCrashedError(this.crashedLoad.message, "Choose another model file or change its settings (GPU layers, context size, experts per token)."));
    }
    this.policy.reset();
    if (this.current.state === "failed") this.setState("stopped");
    const run = this.runLoad(options, callbacks);
    this.loading = run;
    const clear = () => { if (this.loading === run) this.loading = undefined; };
    run.then(clear, clear);
    return run;
  }

  /** Unloads the model and forgets it: later requests fail until the next load(). */
  async unload(): Promise<void> {
    this.lastLoad = undefined;
    await this.unloadModel("stopped");
  }

  /** InferenceBackend.generate, plus `onProgress` for prompt evaluation (fraction of the prompt's
   *  new tokens evaluated; long prompts take seconds before the first chunk). */
  async generate(
    request: GenerateRequest,
    onChunk: (text: string) => void,
    signal?: AbortSignal,
    onProgress?: (fraction: number) => void,
  ): Promise<GenerateResult> {
    if (signal?.aborted) return completedResult("", "abort", emptyStats(), request.maxTokens);
    const proc = await this.ensureLoaded();
    const requestId = this.newId();
    const progress: PartialProgress = { text: "", chunks: 0, startedAt: Date.now() };
    return new Promise<GenerateResult>((resolve, reject) => {
      const onAbort = () => proc.send({ type: "abort", requestId });
      const finish = () => {
        signal?.removeEventListener("abort", onAbort);
        this.pending.delete(requestId);
        this.afterRequest();
      };
      this.pending.set(requestId, {
        kind: "generate",
        onMessage: (message) => {
          if (message.type === "chunk") {
            progress.text += message.text;
            progress.chunks++;
            progress.firstChunkAt ??= Date.now();
            try { onChunk(message.text); } catch (error) { this.log("error", `onChunk threw: ${String(error)}`); }
          } else if (message.type === "progress") {
            if (message.message === "prompt") onProgress?.(message.fraction);
          } else if (message.type === "done") {
            finish();
            resolve(completedResult(message.text, message.stopReason, message.stats, request.maxTokens));
          } else if (message.type === "error") {
            finish();
            reject(engineError(message.code, message.message));
          }
        },
        onExit: (reason) => {
          finish();
          resolve(crashedResult(progress, reason));
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      this.lastActivity = Date.now();
      this.armWatchdog();
      this.post(proc, { type: "generate", requestId, options: { ...request } });
    });
  }

  async countTokens(texts: string[], signal?: AbortSignal): Promise<number[]> {
    const message = await this.simpleRequest((requestId) => ({ type: "countTokens", requestId, texts }), "counts", signal);
    return message.type === "counts" ? message.counts : [];
  }

  /** Token ids (and their pieces) of a prompt, exactly as the engine evaluates it. */
  async tokenize(prompt: PromptSegment[], signal?: AbortSignal): Promise<{ tokens: number[]; pieces?: string[] }> {
    const message = await this.simpleRequest((requestId) => ({ type: "tokenize", requestId, prompt }), "tokens", signal);
    return message.type === "tokens" ? { tokens: message.tokens, pieces: message.pieces } : { tokens: [] };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    clearInterval(this.watchdog);
    const proc = this.proc;
    if (proc) {
      this.expectedExits.set(proc, "the engine was shut down");
      await proc.shutdown();
    }
    this.stateListeners.clear();
    this.progressListeners.clear();
  }

  // ---- internals ----

  private async runLoad(options: LoadOptions, callbacks: LoadCallbacks, transparent = false): Promise<ModelInfo> {
    if (callbacks.signal?.aborted) throw abortError("Loading the model");
    clearTimeout(this.idleTimer);
    const proc = await this.ensureProcess();
    this.setState("loading");
    const requestId = this.newId();
    const onAbort = () => {
      this.expectedExits.set(proc, "loading was cancelled");
      proc.kill();
    };
    callbacks.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const info = await new Promise<ModelInfo>((resolve, reject) => {
        this.pending.set(requestId, {
          kind: "load",
          onMessage: (message) => {
            if (message.type === "progress") {
              callbacks.onProgress?.(message.fraction, message.message);
              for (const l of this.progressListeners) l({ fraction: message.fraction, message: message.message });
            } else if (message.type === "loaded") {
              this.pending.delete(requestId);
              resolve(message.info);
            } else if (message.type === "error") {
              this.pending.delete(requestId);
              reject(engineError(message.code, message.message));
            }
          },
          onExit: (reason) => {
            if (this.expectedExits.get(proc) === "loading was cancelled") return reject(abortError("Loading the model"));
            const text = `The engine process crashed while loading ${modelLabel(options)} (${reason.replace(/^the engine process /, "")}). ` +
              "These settings will not be loaded again automatically.";
            this.crashedLoad = { key: loadKey(options), message: text };
            reject(new EngineCrashedError(text, "Choose another model file or change its settings (GPU layers, context size, experts per token)."));
          },
        });
        this.post(proc, { type: "load", requestId, options });
      });
      this.info = info;
      this.lastLoad = options;
      this.modelLoaded = true;
      this.setState("ready");
      this.afterRequest();
      return info;
    } catch (error) {
      // The child keeps its current model when it refuses a file or an option before loading;
      // past that point it has dropped it.
      const kept = this.modelLoaded && proc.alive &&
        (error instanceof InvalidOptionsError || error instanceof InvalidModelFileError || error instanceof ModelNotInstalledError);
      this.modelLoaded = kept;
      if (proc.alive && this.current.state === "loading") this.setState(kept ? "ready" : "stopped", kept ? undefined : (error as Error).message);
      if (transparent) this.log("error", `reloading ${modelLabel(options)} failed: ${(error as Error).message}`);
      throw error;
    } finally {
      callbacks.signal?.removeEventListener("abort", onAbort);
    }
  }

  private async ensureLoaded(): Promise<EngineProcess> {
    if (this.disposed) throw new EngineUnavailableError("The engine has been shut down.");
    if (this.restarting) await this.restarting;
    if (this.loading) await this.loading.catch(() => undefined);
    if (this.modelLoaded && this.proc?.alive) return this.proc;
    if (this.current.state === "failed") throw new EngineUnavailableError(this.current.reason ?? "The engine stopped after repeated crashes.");
    if (!this.lastLoad) throw new EngineUnavailableError("No model is loaded.", "Select or download a model first.");
    if (this.crashedLoad?.key === loadKey(this.lastLoad)) throw new EngineCrashedError(this.crashedLoad.message);
    const run = this.runLoad(this.lastLoad, {}, true);
    this.loading = run;
    try {
      await run;
    } finally {
      if (this.loading === run) this.loading = undefined;
    }
    if (!this.proc) throw new EngineUnavailableError("The engine process is not running.");
    return this.proc;
  }

  private ensureProcess(): Promise<EngineProcess> {
    if (this.proc?.alive) return this.proc.ready.then(() => this.proc as EngineProcess);
    if (this.starting) return this.starting;
    if (this.disposed) return Promise.reject(new EngineUnavailableError("The engine has been shut down."));
    this.setState("starting");
    const proc = new EngineProcess({
      enginePath: this.options.enginePath,
      execPath: this.options.execPath,
      env: this.options.env,
      startTimeoutMs: this.options.startTimeoutMs,
      onLog: (level, message) => this.log(level, message),
      onMessage: (message) => this.route(message),
      onExit: (code, signal) => this.handleExit(proc, code, signal),
    });
    this.proc = proc;
    this.modelLoaded = false;
    const started = proc.ready.then(() => proc);
    this.starting = started;
    const clear = () => { if (this.starting === started) this.starting = undefined; };
    started.then(clear, clear);
    return started;
  }

  private route(message: EngineMessage): void {
    this.lastActivity = Date.now();
    if (!("requestId" in message)) return;
    if (message.type === "error" && message.requestId === "engine") {
      this.log("error", `engine: ${message.message}`);
      return;
    }
    this.pending.get(message.requestId)?.onMessage(message);
  }

  private handleExit(proc: EngineProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.proc === proc) this.proc = undefined;
    const wasLoaded = this.modelLoaded;
    this.modelLoaded = false;
    const expected = this.expectedExits.get(proc);
    const reason = expected ?? this.hungReasons.get(proc) ?? describeExit(code, signal);
    const settled = [...this.pending.values()];
    this.pending.clear();
    for (const p of settled) p.onExit(reason);
    if (expected !== undefined || this.disposed) return;

    this.log("error", `${reason}${settled.length ? `; ${settled.length} request(s) were in flight` : ""}`);
    const delay = this.policy.next();
    if (delay === undefined) {
      this.setState("failed", `The engine process crashed ${this.policy.recentCrashes} times in ${this.policy.windowMinutes} minutes (last: ${reason}). ` +
        "It will not be restarted automatically: check the log, then load the model again or change its settings.");
      return;
    }
    this.setState("crashed", reason);
    this.restarting = new Promise<void>((resolve) => setTimeout(resolve, delay)).then(async () => {
      try {
        if (this.disposed || this.current.state !== "crashed") return;
        await this.ensureProcess();
        const reload = wasLoaded && this.lastLoad && this.crashedLoad?.key !== loadKey(this.lastLoad);
        if (reload && this.lastLoad) await this.runLoad(this.lastLoad, {}, true);
        else this.setState("stopped", reason);
      } catch (error) {
        this.log("error", `restart failed: ${(error as Error).message}`);
      } finally {
        this.restarting = undefined;
      }
    });
  }

  private async simpleRequest(build: (requestId: string) => HostMessage, reply: "counts" | "tokens", signal?: AbortSignal): Promise<EngineMessage> {
    if (signal?.aborted) throw abortError("The request");
    const proc = await this.ensureLoaded();
    const requestId = this.newId();
    return new Promise<EngineMessage>((resolve, reject) => {
      const onAbort = () => { this.pending.delete(requestId); reject(abortError("The request")); };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(requestId, {
        kind: "other",
        onMessage: (message) => {
          if (message.type !== reply && message.type !== "error") return;
          signal?.removeEventListener("abort", onAbort);
          this.pending.delete(requestId);
          if (message.type === "error") reject(engineError(message.code, message.message));
          else resolve(message);
        },
        onExit: (reason) => reject(new EngineCrashedError(`The request failed: ${reason}.`)),
      });
      this.post(proc, build(requestId));
    });
  }

  private async unloadModel(state: EngineState, reason?: string): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.loading) await this.loading.catch(() => undefined);
    const proc = this.proc;
    if (proc?.alive && this.modelLoaded) {
      const requestId = this.newId();
      await new Promise<void>((resolve) => {
        this.pending.set(requestId, {
          kind: "other",
          onMessage: (message) => {
            if (message.type === "unloaded" || message.type === "error") { this.pending.delete(requestId); resolve(); }
          },
          onExit: () => resolve(),
        });
        this.post(proc, { type: "unload", requestId });
      });
    }
    this.modelLoaded = false;
    this.setState(state, reason);
  }

  /** Idle unload: armed whenever nothing is in flight. */
  private afterRequest(): void {
    clearTimeout(this.idleTimer);
    const idleMs = this.options.idleUnloadMs ?? 15 * 60_000;
    if (idleMs <= 0 || !this.modelLoaded || this.pending.size > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0 || this.loading || !this.modelLoaded) return;
      const minutes = Math.round(idleMs / 6000) / 10;
      void this.unloadModel("stopped", `Unloaded after ${minutes} idle minute(s) to free memory; the next request loads it again.`);
    }, idleMs);
    this.idleTimer.unref?.();
  }

  /** Kills a child that shows no sign of life while a generation is in flight. */
  private armWatchdog(): void {
    const hangMs = this.options.hangTimeoutMs ?? 120_000;
    if (hangMs <= 0 || this.watchdog) return;
    this.watchdog = setInterval(() => {
      const generating = [...this.pending.values()].some((p) => p.kind === "generate");
      if (!generating) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
        return;
      }
      if (Date.now() - this.lastActivity > hangMs && this.proc) {
        const reason = `the engine stopped responding for ${Math.round(hangMs / 1000)} s during a generation and was stopped`;
        this.log("error", reason);
        this.killHung(this.proc, reason);
      }
    }, Math.min(1000, Math.max(50, hangMs / 4)));
    this.watchdog.unref?.();
  }

  /** Not an expected exit: a hang counts as a crash (restart, bounded), with its own reason. */
  private killHung(proc: EngineProcess, reason: string): void {
    this.hungReasons.set(proc, reason);
    proc.kill();
  }

  private post(proc: EngineProcess, message: HostMessage): void {
    if (!proc.send(message)) this.log("warn", `could not send ${message.type}: the engine process is gone`);
  }

  private setState(state: EngineState, reason?: string): void {
    if (this.current.state === state && this.current.reason === reason) return;
    this.current = { state, reason };
    for (const l of this.stateListeners) {
      try { l(this.current); } catch (error) { this.log("error", `state listener threw: ${String(error)}`); }
    }
  }

  private log(level: EngineLogLevel, message: string): void {
    this.options.onLog?.(level, message);
  }

  private newId(): string {
    return `r${this.nextId++}`;
  }
}

function emptyStats() {
  return { promptTokens: 0, evaluatedTokens: 0, generatedTokens: 0, ttftMs: 0, tokensPerSecond: 0, totalMs: 0 };
}
