// The pure parts: the SSE parser, client-side stop strings, the prompt text sent to servers,
// the error-message parsers.
import * as assert from "node:assert/strict";
import { sseEvents, type SseEvent } from "../../../src/core/remote/sse";
import { StopFilter } from "../../../src/core/remote/stopFilter";
import { promptTextForServer } from "../../../src/core/remote/promptText";
import { parsePromptTooLong } from "../../../src/core/remote/responseErrors";
import { buildMixtralPrompt, renderPromptText } from "../../../src/core/prompt/mixtralFormat";

async function events(chunks: string[]): Promise<SseEvent[]> {
  async function* stream() {
    yield* chunks;
  }
  const out: SseEvent[] = [];
  for await (const ev of sseEvents(stream())) out.push(ev);
  return out;
}

describe("remote/parsing", () => {
  it("SSE: events split anywhere, CRLF and CR line ends, comments, multi-line data, event names", async () => {
    const text = ': hello\r\ndata:{"a":1}\r\n\r\nevent: done\ndata: line1\ndata: line2\n\nid: 7\rdata:x\r\r';
    const whole = await events([text]);
    assert.deepEqual(
      whole.map((e) => [e.event, e.data]),
      [
        [undefined, '{"a":1}'],
        ["done", "line1\nline2"],
        [undefined, "x"],
      ],
    );
    assert.equal(whole[2].id, "7");
    // Every split point, including between \r and \n, gives the same events.
    for (let cut = 0; cut <= text.length; cut++) {
      assert.deepEqual(await events([text.slice(0, cut), text.slice(cut)]), whole, `cut at ${cut}`);
    }
  });

  it("SSE: an event without its blank line still comes at the end of the stream; blank lines alone are no events", async () => {
    assert.deepEqual(await events(["\n\n\ndata: la", "st"]), [{ event: undefined, data: "last", id: undefined }]);
    assert.deepEqual(await events(["data: cut before its line end"]), [
      { event: undefined, data: "cut before its line end", id: undefined },
    ]);
    assert.deepEqual(await events(["\n\n", ": only a keep-alive\n\n"]), []);
  });

  it("stop strings: held back across chunks, cut at the earliest, released when not a stop", () => {
    const f = new StopFilter(["</s>", "\n\n"]);
    assert.equal(f.push("Hello <"), "Hello ");
    assert.equal(f.push("b>"), "<b>");
    assert.equal(f.push(" end\n"), " end");
    assert.equal(f.stopped, false);
    assert.equal(f.push("\nmore"), "");
    assert.equal(f.stopped, true);
    assert.equal(f.push("ignored"), "");
    const g = new StopFilter(["STOP"]);
    assert.equal(g.push("ST"), "");
    assert.equal(g.flush(), "ST");
  });

  it("prompt text: the formatter's string without the leading '<s> ' the server adds back", () => {
    const segments = buildMixtralPrompt([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "Bye" },
    ]);
    const rendered = renderPromptText(segments);
    assert.ok(rendered.startsWith("<s> [INST]"));
    const { text, bos } = promptTextForServer(segments);
    assert.equal(bos, true);
    assert.equal(text, rendered.slice(4));
    assert.equal(text, "[INST] Be brief.\n\nHi [/INST] Hello.</s> [INST] Bye [/INST]");
    assert.deepEqual(promptTextForServer([{ type: "text", text: "raw" }]), { text: "raw", bos: false });
  });

  it("prompt-too-long messages of TGI, OpenAI/vLLM and llama-server", () => {
    assert.deepEqual(
      parsePromptTooLong(
        "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8192. Given: 8000 `inputs` tokens and 400 `max_new_tokens`",
      ),
      { limit: 8192, promptTokens: 8000, maxNewTokens: 400 },
    );
    assert.deepEqual(parsePromptTooLong("`inputs` must have less than 4095 tokens. Given: 5000"), { limit: 4095, promptTokens: 5000 });
    assert.deepEqual(
      parsePromptTooLong(
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4500 in the messages, 500 in the completion). Please reduce",
      ),
      { limit: 4096, promptTokens: 4500, maxNewTokens: 500 },
    );
    assert.deepEqual(parsePromptTooLong("the request exceeds the available context size, try increasing it"), {});
    assert.equal(parsePromptTooLong("Model is overloaded"), undefined);
  });
});
