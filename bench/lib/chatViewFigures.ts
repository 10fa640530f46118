// What the chat-view benchmark (bench/chatView.ts) measures, as its table (chatViewTable.ts)
// prints it.

export interface StreamSummary {
  chunks: number;
  fps: number;
  longTasks: number;
  longTaskMs: number;
  chunkP50Ms: number;
  chunkP95Ms: number;
  /** Median script ms per chunk in the first and the last quarter of the answer. */
  firstQuarterMs: number;
  lastQuarterMs: number;
  /** Main-thread busy time (script, style, layout, paint) per chunk, DevTools TaskDuration. */
  busyPerChunkMs: number;
  layoutPerChunkMs: number;
  styleMsPerChunk: number;
  insertedPerChunk: number;
  maxInsertedPerBatch: number;
  lagP95Ms: number;
  wallS: number;
}

export interface ChatViewFigures {
  tokens: number;
  answerChars: number;
  ours: StreamSummary;
  naive: StreamSummary;
  /** The answer's last full render on `done`, ms. */
  finalRenderMs: number;
  history: {
    turns: number;
    lines: number;
    replayMs: number;
    replayHandlerMs: number;
    /** Until every turn is in the DOM and painted (the same as replayMs when not sliced), ms. */
    replayCompleteMs: number;
    /** The longest script task of the replay (handler, frame or idle callback), ms. */
    replayLongestScriptMs: number;
    /** Long tasks (> 50 ms, script + rendering) during the replay, and the longest, ms. */
    replayLongTasks: number;
    replayLongestTaskMs: number;
    /** A send in that conversation: the transcript replayed with two more turns, ms to the frame. */
    sendMs: number;
    heapMb: number;
    domNodes: number;
    stream: StreamSummary;
    scrollP95Ms: number;
    scrollSteps: number;
    scrollJumps: number;
    scrollFps: number;
    heapAfterMb: number;
    domNodesAfter: number;
  };
}
