// An incremental parser for server-sent events (the WHATWG "event stream" format) as TGI, vLLM and
// llama-server send them: `data:` lines (one optional space after the colon), `event:`/`id:` fields,
// `:` comment lines (keep-alives), events ended by a blank line, and any of \r\n, \n or \r as the
// line end. Chunks may split anywhere, even between \r and \n.

export interface SseEvent {
  /** "message" unless the server named it. */
  event: string;
  /** The data lines joined with "\n". */
  data: string;
  id?: string;
}

export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private eventName = "";
  private id: string | undefined;
  private sawField = false;
  /** A chunk ended on "\r": a following "\n" belongs to the same line end. */
  private pendingCr = false;

  /** Feeds decoded text; returns the events completed by it. */
  push(chunk: string): SseEvent[] {
    if (this.pendingCr && chunk.startsWith("\n")) chunk = chunk.slice(1);
    this.pendingCr = false;
    this.buffer += chunk;
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
      const ev = this.line(line);
      if (ev) events.push(ev);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** At the end of the stream: an event whose blank line never came. The standard drops it; we return
   *  it so that callers can decide (a final TGI event cut before its blank line is still complete JSON). */
  end(): SseEvent | undefined {
    if (this.buffer) this.line(this.buffer);
    this.buffer = "";
    return this.dispatch();
  }

  private line(line: string): SseEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data": this.data.push(value); this.sawField = true; break;
      case "event": this.eventName = value; this.sawField = true; break;
      case "id": if (!value.includes("\0")) this.id = value; break;
      default: break; // "retry" and unknown fields are ignored, as the standard says.
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const had = this.sawField && this.data.length > 0;
    const ev: SseEvent = { event: this.eventName || "message", data: this.data.join("\n"), id: this.id };
    this.data = [];
    this.eventName = "";
    this.sawField = false;
    return had ? ev : undefined;
  }
}
