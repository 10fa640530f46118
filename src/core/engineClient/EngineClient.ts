// The local InferenceBackend: the engine child process, supervised. A crash (OOM kill,
// GGML_ASSERT, segfault) resolves in-flight answers with their partial text marked incomplete,
// then restarts the child with backoff (bounded by RestartPolicy) and reloads the model. A load
// that crashed the process is remembered and never retried automatically with the same settings.
import type { EngineMessage, HostMessage, LoadOptions, ModelInfo, PromptSegment } from "../../shared/engineProtocol";
import {
  EngineCrashedError, EngineUnavailableError, InvalidModelFileError, InvalidOptionsError, ModelNotInstalledError,
} from "../errors";
import { abortError, cancelledResult, describeExit, loadKey, modelLabel } from "./engineResults";
import { EngineProcess, type EngineLogLevel } from "./EngineProcess";
import { GpuFaults } from "./gpuFaults";
import { outOfMemoryReason } from "./processMemory";
import { requestGenerate, requestLoad, requestReply, type Channel } from "./engineRequests";
import { Listeners, PendingRequests } from "./PendingRequests";
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
  /** A SIGKILL we did not send, after the child used at least this fraction of the machine's
   *  memory, is reported as the system running out of memory. Default 0.5. */
  outOfMemoryFraction?: number;
}

export interface LoadCallbacks {
  onProgress?: (fraction: number, message?: string) => void;
  /** Aborting a load stops the engine process (the fastest way to give the memory back). */
  signal?: AbortSignal;
}

