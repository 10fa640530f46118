// The suite's summary table: one row per figure, baseline and ours side by side with their ratio
// and the goal. Each section of the suite adds its rows only when it ran.
import type { CancelFigures } from "../cancel";
import type { ChatViewFigures } from "../chatView";
import type { EngineOverhead } from "../engine";
import type { HostCost } from "../host";
import { nextEditSummary, type NextEditRun } from "../nextedit";
import type { SpecDecodeRun } from "../specdec";
import type { CompletionFigures } from "./completionFigures";
import type { ReuseComparison } from "./completionReuse";
import { fmt, ratio } from "./stats";
import type { Row } from "./table";

/** What the suite measured; a section that failed or was skipped leaves its field unset. */
export interface SuiteFigures {
  tiny?: EngineOverhead;
  big?: EngineOverhead;
  completion?: CompletionFigures;
  /** KV reuse versus none on the ~800 MB model (full runs only). */
  reuseBig?: ReuseComparison;
  cancel?: CancelFigures;
  host?: HostCost;
  chat?: ChatViewFigures;
  /** Speculative decoding on real edits, ~800 MB model. */
  specdec?: SpecDecodeRun;
  /** Next-edit suggestions on real multi-hunk commits, ~800 MB model. */
  nextedit?: NextEditRun;
}

export function summaryRows(f: SuiteFigures): Row[] {
  return [
    ...overheadRows("tiny model", f.tiny),
    ...overheadRows("800 MB model", f.big),
    ...completionRows(f.completion, f.reuseBig),
    ...cancelRows(f.cancel),
    ...specDecodeRows(f.specdec),
    ...nextEditRows(f.nextedit),
    ...hostRows(f.host),
    ...chatViewRows(f.chat),
  ];
}

function overheadRows(label: string, r: EngineOverhead | undefined): Row[] {
  const rows: Row[] = [];
  if (!r) return rows;
  rows.push([`${label}: decode tok/s`, fmt(r.direct.tokensPerSecond), fmt(r.engine.tokensPerSecond), fmt(r.decodeRatio, 3), "≥ 0.97"]);
  rows.push([
    `${label}: decode tok/s, best run`,
    fmt(r.direct.bestTokensPerSecond),
    fmt(r.engine.bestTokensPerSecond),
    fmt(ratio(r.engine.bestTokensPerSecond, r.direct.bestTokensPerSecond), 3),
    "≥ 0.97",
  ]);
  rows.push([
    `${label}: TTFT ms (${r.promptTokens}-token prompt)`,
    fmt(r.direct.ttftMs),
    fmt(r.engine.ttftMs),
    `${r.ttftDiffMs >= 0 ? "+" : ""}${fmt(r.ttftDiffMs)} ms`,
    "",
  ]);
  return rows;
}

function completionRows(c: CompletionFigures | undefined, reuseBig: ReuseComparison | undefined): Row[] {
  const rows: Row[] = [];
  if (c) {
    const row = c.rows.find((r) => r.debounceMs === 100) ?? c.rows[0];
    if (row) {
      rows.push([
        `completion session (debounce ${row.debounceMs} ms): keystroke→suggestion p50 / p95 ms`,
        "",
        `${fmt(row.p50Ms)} / ${fmt(row.p95Ms)}`,
        "",
        "",
      ]);
      rows.push([
        `  prompt tokens evaluated (${row.evaluatedLabel}) / cache hit rate`,
        "",
        `${fmt(row.evaluated)} / ${fmt(row.cacheHitPercent)} %`,
        "",
        "",
      ]);
    }
    const r = c.reuse;
    rows.push([
      `tiny model, every keystroke, no reuse vs reuse: latency p50 ms (${r.keystrokes} keys)`,
      fmt(r.noReuse.p50Ms),
      fmt(r.reuse.p50Ms),
      `${fmt(r.latencyRatio, 1)}x faster`,
      "",
    ]);
    rows.push([
      "  tokens evaluated per keystroke",
      fmt(r.noReuse.evaluatedPerKey),
      fmt(r.reuse.evaluatedPerKey),
      `${fmt(r.evaluatedRatio, 1)}x fewer`,
      "new + a handful",
    ]);
    if (reuseBig) {
      const b = reuseBig;
      rows.push([
        `800 MB model, no reuse vs reuse: latency p50 ms (${b.keystrokes} keys)`,
        fmt(b.noReuse.p50Ms),
        fmt(b.reuse.p50Ms),
        `${fmt(b.latencyRatio, 1)}x faster`,
        "",
      ]);
      rows.push([
        "  tokens evaluated per keystroke",
        fmt(b.noReuse.evaluatedPerKey),
        fmt(b.reuse.evaluatedPerKey),
        `${fmt(b.evaluatedRatio, 1)}x fewer`,
        "new + a handful",
      ]);
    }
    if (Number.isFinite(c.naiveOverOurs))
      rows.push([
        "  naive FIM prompt vs ours: tokens evaluated per keystroke",
        fmt(c.naiveEvaluatedPerKey),
        fmt(c.oursEvaluatedPerKey),
        `${fmt(c.naiveOverOurs, 1)}x fewer`,
        "",
      ]);
  }
  return rows;
}

