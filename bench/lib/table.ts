// Plain-text tables for benchmark output: left-aligned first column, right-aligned numbers.
export type Row = readonly string[];

export function formatTable(header: Row, rows: readonly Row[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const line = (r: Row): string =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n") + "\n";
}

/** The same table as GitHub Markdown (for pasting into BENCHMARKS.md). */
export function formatMarkdownTable(header: Row, rows: readonly Row[]): string {
  const line = (r: Row): string => `| ${r.join(" | ")} |`;
  return [line(header), `|${header.map((_, c) => (c === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.map(line)].join("\n") + "\n";
}