type LoadProgress = { fraction: number; message?: string };

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
  private unloading?: Promise<void>;
  private crashedLoad?: { key: string; message: string };
  private readonly pending: PendingRequests;
  /** Processes we stopped on purpose, with the reason given to their pending requests. */
  private readonly expectedExits = new WeakMap<EngineProcess, string>();
  private readonly hungReasons = new WeakMap<EngineProcess, string>();
  /** Processes that died of a deterministic GPU abort: reloaded past that backend, not retried. */
  private readonly gpuAborts = new WeakSet<EngineProcess>();
  private readonly gpuFaults = new GpuFaults();
  private readonly stateListeners = new Listeners<EngineStateChange>();
  private readonly progressListeners = new Listeners<LoadProgress>();
  private readonly policy: RestartPolicy;
  private idleTimer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {
    this.policy = new RestartPolicy(options.restart);
    this.pending = new PendingRequests(options.hangTimeoutMs ?? 120_000, (reason) => {
      const proc = this.proc;
      if (!proc) return;
      this.log("error", reason);
      // Not an expected exit: a hang counts as a crash (restart, bounded), with its own reason.
      this.hungReasons.set(proc, reason);
      proc.kill();
    });
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

  onDidChangeState(listener: (change: EngineStateChange) => void): { dispose(): void } {
    return this.stateListeners.add(listener);
  }

  /** Progress of every load, including the transparent reloads after idle unload or a crash. */
  onDidLoadProgress(listener: (progress: LoadProgress) => void): { dispose(): void } {
    return this.progressListeners.add(listener);
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
    if (signal?.aborted) return cancelledResult(request.maxTokens);
    const proc = await this.ensureLoaded();
    return requestGenerate(this.channel(proc), request, { onChunk, onProgress, signal, onSettled: () => this.afterRequest() });
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
    this.pending.dispose();
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
    const onAbort = () => {
      this.expectedExits.set(proc, "loading was cancelled");
      proc.kill();
    };
    callbacks.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const info = await requestLoad(this.channel(proc), this.gpuFaults.apply(options), (fraction, message) => {
        this.safely(() => callbacks.onProgress?.(fraction, message));
        this.progressListeners.fire({ fraction, message }, (e) => this.listenerError(e));
      }, (reason) => {
        if (this.expectedExits.get(proc) === "loading was cancelled") return abortError("Loading the model");
        if (this.gpuAborts.has(proc)) return new EngineCrashedError(`The engine process crashed while loading ${modelLabel(options)} (${reason.replace(/^the engine process /, "")}).`);
        const text = `The engine process crashed while loading ${modelLabel(options)} (${reason.replace(/^the engine process /, "")}). ` +
          "These settings will not be loaded again automatically.";
        this.crashedLoad = { key: loadKey(options), message: text };
        return new EngineCrashedError(text, "Choose another model file or change its settings (GPU layers, context size, experts per token).");
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
      // (After a real crash handleExit has already moved the state on to "crashed".)
      if (this.current.state === "loading") this.setState(kept ? "ready" : "stopped", kept ? undefined : (error as Error).message);
      // A GPU abort is not the file's or the settings' fault: load again, past that backend (the
      // avoided list only grows, by one of three GPU backends per abort: this cannot loop).
      if (this.gpuAborts.has(proc) && !this.disposed) return this.runLoad(options, callbacks, transparent);
      if (transparent) this.log("error", `reloading ${modelLabel(options)} failed: ${(error as Error).message}`);
      throw error;
    } finally {
      callbacks.signal?.removeEventListener("abort", onAbort);
    }
  }

  private async ensureLoaded(): Promise<EngineProcess> {
    if (this.disposed) throw new EngineUnavailableError("The engine has been shut down.");
    if (this.restarting) await this.restarting;
    if (this.unloading) await this.unloading;
    if (this.loading) await this.loading.catch(() => undefined);
    if (this.modelLoaded && this.proc?.alive) return this.proc;
    if (this.current.state === "failed") {
      throw new EngineCrashedError(this.current.reason ?? "The engine stopped after repeated crashes.", undefined, "engineStopped");
    }
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
    if (message.type === "error" && message.requestId === "engine") this.log("error", `engine: ${message.message}`);
    this.pending.route(message);
  }

  private handleExit(proc: EngineProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.proc === proc) this.proc = undefined;
    const wasLoaded = this.modelLoaded;
    this.modelLoaded = false;
    const expected = this.expectedExits.get(proc);
    // A SIGKILL nobody here sent, from a process that had grown large: the OOM killer's signature.
    const outOfMemory = signal === "SIGKILL" ? outOfMemoryReason(proc.peakMemoryBytes, this.options.outOfMemoryFraction) : undefined;
    const reason = expected ?? this.hungReasons.get(proc) ?? outOfMemory ?? describeExit(code, signal);
    const gpuAbort = expected === undefined && !this.disposed ? this.gpuFaults.recordExit(signal, code, proc.recentStderr) : undefined;
    if (gpuAbort) {
      this.gpuAborts.add(proc);
      this.log("error", `the engine died of a ${gpuAbort.backend.toUpperCase()} abort (${gpuAbort.signature}): ${gpuAbort.reason}. Not restarting into it: the model is reloaded past that backend.`);
    }
    const settled = this.pending.settleAll(reason);
    if (expected !== undefined || this.disposed) return;

    this.log("error", `${reason}${settled ? `; ${settled} request(s) were in flight` : ""}`);
    const delay = this.policy.next();
    if (delay === undefined) {
      this.setState("failed", `The engine process crashed ${this.policy.recentCrashes} times in ${this.policy.windowMinutes} minutes (last: ${reason}). ` +
        "It will not be restarted automatically: run “Mixtral: Restart Engine” to start it again, or change the model or its settings.");
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
    return requestReply(this.channel(proc), build, reply, signal);
  }

  private unloadModel(state: EngineState, reason?: string): Promise<void> {
    const run = this.runUnload(state, reason);
    this.unloading = run;
    const clear = () => { if (this.unloading === run) this.unloading = undefined; };
    run.then(clear, clear);
    return run;
  }

  private async runUnload(state: EngineState, reason?: string): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.loading) await this.loading.catch(() => undefined);
    const proc = this.proc;
    const wasLoaded = this.modelLoaded;
    // Requests arriving from now on wait for this unload, then reload (see ensureLoaded).
    this.modelLoaded = false;
    if (proc?.alive && wasLoaded) {
      // An error or a dead process both mean the model is gone: nothing to report.
      await requestReply(this.channel(proc), (requestId) => ({ type: "unload", requestId }), "unloaded").catch(() => undefined);
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

  private channel(proc: EngineProcess): Channel {
    return { proc, pending: this.pending, safely: (callback) => this.safely(callback) };
  }

  private setState(state: EngineState, reason?: string): void {
    if (this.current.state === state && this.current.reason === reason) return;
    this.current = { state, reason };
    this.stateListeners.fire(this.current, (e) => this.listenerError(e));
  }

  /** The caller's callbacks never break the client's bookkeeping. */
  private safely(callback: () => void): void {
    try { callback(); } catch (error) { this.listenerError(error); }
  }

  private listenerError(error: unknown): void {
    this.log("error", `a listener threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }

  private log(level: EngineLogLevel, message: string): void {
    this.options.onLog?.(level, message);
  }
}
