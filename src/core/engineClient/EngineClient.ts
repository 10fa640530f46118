// The local InferenceBackend: the engine child process, supervised. A crash (OOM kill,
// GGML_ASSERT, segfault) resolves in-flight answers with their partial text marked incomplete,
// then restarts the child with backoff (bounded by RestartPolicy) and reloads the model. A load
// that crashed the process is remembered and never retried automatically with the same settings.
import type { EngineMessage, HostMessage, LoadOptions, ModelInfo, PromptSegment } from "../../shared/engineProtocol";
import { EngineCrashedError, EngineUnavailableError } from "../errors";
import { CRASHED_LOAD_HINT, EngineExits, LOAD_CANCELLED } from "./engineExits";
import { abortError, cancelledResult, modelLabel, refusedBeforeLoading } from "./engineResults";
import { EngineProcess } from "./EngineProcess";
import { requestGenerate, requestLoad, requestReply, type Channel } from "./engineRequests";
import type { EngineClientOptions, LoadCallbacks, LoadProgress } from "./engineClientOptions";
import { EngineEvents } from "./EngineEvents";
import { InFlight } from "./InFlight";
import { PendingRequests } from "./PendingRequests";
import { RestartPolicy } from "./restartPolicy";
import type { EngineState, EngineStateChange, GenerateRequest, GenerateResult, InferenceBackend } from "./types";

export class EngineClient implements InferenceBackend {
  readonly kind = "local" as const;
  private proc?: EngineProcess;
  private readonly starting = new InFlight<EngineProcess>();
  private info?: ModelInfo;
  private lastLoad?: LoadOptions;
  private modelLoaded = false;
  private readonly loading = new InFlight<ModelInfo>();
  private restarting?: Promise<void>;
  private readonly unloading = new InFlight<void>();
  private readonly pending: PendingRequests;
  private readonly exits: EngineExits;
  private readonly events: EngineEvents;
  private readonly policy: RestartPolicy;
  private idleTimer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {
    this.events = new EngineEvents(options.onLog);
    this.policy = new RestartPolicy(options.restart);
    this.exits = new EngineExits(options.outOfMemoryFraction);
    this.pending = new PendingRequests(options.hangTimeoutMs ?? 120_000, (reason) => {
      const proc = this.proc;
      if (!proc) return;
      this.events.log("error", reason);
      this.exits.markHung(proc, reason);
      proc.kill();
    });
  }

  get state(): EngineState {
    return this.events.stateChange.state;
  }

  /** The latest state with its reason. */
  get stateChange(): EngineStateChange {
    return this.events.stateChange;
  }

  /** The engine process id, while one runs (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.proc?.alive ? this.proc.pid : undefined;
  }

  onDidChangeState(listener: (change: EngineStateChange) => void): { dispose(): void } {
    return this.events.onDidChangeState(listener);
  }

  /** Progress of every load, including the transparent reloads after idle unload or a crash. */
  onDidLoadProgress(listener: (progress: LoadProgress) => void): { dispose(): void } {
    return this.events.onDidLoadProgress(listener);
  }

  modelInfo(): ModelInfo | undefined {
    return this.info;
  }

