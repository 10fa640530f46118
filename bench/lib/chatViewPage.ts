// The in-page half of the chat-view benchmark. These functions are serialised by playwright and
// run inside the chat webview page, so they may use nothing from this module's scope. Chunks are
// dispatched from inside the page on a clock (a round trip to Node per chunk would be the
// bottleneck), synchronously through the page's own `message` listener, so the handler's cost
// is measured where it runs.
import type { HostToWebview, Turn } from "../../src/shared/protocol";

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any,
  document: any,
  performance: any,
  MessageEvent: any,
  MessageChannel: any,
  MutationObserver: any,
  PerformanceObserver: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Runs before the bundle: times every requestAnimationFrame and idle callback (the product
 *  renders in them), keeping the original rAF for the benchmark's own frame counter. */
export function instrumentPage(): void {
  const raf = window.requestAnimationFrame.bind(window);
  const ric = window.requestIdleCallback.bind(window);
  const bench = { raf, work: 0, longestCallback: 0 };
  window.__bench = bench;
  const timed =
    <A>(cb: (a: A) => void) =>
    (a: A) => {
      const s = performance.now();
      try {
        cb(a);
      } finally {
        const ms = performance.now() - s;
        bench.work += ms;
        bench.longestCallback = Math.max(bench.longestCallback, ms);
      }
    };
  window.requestAnimationFrame = (cb: (t: number) => void) => raf(timed(cb));
  window.requestIdleCallback = (cb: (d: unknown) => void, o?: unknown) => ric(timed(cb), o);
}

export interface StreamArgs {
  requestId: string;
  chunks: string[];
  intervalMs: number;
  /** Baseline only: instead of `chunk` messages, re-render the whole answer on every chunk (a
   *  full transcript replay of these turns plus the answer so far). */
  naiveTurns?: Turn[];
  /** Scroll the transcript up by this many pixels every `scrollEveryMs` while streaming. */
  scrollStepPx?: number;
  scrollEveryMs?: number;
}

export interface StreamFigures {
  chunks: number;
  wallMs: number;
  frames: number;
  /** Script time attributed to each chunk: its message handler plus the animation-frame work
   *  that ran before the next chunk. */
  perChunkMs: number[];
  /** How late each chunk was dispatched against its schedule (the page falling behind). */
  lagMs: number[];
  longTasks: number[];
  /** DOM nodes inserted into the transcript (each inserted subtree counted whole). */
  insertedNodes: number;
  maxInsertedPerBatch: number;
  /** Scroll step → the next frame, ms; and how often the view jumped back to the bottom after
   *  the user had scrolled up. */
  scrollLatencyMs: number[];
  scrollJumps: number;
}

/** The reader of `a.scrollStepPx`: scrolls the transcript up step by step while the answer
 *  streams (started just before streamInPage, which stops it), timing each step to the next frame
 *  and counting the times streaming pulled the view back down. */
export function startScrollReader(a: StreamArgs): void {
  const bench = window.__bench as {
    raf: (cb: () => void) => number;
    scroll?: { stop(): Promise<{ scrollLatencyMs: number[]; scrollJumps: number }> };
  };
  bench.scroll = undefined;
  if (a.scrollStepPx === undefined) return;
  const scroller = document.querySelector("main.scroller");
  const nextFrame = () => new Promise<void>((r) => bench.raf(() => r()));
  let scrolling = true;
  const scrollLatencyMs: number[] = [];
  let scrollJumps = 0;
  const scrollLoop = async () => {
    scroller.scrollTop = scroller.scrollHeight; // start at the bottom, as a reader would be
    await nextFrame();
    while (scrolling) {
      const target = Math.max(0, scroller.scrollTop - (a.scrollStepPx ?? 0));
      const s = performance.now();
      scroller.scrollTop = target;
      await nextFrame();
      scrollLatencyMs.push(performance.now() - s);
      // What the reader looks at: the turn in the middle of the view, and where it is on screen.
      const box = scroller.getBoundingClientRect();
      const seen = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)?.closest("article");
      const seenTop = seen?.getBoundingClientRect().top;
      await new Promise((r) => setTimeout(r, a.scrollEveryMs ?? 100));
      // The user scrolled up: streaming must not pull the view back down. A larger scrollTop
      // alone is not a jump when the text in view stayed put (the browser's scroll anchoring
      // compensating for turns above taking their real height); moving up is not one either
      // (the view clamps when a re-rendered tail is briefly shorter).
      const moved = seen && seen.isConnected ? seenTop - seen.getBoundingClientRect().top > 2 : true;
      if (scroller.scrollTop > target + 2 && moved) scrollJumps++;
      if (target === 0) scroller.scrollTop = scroller.scrollHeight;
    }
  };
  const scrollDone = scrollLoop();
  bench.scroll = {
    async stop() {
      scrolling = false;
      await scrollDone;
      return { scrollLatencyMs, scrollJumps };
    },
  };
}

