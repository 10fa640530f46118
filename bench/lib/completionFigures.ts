// The inline-completion figures for the suite: bench/completion.ts (the completion engineer's
// typing-session benchmark) run as a child process and its table parsed, plus the reuse versus
// no-reuse comparison of ./completionReuse on the same session.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { CompletionService } from "../../src/core/completion/CompletionService";
import type { DocumentSnapshot } from "../../src/core/completion/types";
import { EngineClient } from "../../src/core/engineClient/EngineClient";
import { repoRoot } from "../../test/helpers/tinyModel";
import { SAMPLE_FILE, typingSession } from "../../test/unit/completion/typingSession";
import { compareReuse, type ReuseComparison } from "./completionReuse";

/** One debounce row of bench/completion.ts's session table; columns are found by their header
 *  words, since that table is still evolving. */
export interface SessionRow {
  debounceMs: number;
  p50Ms: number;
  p95Ms: number;
  cacheHitPercent: number;
  /** Prompt tokens evaluated (per keystroke or per request, as `evaluatedLabel` says). */
  evaluated: number;
  evaluatedLabel: string;
  columns: Record<string, string>;
}

export interface CompletionFigures {
  /** bench/completion.ts's raw output (printed in full runs). */
  raw: string;
  keystrokes: number;
  rows: SessionRow[];
  /** Mean prompt tokens evaluated per keystroke, every keystroke sent: ours and the naive FIM prompt. */
  oursEvaluatedPerKey: number;
  naiveEvaluatedPerKey: number;
  naiveOverOurs: number;
  reuse: ReuseComparison;
}

const num = (s: string | undefined): number => (s === undefined || s === "-" ? NaN : Number(s));

export function parseCompletionOutput(
  raw: string,
): Pick<CompletionFigures, "keystrokes" | "rows" | "oursEvaluatedPerKey" | "naiveEvaluatedPerKey" | "naiveOverOurs"> {
  const lines = raw.split("\n");
  const cells = (line: string): string[] => line.trim().split(/\s{2,}/);
  const headerAt = lines.findIndex((l) => /^debounce\s/.test(l));
  const header = headerAt >= 0 ? cells(lines[headerAt]) : [];
  const col = (words: RegExp): number => header.findIndex((h) => words.test(h));
  const rows: SessionRow[] = [];
  for (let i = headerAt + 1; headerAt >= 0 && i < lines.length && /^\s*\d+ ms\s/.test(lines[i]); i++) {
    const values = cells(lines[i]);
    const at = (c: number): number => num(c >= 0 ? values[c]?.replace(/\s*%$/, "") : undefined);
    const evalCol = col(/eval/);
    rows.push({
      debounceMs: num(values[0].replace(/\s*ms$/, "")),
      p50Ms: at(col(/p50/)),
      p95Ms: at(col(/p95/)),
      cacheHitPercent: at(col(/cache/)),
      evaluated: at(evalCol),
      evaluatedLabel: header[evalCol] ?? "",
      columns: Object.fromEntries(header.map((h, c) => [h, values[c] ?? ""])),
    });
  }
  return {
    keystrokes: num(/(\d+) keystrokes/.exec(raw)?.[1]),
    rows,
    oursEvaluatedPerKey: num(/^ours \(stable first\)\s+(\S+)/m.exec(raw)?.[1]),
    naiveEvaluatedPerKey: num(/^naive FIM-in-\[INST\]\s+(\S+)/m.exec(raw)?.[1]),
    naiveOverOurs: num(/ratio naive\/ours[^:]*:\s*([\d.]+)x/.exec(raw)?.[1]),
  };
}

function runCompletionBench(args: string[]): Promise<string> {
  const script = path.join(repoRoot(), "out", "bench", "completion.js");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, ...args], { cwd: repoRoot(), maxBuffer: 4 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`bench/completion failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

const OTHERS: DocumentSnapshot[] = [
  {
    uri: "file:///src/money.ts",
    path: "src/money.ts",
    languageId: "typescript",
    text: "export function formatPrice(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n}\n",
  },
];

/** Only the reuse comparison, on the first `keystrokes` keystrokes (for the bigger model, where a
 *  keystroke without reuse takes seconds). */
export async function measureReuse(options: {
  modelPath: string;
  maxTokens: number;
  threads: number;
  keystrokes: number;
}): Promise<ReuseComparison> {
  const client = new EngineClient({ enginePath: path.join(repoRoot(), "dist", "engine.js"), idleUnloadMs: 0 });
  try {
    await client.load({
      modelPath: options.modelPath,
      backend: "cpu",
      gpuLayers: 0,
      contextSize: 4096,
      threads: options.threads,
      flashAttention: "auto",
      useMmap: true,
      loraAdapters: [],
    });
    const service = new CompletionService({
      getBackend: async () => client,
      settings: () => ({ maxTokens: options.maxTokens, multiline: "auto", template: "" }),
    });
    return await compareReuse(client, service, typingSession(SAMPLE_FILE).slice(0, options.keystrokes), OTHERS, options.maxTokens);
  } finally {
    await client.dispose();
  }
}

export async function measureCompletion(options: {
  modelPath: string;
  debounces: number[];
  maxTokens: number;
  threads: number;
  reuseKeystrokes?: number;
}): Promise<CompletionFigures> {
  const raw = await runCompletionBench([
    "--model",
    options.modelPath,
    "--debounce",
    options.debounces.join(","),
    "--max-tokens",
    String(options.maxTokens),
    "--threads",
    String(options.threads),
  ]);
  const client = new EngineClient({ enginePath: path.join(repoRoot(), "dist", "engine.js"), idleUnloadMs: 0 });
  try {
    await client.load({
      modelPath: options.modelPath,
      backend: "cpu",
      gpuLayers: 0,
      contextSize: 4096,
      threads: options.threads,
      flashAttention: "auto",
      useMmap: true,
      loraAdapters: [],
    });
    const service = new CompletionService({
      getBackend: async () => client,
      settings: () => ({ maxTokens: options.maxTokens, multiline: "auto", template: "" }),
    });
    const steps = typingSession(SAMPLE_FILE).slice(0, options.reuseKeystrokes);
    const reuse = await compareReuse(client, service, steps, OTHERS, options.maxTokens);
    return { raw, ...parseCompletionOutput(raw), reuse };
  } finally {
    await client.dispose();
  }
}
