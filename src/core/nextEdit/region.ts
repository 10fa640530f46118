// The editable region of a next-edit request (as Zeta does): whole lines around the cursor that
// the model rewrites, plus read-only context above and below it. The region leans downwards
// (a quarter above the cursor line, the rest below): the next edit is more often further on
// (the next usage, the next call) than behind the one just made.

export interface RegionOptions {
  /** Lines in the editable region, at most. Default 40 (the goal is for regions up to 40 lines). */
  maxLines?: number;
  /** Lines of read-only context on each side. Default 30. */
  contextLines?: number;
}

export interface EditableRegion {
  /** 0-based first line, and the line after the last (exclusive). */
  startLine: number;
  endLine: number;
  /** Document offsets of the region's text. */
  start: number;
  end: number;
  /** The region's text: whole lines, each with its terminator (the file's last line may lack one). */
  text: string;
  /** The cursor, as an offset into `text`. */
  cursor: number;
  /** Read-only context above and below (whole lines). */
  before: string;
  after: string;
}

/** Lines with their terminators; the last may have none. */
export function linesOf(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

export function chooseRegion(text: string, cursorOffset: number, options: RegionOptions = {}): EditableRegion {
  const maxLines = Math.max(1, options.maxLines ?? 40);
  const contextLines = Math.max(0, options.contextLines ?? 30);
  const lines = linesOf(text);
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += l.length;
  }
  const offset = Math.max(0, Math.min(cursorOffset, text.length));
  let cursorLine = 0;
  while (cursorLine + 1 < lines.length && starts[cursorLine + 1] <= offset) cursorLine++;
  const total = Math.max(1, lines.length);
  const above = Math.floor((maxLines - 1) / 4);
  let startLine = Math.max(0, cursorLine - above);
  const endLine = Math.min(total, startLine + maxLines);
  // Near the end of the file: give the unused lines below to the lines above.
  startLine = Math.max(0, Math.min(startLine, endLine - maxLines));
  const offsetOf = (line: number) => (line >= lines.length ? text.length : starts[line]);
  const start = offsetOf(startLine);
  const end = offsetOf(endLine);
  return {
    startLine,
    endLine,
    start,
    end,
    text: text.slice(start, end),
    cursor: offset - start,
    before: text.slice(offsetOf(Math.max(0, startLine - contextLines)), start),
    after: text.slice(end, offsetOf(Math.min(total, endLine + contextLines))),
  };
}