function cancelRows(k: CancelFigures | undefined): Row[] {
  const rows: Row[] = [];
  if (k) {
    rows.push([
      `abort during prompt eval → engine free, ms (${k.promptTokens}-token prompt)`,
      fmt(k.direct.prompt.freeMs),
      fmt(k.engine.prompt.freeMs),
      fmt(ratio(k.direct.prompt.freeMs, k.engine.prompt.freeMs), 1) + "x",
      "",
    ]);
    rows.push(["abort during generation → engine free, ms", fmt(k.direct.generation.freeMs), fmt(k.engine.generation.freeMs), "", ""]);
  }
  return rows;
}

function specDecodeRows(sd: SpecDecodeRun | undefined): Row[] {
  const rows: Row[] = [];
  if (sd) {
    for (const arm of ["auto", "always"] as const) {
      const x = sd.summary[arm];
      if (x)
        rows.push([
          `speculative decoding "${arm}", real edits keeping most lines: decode ratio median (p25–p75)`,
          "1",
          `${fmt(x.median, 2)} (${fmt(x.p25, 2)}–${fmt(x.p75, 2)})`,
          `${fmt(100 * x.acceptedShare, 0)} % drafted accepted`,
          arm === "auto" ? "≥ 2 (GPU)" : "",
        ]);
    }
    if (sd.chat) {
      rows.push([
        "speculative decoding, free chat with nothing to copy: tok/s",
        fmt(sd.chat.off),
        fmt(sd.chat.auto),
        fmt(sd.chat.ratio, 3),
        "≥ 0.97",
      ]);
      rows.push(["  best run", fmt(sd.chat.bestOff), fmt(sd.chat.bestAuto), fmt(sd.chat.bestRatio, 3), "≥ 0.97"]);
    }
  }
  return rows;
}

function nextEditRows(run: NextEditRun | undefined): Row[] {
  const rows: Row[] = [];
  const ne = run && nextEditSummary(run);
  if (ne)
    rows.push([
      `next edit, ${ne.cases} real commits: request → suggestion p50 / p95 ms, speculation off vs auto`,
      `${fmt(ne.off.p50)} / ${fmt(ne.off.p95)}`,
      `${fmt(ne.auto.p50)} / ${fmt(ne.auto.p95)}`,
      `${fmt(ne.auto.generatedShare * 100, 0)} % of tokens generated, ${ne.exact}/${ne.cases} exact`,
      "p50 ≤ 300 (GPU)",
    ]);
  return rows;
}

function hostRows(h: HostCost | undefined): Row[] {
  const rows: Row[] = [];
  if (h) {
    rows.push(["require(dist/extension.js) ms (stub vscode, module load only)", "", fmt(h.requireMs), "", ""]);
    rows.push([
      "host RSS MB (model in engine) vs engine peak RSS MB",
      fmt(h.enginePeakMb),
      fmt(h.hostRssMb),
      fmt(ratio(h.hostRssMb, h.enginePeakMb), 3),
      "host holds no model",
    ]);
    rows.push(["dist/extension.js KB", "", fmt(h.extensionBytes / 1024), "", ""]);
  }
  return rows;
}

function chatViewRows(v: ChatViewFigures | undefined): Row[] {
  const rows: Row[] = [];
  if (v) {
    rows.push([
      `chat view, ${v.tokens} tokens at 100 tok/s (naive full re-render vs ours): frames/s`,
      fmt(v.naive.fps),
      fmt(v.ours.fps),
      "",
      "60",
    ]);
    rows.push([
      "  script ms per chunk p95 / long tasks > 50 ms",
      `${fmt(v.naive.chunkP95Ms, 2)} / ${fmt(v.naive.longTasks, 0)}`,
      `${fmt(v.ours.chunkP95Ms, 2)} / ${fmt(v.ours.longTasks, 0)}`,
      `${fmt(ratio(v.naive.chunkP95Ms, v.ours.chunkP95Ms), 1)}x`,
      "",
    ]);
    rows.push([
      "  DOM nodes inserted per chunk",
      fmt(v.naive.insertedPerChunk),
      fmt(v.ours.insertedPerChunk),
      `${fmt(ratio(v.naive.insertedPerChunk, v.ours.insertedPerChunk), 1)}x fewer`,
      "",
    ]);
    const hv = v.history;
    rows.push([
      `chat view, ${hv.turns}-turn conversation (${hv.lines} lines): busy ms per chunk, empty vs long`,
      fmt(v.ours.busyPerChunkMs, 2),
      fmt(hv.stream.busyPerChunkMs, 2),
      fmt(ratio(hv.stream.busyPerChunkMs, v.ours.busyPerChunkMs), 2),
      "flat (≈ 1)",
    ]);
    rows.push(["  replay into a fresh view / send a message, ms", "", `${fmt(hv.replayMs)} / ${fmt(hv.sendMs)}`, "", ""]);
  }
  return rows;
}
