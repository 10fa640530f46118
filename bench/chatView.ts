// Benchmark (a program, not a test): is the chat view smooth? The real dist/webview.js runs in
// Chromium under the extension's own HTML shell and CSP, with a stand-in for VS Code's webview
// API. An answer of ~2,000 tokens (prose, lists, three 40-line highlighted code blocks) streams
// in at 100 tokens/s (one chunk every 10 ms) through the product's incremental renderer, and
// the same chunks through a naive baseline that re-renders the whole answer on every chunk
// (the product's own full render path, driven by a transcript replay per chunk: bench only).
// Then a long conversation (100 turns, 2,000+ markdown lines) is replayed, the answer streams
// again below it (does the cost per chunk stay flat?), the user scrolls while it streams, and
// the JS heap and DOM size are read through the DevTools protocol.
//
//   node out/bench/index.js chat [--quick] [--tokens 2000] [--turns 100] [--runs 2] [--bundle dist/webview.js]
//        [--before REF]   also measure the webview as it was at git revision REF (before/after)
import { existsSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Turn } from "../src/shared/protocol";
import { repoRoot } from "../test/helpers/tinyModel";
import { longConversation, streamedAnswer, tokenize } from "./lib/chatCorpus";
import { buildWebviewAt } from "./lib/webviewAtRef";
import type { ReplayFigures, StreamArgs } from "./lib/chatViewPage";
import { ChatPage, serve, type StreamSample } from "./lib/chatViewSession";
import type { ChatViewFigures, StreamSummary } from "./lib/chatViewFigures";
import { formatBeforeAfter, formatChatView } from "./lib/chatViewTable";
import { mean, median, percentile } from "./lib/stats";
import { flag, text } from "./lib/cliOptions";

export { formatBeforeAfter, formatChatView };
export type { ChatViewFigures, StreamSummary };

type BrowserLib = typeof import("../scripts/lib/browser.mjs", { with: { "resolution-mode": "import" } });

export interface ChatViewOptions {
  /** Tokens in the streamed answer. Default 2000. */
  tokens?: number;
  /** Turns in the long conversation. Default 100. */
  historyTurns?: number;
  /** Fenced 40-line code blocks in the answer. Default 3. */
  codeBlocks?: number;
  /** Streams per side (ours, naive), alternating. Default 2. */
  runs?: number;
  /** The webview bundle to measure. Default dist/webview.js. */
  bundle?: string;
  intervalMs?: number;
}

/** `--quick`: one 40-line code block, ~600 tokens, a 30-turn conversation, one stream per side. */
export const QUICK: ChatViewOptions = { tokens: 600, codeBlocks: 1, historyTurns: 30, runs: 1 };

function summarize(runs: StreamSample[]): StreamSummary {
  const per = runs.flatMap((r) => r.f.perChunkMs);
  const quarter = (which: "first" | "last") =>
    runs.flatMap(({ f }) => {
      const q = Math.max(1, Math.floor(f.perChunkMs.length / 4));
      return which === "first" ? f.perChunkMs.slice(0, q) : f.perChunkMs.slice(-q);
    });
  const chunks = runs.reduce((n, r) => n + r.f.chunks, 0);
  const sum = (k: string) => runs.reduce((n, r) => n + r.delta(k), 0);
  return {
    chunks: chunks / runs.length,
    fps: runs.reduce((n, r) => n + r.f.frames, 0) / (runs.reduce((n, r) => n + r.f.wallMs, 0) / 1000),
    longTasks: mean(runs.map((r) => r.f.longTasks.length)),
    longTaskMs: mean(runs.map((r) => r.f.longTasks.reduce((a, b) => a + b, 0))),
    chunkP50Ms: percentile(per, 50),
    chunkP95Ms: percentile(per, 95),
    firstQuarterMs: median(quarter("first")),
    lastQuarterMs: median(quarter("last")),
    busyPerChunkMs: (sum("TaskDuration") * 1000) / chunks,
    layoutPerChunkMs: (sum("LayoutDuration") * 1000) / chunks,
    styleMsPerChunk: (sum("RecalcStyleDuration") * 1000) / chunks,
    insertedPerChunk: runs.reduce((n, r) => n + r.f.insertedNodes, 0) / chunks,
    maxInsertedPerBatch: Math.max(...runs.map((r) => r.f.maxInsertedPerBatch)),
    lagP95Ms: percentile(
      runs.flatMap((r) => r.f.lagMs),
      95,
    ),
    wallS: mean(runs.map((r) => r.f.wallMs)) / 1000,
  };
}

