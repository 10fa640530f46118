// The one message protocol between the host-side index client (src/core/workspace/
// WorkspaceIndexClient) and the indexer worker thread (src/indexer). Messages travel over the
// worker's postMessage (structured clone). Each side validates what it receives with
// parseIndexHostMessage / parseIndexWorkerMessage before use. Bump INDEX_PROTOCOL_VERSION on any change.
import type { IndexOptions, IndexProgress, IndexStats, ReferenceLocation, SearchHit, SymbolLocation } from "./types";

export const INDEX_PROTOCOL_VERSION = 1;

/** The questions the worker answers, with what each returns. */
export type IndexQuery =
  | { kind: "search"; query: string; limit: number }
  | { kind: "definitions"; name: string; limit: number }
  | { kind: "references"; name: string; limit: number }
  | { kind: "repoMap"; query: string; tokenBudget: number }
  | { kind: "grep"; pattern: string; regex: boolean; limit: number };

export interface IndexAnswers {
  search: SearchHit[];
  definitions: SymbolLocation[];
  references: ReferenceLocation[];
  repoMap: string;
  grep: ReferenceLocation[];
}

export type IndexHostMessage =
  /** Open (or reconcile) the index for these options; answered by progress, then ready/failed/cancelled. */
  | { type: "start"; options: IndexOptions }
  | { type: "cancel" }
  | { type: "update"; requestId: string; paths: string[] }
  | { type: "remove"; requestId: string; paths: string[] }
  | { type: "query"; requestId: string; query: IndexQuery }
  | { type: "abort"; requestId: string }
  /** Write what is pending to disk, then answer "disposed". */
  | { type: "dispose" };

export type IndexWorkerMessage =
  | { type: "progress"; progress: IndexProgress }
  | { type: "ready"; stats: IndexStats }
  | { type: "cancelled" }
  | { type: "failed"; message: string }
  | { type: "result"; requestId: string; value: unknown }
  | { type: "error"; requestId: string; message: string }
  | { type: "disposed" };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function isOptions(v: unknown): v is IndexOptions {
  return (
    isObj(v) &&
    Array.isArray(v.roots) &&
    v.roots.every((r) => isObj(r) && isStr(r.name) && isStr(r.path)) &&
    isStrArr(v.excludeGlobs) &&
    isNum(v.maxFileBytes) &&
    isNum(v.maxFiles) &&
    (v.storageDir === undefined || isStr(v.storageDir))
  );
}

function isQuery(v: unknown): v is IndexQuery {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case "search":
      return isStr(v.query) && isNum(v.limit);
    case "definitions":
    case "references":
      return isStr(v.name) && isNum(v.limit);
    case "repoMap":
      return isStr(v.query) && isNum(v.tokenBudget);
    case "grep":
      return isStr(v.pattern) && typeof v.regex === "boolean" && isNum(v.limit);
    default:
      return false;
  }
}

export function parseIndexHostMessage(v: unknown): IndexHostMessage | undefined {
  if (!isObj(v) || !isStr(v.type)) return undefined;
  const m = v as Obj & { type: IndexHostMessage["type"] };
  switch (m.type) {
    case "start":
      return isOptions(m.options) ? (m as IndexHostMessage) : undefined;
    case "cancel":
    case "dispose":
      return m as IndexHostMessage;
    case "update":
    case "remove":
      return isStr(m.requestId) && isStrArr(m.paths) ? (m as IndexHostMessage) : undefined;
    case "query":
      return isStr(m.requestId) && isQuery(m.query) ? (m as IndexHostMessage) : undefined;
    case "abort":
      return isStr(m.requestId) ? (m as IndexHostMessage) : undefined;
    default: {
      const _exhaustive: never = m.type;
      void _exhaustive;
      return undefined;
    }
  }
}

function isProgress(v: unknown): v is IndexProgress {
  return isObj(v) && ["loading", "scanning", "indexing", "saving", "ready"].includes(v.phase as string) && isNum(v.done) && isNum(v.total);
}

function isStats(v: unknown): v is IndexStats {
  return (
    isObj(v) &&
    ["files", "chunks", "symbols", "filesOverCap", "buildMs"].every((k) => isNum(v[k])) &&
    isObj(v.skipped) &&
    ["binary", "tooLarge", "minified", "unreadable"].every((k) => isNum((v.skipped as Obj)[k]))
  );
}

export function parseIndexWorkerMessage(v: unknown): IndexWorkerMessage | undefined {
  if (!isObj(v) || !isStr(v.type)) return undefined;
  const m = v as Obj & { type: IndexWorkerMessage["type"] };
  switch (m.type) {
    case "progress":
      return isProgress(m.progress) ? (m as IndexWorkerMessage) : undefined;
    case "ready":
      return isStats(m.stats) ? (m as IndexWorkerMessage) : undefined;
    case "cancelled":
    case "disposed":
      return m as IndexWorkerMessage;
    case "failed":
      return isStr(m.message) ? (m as IndexWorkerMessage) : undefined;
    case "result":
      return isStr(m.requestId) && "value" in m ? (m as IndexWorkerMessage) : undefined;
    case "error":
      return isStr(m.requestId) && isStr(m.message) ? (m as IndexWorkerMessage) : undefined;
    default: {
      const _exhaustive: never = m.type;
      void _exhaustive;
      return undefined;
    }
  }
}

/** Whether a query's answer has the shape its kind promises (checked by the client before use). */
export function isAnswer<K extends IndexQuery["kind"]>(kind: K, value: unknown): value is IndexAnswers[K] {
  if (kind === "repoMap") return isStr(value);
  if (!Array.isArray(value)) return false;
  return value.every(
    (x) =>
      isObj(x) &&
      isStr(x.path) &&
      isStr(x.root) &&
      (kind === "search" || kind === "definitions"
        ? isNum(x.startLine) && isNum(x.endLine) && isStr(x.text)
        : isNum(x.line) && isStr(x.lineText)),
  );
}
