// The indexer worker thread (dist/indexer.js): runs the workspace index (src/core/workspace/
// WorkspaceIndexer) off the extension host's thread. It speaks src/shared/indexProtocol.ts with
// the host-side WorkspaceIndexClient; a message that does not parse is dropped.
import * as os from "node:os";
import { parentPort } from "node:worker_threads";
import { IndexAnswers, IndexHostMessage, IndexQuery, IndexWorkerMessage, parseIndexHostMessage } from "../core/workspace/indexProtocol";
import { findDefinitions, findReferences, searchIndex } from "../core/workspace/queries";
import { buildRepoMap } from "../core/workspace/repoMap";
import { grepWorkspace } from "../core/workspace/ripgrep";
import { GrammarLoader, treeSitterWasmDir } from "../core/workspace/treeSitter";
import { WorkspaceIndexer } from "../core/workspace/WorkspaceIndexer";

/** The worker thread's nice value on Linux (0 normal, 19 lowest). */
const INDEXER_NICE = 10;

const port = parentPort;
if (!port) throw new Error("dist/indexer.js runs as a worker thread of the extension or the CLI");

// On Linux a thread has its own nice value (setpriority on "process 0" is the calling thread), so
// the indexer yields the CPU to the extension host's thread it shares a process with. Elsewhere
// the call would lower the whole extension host: not done.
if (process.platform === "linux") {
  try {
    os.setPriority(INDEXER_NICE);
  } catch {
    // Not allowed (a container's policy): index at the normal priority.
  }
}

const grammars = new GrammarLoader(treeSitterWasmDir(__dirname));
let indexer: WorkspaceIndexer | undefined;
let build: AbortController | undefined;
const queries = new Map<string, AbortController>();

function post(message: IndexWorkerMessage): void {
  port!.postMessage(message);
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function start(options: Extract<IndexHostMessage, { type: "start" }>["options"]): Promise<void> {
  build?.abort();
  const controller = new AbortController();
  build = controller;
  const onProgress = (progress: Parameters<Parameters<WorkspaceIndexer["open"]>[0]>[0]) => {
    if (build === controller) post({ type: "progress", progress });
  };
  try {
    if (!indexer || JSON.stringify(indexer.options) !== JSON.stringify(options)) {
      await indexer?.flush();
      indexer = undefined;
      indexer = new WorkspaceIndexer(options, grammars);
    }
    const current = indexer;
    const stats = current.stats()
      ? await current.refresh(onProgress, controller.signal)
      : await current.open(onProgress, controller.signal);
    if (build === controller) post({ type: "ready", stats });
  } catch (err) {
    if (controller.signal.aborted) post({ type: "cancelled" });
    else post({ type: "failed", message: errorText(err) });
  } finally {
    if (build === controller) build = undefined;
  }
}

async function answer(query: IndexQuery, signal: AbortSignal): Promise<IndexAnswers[IndexQuery["kind"]]> {
  if (!indexer) throw new Error("the workspace index has not been started");
  const { store, options } = indexer;
  switch (query.kind) {
    case "search":
      return searchIndex(store, options, query.query, query.limit);
    case "definitions":
      return findDefinitions(store, options, query.name, query.limit);
    case "references":
      return findReferences(store, options, query.name, query.limit, signal);
    case "repoMap":
      return buildRepoMap(store, options, query.query, query.tokenBudget);
    case "grep":
      return grepWorkspace(query.pattern, { ...options, regex: query.regex, limit: query.limit, signal });
  }
}

async function runQuery(requestId: string, query: IndexQuery): Promise<void> {
  const controller = new AbortController();
  queries.set(requestId, controller);
  try {
    const value = await answer(query, controller.signal);
    post({ type: "result", requestId, value });
  } catch (err) {
    post({ type: "error", requestId, message: errorText(err) });
  } finally {
    queries.delete(requestId);
  }
}

async function mutate(requestId: string, task: (i: WorkspaceIndexer) => Promise<number>): Promise<void> {
  try {
    if (!indexer) throw new Error("the workspace index has not been started");
    post({ type: "result", requestId, value: await task(indexer) });
  } catch (err) {
    post({ type: "error", requestId, message: errorText(err) });
  }
}

port.on("message", (raw: unknown) => {
  const message = parseIndexHostMessage(raw);
  if (!message) return;
  switch (message.type) {
    case "start":
      void start(message.options);
      break;
    case "cancel":
      build?.abort();
      break;
    case "update":
      void mutate(message.requestId, (i) => i.update(message.paths));
      break;
    case "remove":
      void mutate(message.requestId, (i) => i.remove(message.paths));
      break;
    case "query":
      void runQuery(message.requestId, message.query);
      break;
    case "abort":
      queries.get(message.requestId)?.abort();
      break;
    case "dispose":
      build?.abort();
      void (indexer?.flush() ?? Promise.resolve()).catch(() => undefined).then(() => post({ type: "disposed" }));
      break;
    default: {
      const _exhaustive: never = message;
      void _exhaustive;
    }
  }
});
