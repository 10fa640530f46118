// Shared pieces of the GPU benchmark: prompts with a known token count, timing helpers and the
// results file (one JSON object per line, read back by report.ts).
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";

// Each of these is one token of the shaped model's vocabulary when preceded by a space (the tiny
// SentencePiece vocabulary holds "▁<word>" for each), so N words make N tokens.
const WORDS = [
  "the",
  "value",
  "of",
  "list",
  "item",
  "in",
  "for",
  "each",
  "data",
  "code",
  "file",
  "line",
  "test",
  "call",
  "result",
  "and",
  "with",
  "to",
];

/** `words` single-token words; a different `salt` (0..17) changes the first word, so no run reuses
 *  another's KV cache. */
export function promptText(words: number, salt: number): string {
  return Array.from({ length: words }, (_, i) => WORDS[(i * 7 + salt) % WORDS.length]).join(" ");
}

export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Per-token arrival times → decode rate over the tokens after the first (the first carries the prompt). */
export function decodeRate(times: number[]): number {
  return times.length > 1 ? ((times.length - 1) * 1000) / (times[times.length - 1] - times[0]) : 0;
}

export interface Result {
  /** "direct" | "engine" | … */
  path: string;
  /** What was measured, e.g. "decode@512". */
  test: string;
  model: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

export function record(file: string, result: Result): void {
  appendFileSync(file, JSON.stringify(result) + "\n");
  const extra = Object.entries(result)
    .filter(([k]) => !["path", "test", "model", "value", "unit"].includes(k))
    .map(([k, v]) => `${k}=${typeof v === "number" ? +v.toFixed(2) : String(v)}`)
    .join(" ");
  process.stdout.write(
    `  ${result.path.padEnd(8)} ${result.test.padEnd(28)} ${result.value.toFixed(2).padStart(10)} ${result.unit.padEnd(6)} ${result.model} ${extra}\n`,
  );
}

/** The value of `--name value` (node's util.parseArgs, the other options left to their readers). */
export function argValue(argv: string[], name: string, fallback?: string): string {
  const value = parseArgs({ args: argv, strict: false, allowPositionals: true, options: { [name]: { type: "string" } } }).values[name];
  if (typeof value === "string") return value;
  if (fallback === undefined) throw new Error(`missing --${name}`);
  return fallback;
}