const user = (id: string, content: string): Turn => ({ id, role: "user", content });
const mb = (bytes: number): number => bytes / 2 ** 20;

export async function measureChatView(o: ChatViewOptions = {}): Promise<ChatViewFigures> {
  const root = repoRoot();
  const bundle = o.bundle ?? path.join(root, "dist", "webview.js");
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  const intervalMs = o.intervalMs ?? 10;
  const answer = streamedAnswer(o.tokens ?? 2000, o.codeBlocks ?? 3);
  const chunks = tokenize(answer);
  const conversation = longConversation(o.historyTurns ?? 100);
  const server = await serve(bundle);
  const lib = (await import(pathToFileURL(path.join(root, "scripts/lib/browser.mjs")).href)) as BrowserLib;
  // About a sidebar's size.
  const browser = await lib.launchChromium({ viewport: { width: 420, height: 900 } });
  try {
    const chat = await ChatPage.create(browser.page, server.url);
    const q = user("u1", "Explain the update functions and show them in three languages.");
    const { ours, naive, finals } = await measureStreams(chat, { q, chunks, answer, intervalMs, runs: o.runs ?? 2 });
    const history = await measureHistory(chat, conversation, { q, chunks, answer, intervalMs });
    return {
      tokens: chunks.length,
      answerChars: answer.length,
      ours: summarize(ours),
      naive: summarize(naive),
      finalRenderMs: median(finals),
      history,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** What the streaming runs and the history runs share: the question, the answer and its chunks. */
interface StreamInput {
  q: Turn;
  chunks: string[];
  answer: string;
  intervalMs: number;
}

/** The answer streamed into an empty view, ours versus a naive full re-render, runs alternating. */
async function measureStreams(
  chat: ChatPage,
  { q, chunks, answer, intervalMs, runs }: StreamInput & { runs: number },
): Promise<{ ours: StreamSample[]; naive: StreamSample[]; finals: number[] }> {
  const ours: StreamSample[] = [];
  const naive: StreamSample[] = [];
  const finals: number[] = [];
  const collect = async (into: StreamSample[], args: StreamArgs) => into.push(await chat.stream(args));
  for (let run = 0; run < runs; run++) {
    // Alternate which side goes first: a machine that gets busier mid-run hits both.
    for (const side of run % 2 === 0 ? ["ours", "naive"] : ["naive", "ours"]) {
      await chat.open();
      if (side === "ours") {
        await chat.time({
          type: "transcript",
          conversationId: "bench",
          generating: true,
          turns: [q, { id: "a1", role: "assistant", content: "", streaming: true }],
        });
        await collect(ours, { requestId: "a1", chunks, intervalMs });
        finals.push((await chat.time({ type: "done", requestId: "a1", turn: { id: "a1", role: "assistant", content: answer } })).toFrameMs);
      } else {
        await chat.time({ type: "transcript", conversationId: "bench", generating: true, turns: [q] });
        await collect(naive, { requestId: "a1", chunks, intervalMs, naiveTurns: [q] });
      }
    }
  }
  return { ours, naive, finals };
}

/** A long conversation: replayed into a fresh view, a message sent, an answer streamed while the reader scrolls up. */
async function measureHistory(
  chat: ChatPage,
  history: { turns: Turn[]; lines: number },
  { q, chunks, answer, intervalMs }: StreamInput,
): Promise<ChatViewFigures["history"]> {
  // A replay into a fresh page (the view opened or reloaded), three times.
  const replays: ReplayFigures[] = [];
  for (let i = 0; i < 3; i++) {
    await chat.open();
    replays.push(await chat.replay({ type: "transcript", conversationId: "long", generating: false, turns: history.turns }));
  }
  const afterReplay = await chat.metrics(true);
  // Sending a message: the host replays the transcript with the question and the empty answer.
  const live = [...history.turns, q, { id: "a1", role: "assistant" as const, content: "", streaming: true }];
  const send = await chat.time({ type: "transcript", conversationId: "long", generating: true, turns: live });
  const withHistory = summarize([await chat.stream({ requestId: "a1", chunks, intervalMs })]);
  await chat.time({ type: "done", requestId: "a1", turn: { id: "a1", role: "assistant", content: answer } });
  // Scrolling up through the history while another answer streams.
  const q2 = user("u2", "And once more, please.");
  await chat.time({
    type: "transcript",
    conversationId: "long",
    generating: true,
    turns: [
      ...live.slice(0, -1),
      { id: "a1", role: "assistant", content: answer },
      q2,
      { id: "a2", role: "assistant", content: "", streaming: true },
    ],
  });
  const scroll = await chat.rawStream({
    requestId: "a2",
    chunks: chunks.slice(0, Math.min(chunks.length, 600)),
    intervalMs,
    scrollStepPx: 150,
    scrollEveryMs: 50,
  });
  await chat.time({ type: "done", requestId: "a2", turn: { id: "a2", role: "assistant", content: chunks.slice(0, 600).join("") } });
  const end = await chat.metrics(true);
  return {
    turns: history.turns.length,
    lines: history.lines,
    replayMs: median(replays.map((r) => r.toFrameMs)),
    replayHandlerMs: median(replays.map((r) => r.handlerMs)),
    replayCompleteMs: median(replays.map((r) => r.completeMs)),
    replayLongestScriptMs: median(replays.map((r) => r.longestScriptMs)),
    replayLongTasks: mean(replays.map((r) => r.longTasks)),
    replayLongestTaskMs: median(replays.map((r) => r.longestTaskMs)),
    sendMs: send.toFrameMs,
    heapMb: mb(afterReplay.JSHeapUsedSize),
    domNodes: afterReplay.Nodes,
    stream: withHistory,
    scrollP95Ms: percentile(scroll.scrollLatencyMs, 95),
    scrollSteps: scroll.scrollLatencyMs.length,
    scrollJumps: scroll.scrollJumps,
    scrollFps: scroll.frames / (scroll.wallMs / 1000),
    heapAfterMb: mb(end.JSHeapUsedSize),
    domNodesAfter: end.Nodes,
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: { quick: flag, tokens: text, turns: text, runs: text, bundle: text, before: text },
  });
  const o: ChatViewOptions = { ...(v.quick ? QUICK : {}) };
  if (v.tokens !== undefined) o.tokens = Number(v.tokens);
  if (v.turns !== undefined) o.historyTurns = Number(v.turns);
  if (v.runs !== undefined) o.runs = Number(v.runs);
  if (v.bundle !== undefined) o.bundle = path.resolve(v.bundle);
  const beforeRef = v.before;
  const before = beforeRef ? await measureChatView({ ...o, bundle: await buildWebviewAt(repoRoot(), beforeRef) }) : undefined;
  if (before) process.stdout.write(`== webview at ${beforeRef} ==\n${formatChatView(before)}\n== webview now ==\n`);
  const now = await measureChatView(o);
  process.stdout.write(formatChatView(now));
  if (before && beforeRef) process.stdout.write(`\n${formatBeforeAfter(beforeRef, before, now)}`);
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench/chatView: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
