// The workspace index as the extension host and the CLI use it: a worker thread (dist/indexer.js)
// does the walking, parsing, ranking and disk I/O; this class only posts messages and validates
// the answers, so the host's event loop stays free while a workspace is indexed.
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import {
  isAnswer,
  parseIndexWorkerMessage,
  type IndexAnswers,
  type IndexHostMessage,
  type IndexQuery,
  type IndexWorkerMessage,
} from "./indexProtocol";
import type {
  IndexOptions,
  IndexProgress,
  IndexStats,
  ReferenceLocation,
  SearchHit,
  SearchOptions,
  SymbolLocation,
  WorkspaceIndex,
} from "./types";

/** Default result counts when SearchOptions.limit is not given. */
export const DEFAULT_LIMITS = { search: 20, definitions: 20, references: 100, grep: 100 } as const;
/** The worker's heap limit: a workspace that needs more fails the index, never the extension host. */
const WORKER_HEAP_MB = 1536;

/** dist/indexer.js beside the bundle; out/src/indexer/main.js in tsc's build (tests). */
export function defaultIndexerPath(): string {
  const candidates = [path.join(__dirname, "indexer.js"), path.join(__dirname, "..", "..", "indexer", "main.js")];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

interface Pending {
  readonly kind: IndexQuery["kind"] | "mutation";
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

export class WorkspaceIndexClient implements WorkspaceIndex {
  private worker: Worker | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private latestStats: IndexStats | undefined;
  private build:
    { resolve: (s: IndexStats | undefined) => void; reject: (e: Error) => void; onProgress?: (p: IndexProgress) => void } | undefined;
  private disposed = false;

  constructor(private readonly workerPath: string = defaultIndexerPath()) {}

  /**
   * Opens the stored index or builds it, and brings it up to date with the disk. Resolves with the
   * stats when ready, or undefined when cancelled; calling it again reconciles again (a branch
   * switch, edits made outside the editor).
   */
  start(options: IndexOptions, onProgress?: (progress: IndexProgress) => void): Promise<IndexStats | undefined> {
    if (this.disposed) return Promise.reject(new Error("the workspace index was disposed"));
    this.build?.resolve(undefined);
    const done = new Promise<IndexStats | undefined>((resolve, reject) => {
      this.build = { resolve, reject, onProgress };
    });
    this.post({ type: "start", options });
    return done;
  }

  /** Stops a build in progress (start() then resolves with undefined); the index keeps what it has. */
  cancel(): void {
    if (this.worker) this.post({ type: "cancel" });
  }

  /** Re-indexes created or changed files (absolute paths); a folder is walked again. */
  async update(paths: readonly string[]): Promise<void> {
    await this.request({ type: "update", requestId: "", paths: [...paths] }, "mutation");
  }

  /** Drops deleted files or folders (absolute paths). */
  async remove(paths: readonly string[]): Promise<void> {
    await this.request({ type: "remove", requestId: "", paths: [...paths] }, "mutation");
  }

  search(query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return this.query({ kind: "search", query, limit: options?.limit ?? DEFAULT_LIMITS.search }, options?.signal);
  }

  definitions(name: string, options?: SearchOptions): Promise<SymbolLocation[]> {
    return this.query({ kind: "definitions", name, limit: options?.limit ?? DEFAULT_LIMITS.definitions }, options?.signal);
  }

  references(name: string, options?: SearchOptions): Promise<ReferenceLocation[]> {
    return this.query({ kind: "references", name, limit: options?.limit ?? DEFAULT_LIMITS.references }, options?.signal);
  }

  repoMap(query: string, tokenBudget: number, options?: SearchOptions): Promise<string> {
    return this.query({ kind: "repoMap", query, tokenBudget }, options?.signal);
  }

  grep(pattern: string, options?: SearchOptions & { readonly regex?: boolean }): Promise<ReferenceLocation[]> {
    return this.query(
      { kind: "grep", pattern, regex: options?.regex ?? false, limit: options?.limit ?? DEFAULT_LIMITS.grep },
      options?.signal,
    );
  }

  stats(): IndexStats | undefined {
    return this.latestStats;
  }

  /** Writes pending changes to disk and ends the worker. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      worker.on("message", (m: unknown) => {
        if (parseIndexWorkerMessage(m)?.type === "disposed") {
          clearTimeout(timer);
          resolve();
        }
      });
      worker.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ type: "dispose" } satisfies IndexHostMessage);
    });
    await worker.terminate();
    this.fail(new Error("the workspace index was disposed"));
  }

  private query<K extends IndexQuery["kind"]>(query: IndexQuery & { kind: K }, signal?: AbortSignal): Promise<IndexAnswers[K]> {
    return this.request({ type: "query", requestId: "", query }, query.kind, signal) as Promise<IndexAnswers[K]>;
  }

  private request(message: IndexHostMessage & { requestId: string }, kind: Pending["kind"], signal?: AbortSignal): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error("the workspace index was disposed"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const requestId = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(requestId);
        this.post({ type: "abort", requestId });
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          signal?.removeEventListener("abort", onAbort);
          f(v);
        };
      this.pending.set(requestId, { kind, resolve: settle(resolve), reject: settle(reject) });
      this.post({ ...message, requestId } as IndexHostMessage);
    });
  }

  private post(message: IndexHostMessage): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stdout: false,
      stderr: false,
    });
    worker.on("message", (raw: unknown) => {
      const message = parseIndexWorkerMessage(raw);
      if (message) this.receive(message);
    });
    worker.on("error", (err) => this.fail(new Error(`the workspace indexer stopped: ${err.message}`)));
    worker.on("exit", (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.fail(new Error(`the workspace indexer exited (code ${code}); start it again`));
    });
    this.worker = worker;
    return worker;
  }

  private receive(message: IndexWorkerMessage): void {
    switch (message.type) {
      case "progress":
        this.build?.onProgress?.(message.progress);
        break;
      case "ready":
        this.latestStats = message.stats;
        this.finishBuild((b) => b.resolve(message.stats));
        break;
      case "cancelled":
        this.finishBuild((b) => b.resolve(undefined));
        break;
      case "failed":
        this.finishBuild((b) => b.reject(new Error(`indexing the workspace failed: ${message.message}`)));
        break;
      case "result": {
        const pending = this.pending.get(message.requestId);
        if (!pending) break;
        this.pending.delete(message.requestId);
        if (pending.kind === "mutation" || isAnswer(pending.kind, message.value)) pending.resolve(message.value);
        else pending.reject(new Error(`the workspace indexer sent a malformed ${pending.kind} answer`));
        break;
      }
      case "error": {
        const pending = this.pending.get(message.requestId);
        this.pending.delete(message.requestId);
        pending?.reject(new Error(message.message));
        break;
      }
      case "disposed":
        break;
      default: {
        const _exhaustive: never = message;
        void _exhaustive;
      }
    }
  }

  private finishBuild(f: (b: NonNullable<WorkspaceIndexClient["build"]>) => void): void {
    const build = this.build;
    this.build = undefined;
    if (build) f(build);
  }

  private fail(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.finishBuild((b) => b.reject(err));
  }
}
