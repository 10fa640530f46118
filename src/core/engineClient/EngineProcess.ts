// One engine child process: fork, handshake, validated messages, exit. No policy here; the
// supervisor (EngineClient) decides what an exit means and whether to start another.
import { fork, type ChildProcess } from "node:child_process";
import * as readline from "node:readline";
import { ENGINE_PROTOCOL_VERSION, type EngineMessage, type HostMessage } from "../../shared/engineProtocol";
import { parseEngineMessage } from "../../shared/engineProtocolParse";
import { EngineUnavailableError } from "../errors";
import { PeakMemorySampler } from "./processMemory";

/** Enough for ggml's error lines and a native backtrace after them. */
const STDERR_TAIL_LINES = 60;

export type EngineLogLevel = "trace" | "debug" | "info" | "warn" | "error";

export interface EngineProcessOptions {
  /** Absolute path of dist/engine.js. */
  enginePath: string;
  /** Default process.execPath (VS Code's Electron binary, run as Node through the env below). */
  execPath?: string;
  /** Added to the child's environment (which inherits the host's). */
  env?: Record<string, string>;
  /** Default 30 s: the child must say "ready" within this time. */
  startTimeoutMs?: number;
  onLog(level: EngineLogLevel, message: string): void;
  onMessage(message: EngineMessage): void;
  /** Called once, when the process is gone (after a successful start or not). */
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

export class EngineProcess {
  private readonly child: ChildProcess;
  private exited = false;
  private readonly stderrTail: string[] = [];
  private readonly memory: PeakMemorySampler | undefined;
  readonly ready: Promise<void>;

  constructor(options: EngineProcessOptions) {
    this.child = forkEngine(options);
    this.pipeOutput(options);
    this.ready = this.handshake(options);
    this.ready.catch(() => undefined);
    this.memory = this.child.pid !== undefined ? new PeakMemorySampler(this.child.pid) : undefined;
    this.watchExit(options);
  }

  /** Native code (llama.cpp, ggml) may print straight to stdout/stderr: keep it in the log, and
   *  stderr's last lines for naming a native abort. */
  private pipeOutput(options: EngineProcessOptions): void {
    for (const [stream, level] of [
      [this.child.stdout, "info"],
      [this.child.stderr, "warn"],
    ] as const) {
      if (!stream) continue;
      readline.createInterface({ input: stream }).on("line", (line) => {
        if (!line) return;
        if (level === "warn") {
          this.stderrTail.push(line);
          if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
        }
        options.onLog(level, line);
      });
    }
  }

  /** Resolves on the child's "ready" with our protocol version; validated messages after it go
   *  to onMessage (and log messages to onLog too). */
  private handshake(options: EngineProcessOptions): Promise<void> {
    const startTimeoutMs = options.startTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new EngineUnavailableError(`The engine process did not start within ${startTimeoutMs / 1000} s.`));
        this.kill();
      }, startTimeoutMs);
      this.child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new EngineUnavailableError(`The engine process exited during start (${signal ?? `code ${code}`}).`));
      });
      this.child.once("error", (error) => {
        clearTimeout(timer);
        reject(new EngineUnavailableError(`The engine process could not be started: ${error.message}`));
      });
      this.child.on("message", (raw: unknown) => {
        const message = parseEngineMessage(raw);
        if (!message) {
          options.onLog("warn", `ignored a malformed message from the engine: ${safeJson(raw)}`);
          return;
        }
        if (message.type === "ready") {
          clearTimeout(timer);
          if (message.protocolVersion !== ENGINE_PROTOCOL_VERSION) {
            reject(
              new EngineUnavailableError(
                `The engine speaks protocol ${message.protocolVersion}, the extension ${ENGINE_PROTOCOL_VERSION}: the installation is inconsistent; reinstall the extension.`,
              ),
            );
            this.kill();
          } else {
            resolve();
          }
          return;
        }
        if (message.type === "log") options.onLog(message.level, message.message);
        options.onMessage(message);
      });
    });
  }

  /** Calls onExit once, however the process went. */
  private watchExit(options: EngineProcessOptions): void {
    this.child.once("exit", (code, signal) => {
      this.memory?.stop();
      if (this.exited) return;
      this.exited = true;
      // Report the exit once stderr has been read to its end ("close"), so recentStderr holds the
      // native abort's last words; a grandchild that inherited stderr must not hold it up long.
      let reported = false;
      const report = () => {
        if (reported) return;
        reported = true;
        clearTimeout(timer);
        options.onExit(code, signal);
      };
      const timer = setTimeout(report, 250);
      this.child.once("close", report);
    });
    this.child.once("error", () => {
      // fork failures (ENOENT execPath) emit "error" without "exit".
      if (!this.exited && this.child.pid === undefined) {
        this.memory?.stop();
        this.exited = true;
        options.onExit(null, null);
      }
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The highest resident memory sampled while it ran (Linux), for naming an out-of-memory kill. */
  get peakMemoryBytes(): number | undefined {
    return this.memory?.peak;
  }

  /** The last lines the child wrote to stderr: a native abort's reason (ggml's "CUDA error: …")
   *  is printed there just before the process dies. */
  get recentStderr(): string {
    return this.stderrTail.join("\n");
  }

  get alive(): boolean {
    return !this.exited;
  }

  send(message: HostMessage): boolean {
    if (this.exited || !this.child.connected) return false;
    this.child.send(message);
    return true;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (!this.exited) this.child.kill(signal);
  }

  /** Asks the child to shut down cleanly; kills it if it is still there after `graceMs`. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.send({ type: "shutdown" });
    const timer = setTimeout(() => this.kill(), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

function forkEngine(options: EngineProcessOptions): ChildProcess {
  return fork(options.enginePath, [], {
    execPath: options.execPath ?? process.execPath,
    // Under VS Code, process.execPath is Electron: this makes it behave as plain Node.
    // UV_THREADPOOL_SIZE=1: node-llama-cpp runs every decode as a job on libuv's worker pool, and
    // in llama.cpp builds with OpenMP (source builds, e.g. for CUDA) each pool thread that runs
    // one starts its own team of CPU threads; the idle teams spin against the working one.
    // Measured on an H100 with 20 of 33 layers on the GPU: 13.9 tok/s with the default 4 pool
    // threads, 17.1 with one (llama-bench: 17.6). One pool thread also keeps the chat and the
    // completion context from computing at once on the same cores, which only slows both.
    env: { ...process.env, UV_THREADPOOL_SIZE: "1", ...options.env, ELECTRON_RUN_AS_NODE: "1" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "json",
  });
}

function safeJson(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 200);
  } catch {
    return String(v).slice(0, 200);
  }
}
