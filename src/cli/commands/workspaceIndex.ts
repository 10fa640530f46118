// `mixtral-local index DIR [--stats]` and `mixtral-local search DIR "query" [--json] [--limit N]`:
// the workspace index through the same client and worker as the extension. The index is kept in
// the user's cache folder (--storage DIR to choose, --no-storage for memory only), so a second
// run only re-reads what changed.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { cliStorageDir, DEFAULT_EXCLUDE_GLOBS, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES } from "../../core/workspace/defaults";
import type { IndexOptions, IndexProgress, IndexStats } from "../../core/workspace/types";
import { WorkspaceIndexClient } from "../../core/workspace/WorkspaceIndexClient";

const COMMON = "[--storage DIR | --no-storage] [--exclude GLOB]... [--max-files N] [--max-file-size BYTES]";
const USAGE = {
  index: `usage: mixtral-local index DIR [--stats] ${COMMON}\n`,
  search: `usage: mixtral-local search DIR "query" [--json] [--limit N] ${COMMON}\n`,
};

type Verb = keyof typeof USAGE;

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      stats: { type: "boolean" },
      json: { type: "boolean" },
      limit: { type: "string", default: "10" },
      storage: { type: "string" },
      "no-storage": { type: "boolean" },
      exclude: { type: "string", multiple: true },
      "max-files": { type: "string", default: String(DEFAULT_MAX_FILES) },
      "max-file-size": { type: "string", default: String(DEFAULT_MAX_FILE_BYTES) },
      help: { type: "boolean", short: "h" },
    },
  });
}

function problemWith(verb: Verb, values: ReturnType<typeof parse>["values"], positionals: string[]): string | undefined {
  const wanted = verb === "index" ? 1 : 2;
  if (positionals.length !== wanted) return verb === "index" ? "expected one folder" : "expected a folder and a query";
  if (!fs.statSync(positionals[0], { throwIfNoEntry: false })?.isDirectory()) return `${positionals[0]} is not a folder`;
  if (verb === "index" && (values.json || values.limit !== "10")) return "--json and --limit belong to search";
  if (verb === "search" && values.stats) return "--stats belongs to index";
  for (const [name, value] of [
    ["limit", values.limit],
    ["max-files", values["max-files"]],
    ["max-file-size", values["max-file-size"]],
  ] as const) {
    if (!/^\d+$/.test(value ?? "") || Number(value) < 1) return `--${name} must be a positive integer, got "${value}"`;
  }
  return undefined;
}

export function runIndex(args: string[]): Promise<number> {
  return runVerb("index", args);
}

export function runSearch(args: string[]): Promise<number> {
  return runVerb("search", args);
}

async function runVerb(verb: Verb, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(args);
  } catch (err) {
    process.stderr.write(`mixtral-local ${verb}: ${(err as Error).message}\n${USAGE[verb]}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE[verb]);
    return 0;
  }
  const problem = problemWith(verb, values, positionals);
  if (problem) {
    process.stderr.write(`mixtral-local ${verb}: ${problem}\n${USAGE[verb]}`);
    return 2;
  }
  const folder = path.resolve(positionals[0]);
  const options: IndexOptions = {
    roots: [{ name: path.basename(folder), path: folder }],
    excludeGlobs: values.exclude?.length ? [...DEFAULT_EXCLUDE_GLOBS, ...values.exclude] : DEFAULT_EXCLUDE_GLOBS,
    maxFileBytes: Number(values["max-file-size"]),
    maxFiles: Number(values["max-files"]),
    storageDir: values["no-storage"] ? undefined : values.storage ? path.resolve(values.storage) : cliStorageDir(folder),
  };
  const client = new WorkspaceIndexClient();
  try {
    const stats = await client.start(options, verb === "index" ? progressPrinter() : undefined);
    if (!stats) throw new Error("indexing was cancelled");
    if (verb === "index") printIndexSummary(stats, options, Boolean(values.stats));
    else await printSearch(client, positionals[1], Number(values.limit), Boolean(values.json));
    return 0;
  } finally {
    await client.dispose();
  }
}

/** Progress on stderr, one line rewritten in place on a terminal, a line per phase otherwise. */
function progressPrinter(): (p: IndexProgress) => void {
  let lastPhase = "";
  return (p) => {
    if (process.stderr.isTTY)
      process.stderr.write(`\r${p.phase}${p.total ? ` ${p.done}/${p.total}` : ""}\u001b[K${p.phase === "ready" ? "\n" : ""}`);
    else if (p.phase !== lastPhase) process.stderr.write(`${p.phase}...\n`);
    lastPhase = p.phase;
  };
}

function printIndexSummary(stats: IndexStats, options: IndexOptions, asJson: boolean): void {
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ ...stats, storageDir: options.storageDir ?? null }, null, 2)}\n`);
  } else {
    const s = stats.skipped;
    process.stdout.write(
      `indexed ${stats.files} files (${stats.chunks} chunks, ${stats.symbols} symbols) in ${(stats.buildMs / 1000).toFixed(1)} s; ` +
        `skipped ${s.binary} binary, ${s.minified} minified, ${s.tooLarge} over ${options.maxFileBytes} bytes, ${s.unreadable} unreadable\n`,
    );
  }
  if (stats.filesOverCap > 0) {
    process.stderr.write(
      `mixtral-local index: ${stats.filesOverCap} more files were left out: the index stops at ${options.maxFiles} files. ` +
        `Raise --max-files or exclude folders with --exclude.\n`,
    );
  }
}

async function printSearch(client: WorkspaceIndexClient, query: string, limit: number, asJson: boolean): Promise<void> {
  const hits = await client.search(query, { limit });
  if (asJson) {
    const rows = hits.map((h) => ({
      path: h.path,
      startLine: h.startLine,
      endLine: h.endLine,
      symbol: h.symbol ?? null,
      score: Number(h.score.toFixed(4)),
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (!hits.length) process.stderr.write("no matches\n");
  for (const h of hits)
    process.stdout.write(`${h.path}:${h.startLine}-${h.endLine}${h.symbol ? `  ${h.symbol}` : ""}  (${h.score.toFixed(2)})\n`);
}