export async function streamInPage(a: StreamArgs): Promise<StreamFigures> {
  const bench = window.__bench as {
    raf: (cb: () => void) => number;
    work: number;
    scroll?: { stop(): Promise<{ scrollLatencyMs: number[]; scrollJumps: number }> };
  };
  const dispatch = (data: HostToWebview) => window.dispatchEvent(new MessageEvent("message", { data }));
  const transcript = document.getElementById("transcript");
  let inserted = 0;
  let maxBatch = 0;
  const countAdded = (records: { addedNodes: ArrayLike<{ getElementsByTagName?: (t: string) => { length: number } }> }[]) => {
    let batch = 0;
    for (const r of records)
      for (const n of Array.from(r.addedNodes)) batch += 1 + (n.getElementsByTagName ? n.getElementsByTagName("*").length : 0);
    inserted += batch;
    maxBatch = Math.max(maxBatch, batch);
  };
  const mo = new MutationObserver(countAdded);
  mo.observe(transcript, { childList: true, subtree: true });
  const longTasks: number[] = [];
  const po = new PerformanceObserver((list: { getEntries(): { duration: number }[] }) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  po.observe({ type: "longtask" });
  let frames = 0;
  let counting = true;
  const tick = () => {
    if (!counting) return;
    frames++;
    bench.raf(tick);
  };
  bench.raf(tick);
  const nextFrame = () => new Promise<void>((r) => bench.raf(() => r()));

  // A zero-delay macrotask without setTimeout's 4 ms clamp for nested timers.
  const channel = new MessageChannel();
  const yieldTask = () =>
    new Promise<void>((r) => {
      channel.port1.onmessage = () => r();
      channel.port2.postMessage(0);
    });
  const perChunkMs: number[] = [];
  const lagMs: number[] = [];
  let content = "";
  let lastHandlerMs = 0;
  let workMark = bench.work;
  const t0 = performance.now();
  for (let i = 0; i < a.chunks.length; i++) {
    const due = t0 + i * a.intervalMs;
    const wait = due - performance.now();
    // Each chunk in its own task, as postMessage delivers them, also when the page is behind.
    await (wait > 0 ? new Promise((r) => setTimeout(r, wait)) : yieldTask());
    if (i > 0) perChunkMs.push(lastHandlerMs + (bench.work - workMark));
    lagMs.push(Math.max(0, performance.now() - due));
    content += a.chunks[i];
    const s = performance.now();
    if (a.naiveTurns) {
      dispatch({
        type: "transcript",
        conversationId: "bench",
        generating: true,
        turns: [...a.naiveTurns, { id: a.requestId, role: "assistant", content }],
      });
    } else {
      dispatch({ type: "chunk", requestId: a.requestId, text: a.chunks[i] });
    }
    lastHandlerMs = performance.now() - s;
    workMark = bench.work;
  }
  // Let the last chunk render.
  await nextFrame();
  await nextFrame();
  perChunkMs.push(lastHandlerMs + (bench.work - workMark));
  const wallMs = performance.now() - t0;
  counting = false;
  const { scrollLatencyMs, scrollJumps } = bench.scroll ? await bench.scroll.stop() : { scrollLatencyMs: [], scrollJumps: 0 };
  countAdded(mo.takeRecords());
  mo.disconnect();
  po.disconnect();
  return {
    chunks: a.chunks.length,
    wallMs,
    frames,
    perChunkMs,
    lagMs,
    longTasks,
    insertedNodes: inserted,
    maxInsertedPerBatch: maxBatch,
    scrollLatencyMs,
    scrollJumps,
  };
}

/** Dispatches one message and resolves with the time until the frame after it has been
 *  produced (handler, then style, layout and paint of that frame). */
export async function timeMessage(m: HostToWebview): Promise<{ handlerMs: number; toFrameMs: number }> {
  const bench = window.__bench as { raf: (cb: () => void) => number };
  const s = performance.now();
  window.dispatchEvent(new MessageEvent("message", { data: m }));
  const handlerMs = performance.now() - s;
  // The first callback runs before that frame's paint, the second one after it.
  await new Promise<void>((r) => bench.raf(() => bench.raf(() => r())));
  return { handlerMs, toFrameMs: performance.now() - s };
}

export interface ReplayFigures {
  handlerMs: number;
  /** To the first painted frame after the message. */
  toFrameMs: number;
  /** Until every turn is in the DOM (the view no longer `aria-busy`) and painted. */
  completeMs: number;
  /** The longest script task: the handler, or one frame or idle callback. */
  longestScriptMs: number;
  longTasks: number;
  longestTaskMs: number;
}

/** Dispatches a transcript and waits, frame by frame, until all of it is rendered. Works for a
 *  bundle that renders the whole replay at once (then complete = first frame). */
export async function timeReplay(m: HostToWebview & { type: "transcript" }): Promise<ReplayFigures> {
  const bench = window.__bench as { raf: (cb: () => void) => number; longestCallback: number };
  const root = document.getElementById("transcript");
  const longTasks: number[] = [];
  const po = new PerformanceObserver((list: { getEntries(): { duration: number }[] }) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  po.observe({ type: "longtask" });
  const frame = () => new Promise<void>((r) => bench.raf(() => r()));
  bench.longestCallback = 0;
  const s = performance.now();
  window.dispatchEvent(new MessageEvent("message", { data: m }));
  const handlerMs = performance.now() - s;
  await frame();
  await frame();
  const toFrameMs = performance.now() - s;
  while (root.children.length < m.turns.length || root.hasAttribute("aria-busy")) await frame();
  await frame();
  const completeMs = performance.now() - s;
  // Long-task entries arrive asynchronously.
  await new Promise((r) => setTimeout(r, 100));
  for (const e of po.takeRecords()) longTasks.push(e.duration);
  po.disconnect();
  return {
    handlerMs,
    toFrameMs,
    completeMs,
    longestScriptMs: Math.max(handlerMs, bench.longestCallback),
    longTasks: longTasks.length,
    longestTaskMs: Math.max(0, ...longTasks),
  };
}
