// The scale figures of the workspace index as table rows, each beside issue 24's goal.
import type { ScaleFigures } from "../retrievalScale";
import { fmt, median, percentile } from "./stats";
import type { Row } from "./table";

const int = (n: number): string => Math.round(n).toLocaleString("en-US");

export function scaleRows(f: ScaleFigures): Row[] {
  const s = f.stats;
  const onDisk = f.repos.reduce((a, r) => a + r.files, 0);
  const skipped = s.skipped.binary + s.skipped.tooLarge + s.skipped.minified + s.skipped.unreadable;
  return [
    [
      `files indexed (of ${int(onDisk)} in the folder; ${int(skipped)} skipped, ${int(s.filesOverCap)} over the cap)`,
      `${int(s.files)} (${int(s.chunks)} chunks, ${int(s.symbols)} symbols)`,
      "≥ 50,000",
    ],
    [
      "full index, s: wall (client.start() to ready, stored to disk) / CPU time of the process",
      `${fmt(f.fullIndexMs / 1000, 1)} / ${fmt(f.fullIndexCpuMs / 1000, 1)}`,
      "≤ 60",
    ],
    [`peak RSS, MB (the process: host side + worker thread; ${fmt(f.rssBeforeMb, 0)} MB before)`, fmt(f.peakRssMb, 0), "≤ 500"],
    [
      `one changed file re-indexed, ms: median / max of ${f.updateMs.length} (found right after: ${f.updatesFound}/${f.updateMs.length}); CPU median`,
      `${fmt(median(f.updateMs), 1)} / ${fmt(Math.max(...f.updateMs), 1)}; ${fmt(median(f.updateCpuMs), 1)}`,
      "≤ 100",
    ],
    [
      `query, ms: p50 / p95 (${f.queryMs.length} commit messages, 20 hits); CPU p50 / p95`,
      `${fmt(median(f.queryMs), 1)} / ${fmt(percentile(f.queryMs, 95), 1)}; ${fmt(median(f.queryCpuMs), 1)} / ${fmt(percentile(f.queryCpuMs, 95), 1)}`,
      "p50 ≤ 50",
    ],
    [
      "host event-loop delay while indexing, ms: p99 / max (idle, same process: p99 / max)",
      `${fmt(f.loopDelay.indexingP99, 1)} / ${fmt(f.loopDelay.indexingMax, 1)} (${fmt(f.loopDelay.idleP99, 1)} / ${fmt(f.loopDelay.idleMax, 1)})`,
      "p99 ≤ 50",
    ],
    [
      `CPU when idle, % of one core (5 s, once a second was quiet: ${fmt(f.settleMs / 1000, 1)} s after the last update)`,
      fmt(f.idleCpuPercent, 2),
      "0",
    ],
    [`reopen the stored index (${fmt(f.storedMb, 0)} MB on disk; new client, reconcile with the disk), s`, fmt(f.reopenMs / 1000, 1), ""],
  ];
}
