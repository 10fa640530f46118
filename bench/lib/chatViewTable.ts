// The chat-view benchmark's tables: streaming (naive vs ours), the long conversation, and a
// before/after comparison of two webview bundles.
import type { ChatViewFigures, StreamSummary } from "./chatViewFigures";
import { fmt, ratio } from "./stats";
import { formatTable } from "./table";

export function formatChatView(r: ChatViewFigures): string {
  const row = (label: string, pick: (x: StreamSummary) => number, digits = 1, lowerIsBetter = true): string[] => {
    const n = pick(r.naive);
    const o = pick(r.ours);
    const q = lowerIsBetter ? ratio(n, o) : ratio(o, n);
    return [label, fmt(n, digits), fmt(o, digits), !Number.isFinite(q) ? "-" : lowerIsBetter ? `${fmt(q, 1)}x` : fmt(q, 2)];
  };
  const h = r.history;
  const streaming = formatTable(
    [`streaming ${r.tokens} tokens (${r.answerChars} chars) at ${fmt(1000 / 10, 0)} tok/s`, "naive", "ours", "naive ÷ ours"],
    [
      row("frames per second", (x) => x.fps, 1, false),
      row("long tasks > 50 ms (count per answer)", (x) => x.longTasks),
      row("long-task time per answer, ms", (x) => x.longTaskMs),
      row("script ms per chunk, p50", (x) => x.chunkP50Ms, 2),
      row("script ms per chunk, p95", (x) => x.chunkP95Ms, 2),
      row("  first quarter of the answer, median", (x) => x.firstQuarterMs, 2),
      row("  last quarter of the answer, median", (x) => x.lastQuarterMs, 2),
      row("main-thread busy ms per chunk (DevTools)", (x) => x.busyPerChunkMs, 2),
      row("  of it layout / style ms", (x) => x.layoutPerChunkMs + x.styleMsPerChunk, 2),
      row("DOM nodes inserted per chunk", (x) => x.insertedPerChunk),
      row("largest single DOM insertion, nodes", (x) => x.maxInsertedPerBatch, 0),
      row("chunk dispatch lag p95, ms (falling behind)", (x) => x.lagP95Ms),
      row("wall time of the stream, s", (x) => x.wallS, 1),
    ],
  );
  const flat = (pick: (x: StreamSummary) => number, digits = 2): [string, string, string] => [
    fmt(pick(r.ours), digits),
    fmt(pick(h.stream), digits),
    fmt(ratio(pick(h.stream), pick(r.ours)), 2),
  ];
  const long = formatTable(
    [`long conversation: ${h.turns} turns, ${h.lines} markdown lines`, "empty view", `with ${h.turns} turns`, "ratio"],
    [
      ["replay into a fresh view (transcript message → painted frame), ms", "", fmt(h.replayMs), ""],
      ["  of it in the message handler (markdown, highlight, DOM), ms", "", fmt(h.replayHandlerMs), ""],
      ["  until every turn is in the DOM and painted, ms", "", fmt(h.replayCompleteMs), ""],
      [
        "  longest script task of the replay, ms / long tasks > 50 ms (longest, ms)",
        "",
        `${fmt(h.replayLongestScriptMs)} / ${fmt(h.replayLongTasks, 1)} (${fmt(h.replayLongestTaskMs, 0)})`,
        "",
      ],
      ["send a message (replay with 2 more turns) → painted frame, ms", "", fmt(h.sendMs), ""],
      ["JS heap after replay (after GC), MB / DOM nodes", "", `${fmt(h.heapMb)} / ${fmt(h.domNodes, 0)}`, ""],
      ["streaming: script ms per chunk, p50", ...flat((x) => x.chunkP50Ms)],
      ["streaming: script ms per chunk, p95", ...flat((x) => x.chunkP95Ms)],
      ["streaming: main-thread busy ms per chunk", ...flat((x) => x.busyPerChunkMs)],
      ["streaming: layout + style ms per chunk", ...flat((x) => x.layoutPerChunkMs + x.styleMsPerChunk)],
      ["streaming: frames per second", ...flat((x) => x.fps, 1)],
      ["streaming: long tasks > 50 ms", ...flat((x) => x.longTasks, 1)],
      [`scrolling while streaming: scroll → next frame p95 ms (${h.scrollSteps} steps)`, "", fmt(h.scrollP95Ms), ""],
      ["  frames per second / jumps back to the bottom", "", `${fmt(h.scrollFps)} / ${h.scrollJumps}`, ""],
      ["JS heap after both answers (after GC), MB / DOM nodes", "", `${fmt(h.heapAfterMb)} / ${fmt(h.domNodesAfter, 0)}`, ""],
    ],
  );
  return `${streaming}\nfinal whole render of the answer on done: ${fmt(r.finalRenderMs)} ms (once)\n\n${long}`;
}

/** Before/after a webview change: the figures that a change to the renderer moves. */
export function formatBeforeAfter(ref: string, before: ChatViewFigures, after: ChatViewFigures): string {
  const row = (label: string, pick: (r: ChatViewFigures) => number, digits = 1): string[] => [
    label,
    fmt(pick(before), digits),
    fmt(pick(after), digits),
    `${fmt(ratio(pick(before), pick(after)), 2)}x`,
  ];
  const h = after.history;
  return formatTable(
    [`webview at ${ref} vs now (${h.turns}-turn conversation)`, "before", "after", "before ÷ after"],
    [
      row("send a message in the long conversation → painted frame, ms", (r) => r.history.sendMs),
      row("replay into a fresh view → first painted frame, ms", (r) => r.history.replayMs),
      row("replay: until every turn is in the DOM and painted, ms", (r) => r.history.replayCompleteMs),
      row("replay: longest script task, ms", (r) => r.history.replayLongestScriptMs),
      row("replay: longest task (longtask API, 0 = none over 50 ms), ms", (r) => r.history.replayLongestTaskMs),
      row("streaming, long conversation: script ms per chunk p50", (r) => r.history.stream.chunkP50Ms, 2),
      row("streaming, long conversation: script ms per chunk p95", (r) => r.history.stream.chunkP95Ms, 2),
      row("streaming, empty view: script ms per chunk p95", (r) => r.ours.chunkP95Ms, 2),
      row("streaming, empty view: main-thread busy ms per chunk", (r) => r.ours.busyPerChunkMs, 2),
      row("streaming, long conversation: main-thread busy ms per chunk", (r) => r.history.stream.busyPerChunkMs, 2),
      row("streaming, long ÷ empty view: busy ms per chunk", (r) => r.history.stream.busyPerChunkMs / r.ours.busyPerChunkMs, 2),
      row("streaming, long conversation: frames per second", (r) => r.history.stream.fps),
      row("JS heap after replay, MB", (r) => r.history.heapMb),
      row("streaming, empty view: frames per second", (r) => r.ours.fps),
      row("scroll → next frame p95 ms", (r) => r.history.scrollP95Ms),
      row("JS heap after both answers, MB", (r) => r.history.heapAfterMb),
    ],
  );
}
