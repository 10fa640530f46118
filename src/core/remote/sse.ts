// Server-sent events as TGI, vLLM, llama-server and OpenAI send them, parsed by eventsource-parser
// (the WHATWG "event stream" rules: `data:` lines, `event:`/`id:` fields, `:` keep-alive comments,
// \r\n, \n or \r line ends, chunks split anywhere, even between \r and \n).
import { createParser, type EventSourceMessage } from "eventsource-parser";

export type SseEvent = EventSourceMessage;

/** The events of a stream of decoded text. At its end, an event whose blank line never came is
 *  yielded too: the standard drops it, but a final TGI event cut before its blank line is still
 *  complete JSON, and the caller decides. */
export async function* sseEvents(chunks: AsyncIterable<string>): AsyncGenerator<SseEvent> {
  const ready: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  for await (const chunk of chunks) {
    parser.feed(chunk);
    yield* ready.splice(0);
  }
  // Ends a last line (or a pending "\r\n") and the event, if one was open.
  parser.feed("\n\n");
  yield* ready.splice(0);
}