  /** Loads a model (replacing the current one). An explicit load also clears "failed". */
  load(options: LoadOptions, callbacks: LoadCallbacks = {}): Promise<ModelInfo> {
    const crashed = this.exits.crashedLoad(options);
    if (crashed) return Promise.reject(new EngineCrashedError(crashed, CRASHED_LOAD_HINT));
    this.policy.reset();
    if (this.state === "failed") this.events.setState("stopped");
    return this.loading.track(this.runLoad(options, callbacks));
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
      this.exits.expect(proc, "the engine was shut down");
      await proc.shutdown();
    }
    this.events.clear();
  }

  // ---- internals ----

  private async runLoad(options: LoadOptions, callbacks: LoadCallbacks, transparent = false): Promise<ModelInfo> {
    if (callbacks.signal?.aborted) throw abortError("Loading the model");
    clearTimeout(this.idleTimer);
    const proc = await this.ensureProcess();
    this.events.setState("loading");
    const onAbort = () => {
      this.exits.expect(proc, LOAD_CANCELLED);
      proc.kill();
    };
    callbacks.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const info = await requestLoad(
        this.channel(proc),
        this.exits.loadOptions(options),
        (fraction, message) => {
          this.events.safely(() => callbacks.onProgress?.(fraction, message));
          this.events.fireProgress({ fraction, message });
        },
        (reason) => this.exits.loadCrashError(proc, options, reason),
      );
      this.info = info;
      this.lastLoad = options;
      this.modelLoaded = true;
      this.events.setState("ready");
      this.afterRequest();
      return info;
    } catch (error) {
      const kept = this.modelLoaded && proc.alive && refusedBeforeLoading(error);
      this.modelLoaded = kept;
      // (After a real crash handleExit has already moved the state on to "crashed".)
      if (this.state === "loading") this.events.setState(kept ? "ready" : "stopped", kept ? undefined : (error as Error).message);
      // A GPU abort is not the file's or the settings' fault: load again, past that backend (the
      // avoided list only grows, by one of three GPU backends per abort: this cannot loop).
      if (this.exits.diedOfGpuAbort(proc) && !this.disposed) return this.runLoad(options, callbacks, transparent);
      if (transparent) this.events.log("error", `reloading ${modelLabel(options)} failed: ${(error as Error).message}`);
      throw error;
    } finally {
      callbacks.signal?.removeEventListener("abort", onAbort);
    }
  }

  private async ensureLoaded(): Promise<EngineProcess> {
    if (this.disposed) throw new EngineUnavailableError("The engine has been shut down.");
    if (this.restarting) await this.restarting;
    if (this.unloading.current) await this.unloading.current;
    if (this.loading.current) await this.loading.current.catch(() => undefined);
    if (this.modelLoaded && this.proc?.alive) return this.proc;
    if (this.state === "failed") {
      throw new EngineCrashedError(this.stateChange.reason ?? "The engine stopped after repeated crashes.", undefined, "engineStopped");
    }
    if (!this.lastLoad) throw new EngineUnavailableError("No model is loaded.", "Select or download a model first.");
    const crashed = this.exits.crashedLoad(this.lastLoad);
    if (crashed) throw new EngineCrashedError(crashed);
    await this.loading.track(this.runLoad(this.lastLoad, {}, true));
    if (!this.proc) throw new EngineUnavailableError("The engine process is not running.");
    return this.proc;
  }

  private ensureProcess(): Promise<EngineProcess> {
    if (this.proc?.alive) return this.proc.ready.then(() => this.proc as EngineProcess);
    if (this.starting.current) return this.starting.current;
    if (this.disposed) return Promise.reject(new EngineUnavailableError("The engine has been shut down."));
    this.events.setState("starting");
    const proc = new EngineProcess({
      enginePath: this.options.enginePath,
      execPath: this.options.execPath,
      env: this.options.env,
      startTimeoutMs: this.options.startTimeoutMs,
      onLog: (level, message) => this.events.log(level, message),
      onMessage: (message) => this.route(message),
      onExit: (code, signal) => this.handleExit(proc, code, signal),
    });
    this.proc = proc;
    this.modelLoaded = false;
    return this.starting.track(proc.ready.then(() => proc));
  }

  private route(message: EngineMessage): void {
    if (message.type === "error" && message.requestId === "engine") this.events.log("error", `engine: ${message.message}`);
    this.pending.route(message);
  }

  private handleExit(proc: EngineProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.proc === proc) this.proc = undefined;
    const wasLoaded = this.modelLoaded;
    this.modelLoaded = false;
    const { reason, expected, gpuAbort } = this.exits.classify(proc, code, signal, this.disposed);
    if (gpuAbort) {
      this.events.log(
        "error",
        `the engine died of a ${gpuAbort.backend.toUpperCase()} abort (${gpuAbort.signature}): ${gpuAbort.reason}. Not restarting into it: the model is reloaded past that backend.`,
      );
    }
    const settled = this.pending.settleAll(reason);
    if (expected !== undefined || this.disposed) return;

    this.events.log("error", `${reason}${settled ? `; ${settled} request(s) were in flight` : ""}`);
    const delay = this.policy.next();
    if (delay === undefined) {
      this.events.setState("failed", this.policy.gaveUpMessage(reason));
      return;
    }
    this.events.setState("crashed", reason);
    this.scheduleRestart(delay, wasLoaded, reason);
  }

  /** After `delay`: a new process, and the model reloaded if one was loaded (unless this very
   *  load crashed it). */
  private scheduleRestart(delay: number, wasLoaded: boolean, reason: string): void {
    this.restarting = new Promise<void>((resolve) => setTimeout(resolve, delay)).then(async () => {
      try {
        if (this.disposed || this.state !== "crashed") return;
        await this.ensureProcess();
        const reload = wasLoaded && this.lastLoad && !this.exits.crashedLoad(this.lastLoad);
        if (reload && this.lastLoad) await this.runLoad(this.lastLoad, {}, true);
        else this.events.setState("stopped", reason);
      } catch (error) {
        this.events.log("error", `restart failed: ${(error as Error).message}`);
      } finally {
        this.restarting = undefined;
      }
    });
  }

  private async simpleRequest(
    build: (requestId: string) => HostMessage,
    reply: "counts" | "tokens",
    signal?: AbortSignal,
  ): Promise<EngineMessage> {
    if (signal?.aborted) throw abortError("The request");
    const proc = await this.ensureLoaded();
    return requestReply(this.channel(proc), build, reply, signal);
  }

  private unloadModel(state: EngineState, reason?: string): Promise<void> {
    return this.unloading.track(this.runUnload(state, reason));
  }

  private async runUnload(state: EngineState, reason?: string): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.loading.current) await this.loading.current.catch(() => undefined);
    const proc = this.proc;
    const wasLoaded = this.modelLoaded;
    // Requests arriving from now on wait for this unload, then reload (see ensureLoaded).
    this.modelLoaded = false;
    if (proc?.alive && wasLoaded) {
      // An error or a dead process both mean the model is gone: nothing to report.
      await requestReply(this.channel(proc), (requestId) => ({ type: "unload", requestId }), "unloaded").catch(() => undefined);
    }
    this.modelLoaded = false;
    this.events.setState(state, reason);
  }

  /** Idle unload: armed whenever nothing is in flight. */
  private afterRequest(): void {
    clearTimeout(this.idleTimer);
    const idleMs = this.options.idleUnloadMs ?? 15 * 60_000;
    if (idleMs <= 0 || !this.modelLoaded || this.pending.size > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0 || this.loading.current || !this.modelLoaded) return;
      const minutes = Math.round(idleMs / 6000) / 10;
      void this.unloadModel("stopped", `Unloaded after ${minutes} idle minute(s) to free memory; the next request loads it again.`);
    }, idleMs);
    this.idleTimer.unref?.();
  }

  private channel(proc: EngineProcess): Channel {
    return { proc, pending: this.pending, safely: (callback) => this.events.safely(callback) };
  }
}
