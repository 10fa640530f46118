// The inline-completion prompt the product sends (CompletionService → buildCompletionPrompt): the
// primed answer, its fence, the trailing spaces it leaves out and takes off the answer again. The
// last two tests run the whole service against a scripted OpenAI-compatible server on 127.0.0.1,
// whose answer is exactly what a model would write after the primed text.
import * as assert from "node:assert/strict";
import { CompletionService } from "../../../src/core/completion/CompletionService";
import { buildCompletionPrompt, completionText } from "../../../src/core/completion/completionPrompt";
import { OpenAiClient } from "../../../src/core/remote/OpenAiClient";
import { sseEvent, sseHead, startServer, type TestServer } from "../remote/testServer";
import { contextAt, snapshotAt } from "./cursor";

const TS = "export function mean(xs: number[]): number {\n  const x = █\n}\n";
const MD = "# Notes\n\n```js\nconst a = 1;\n```\n\nWrap code in █\n";

describe("completion prompt", function () {
  this.timeout(30_000);

  it("primes the answer with the fence and the cursor line without its trailing spaces, without EOS", () => {
    const p = buildCompletionPrompt(contextAt(TS), [], { multiline: false });
    const last = p.segments[p.segments.length - 1];
    assert.deepEqual(last, { type: "text", text: "```typescript\n  const x =" });
    assert.ok(!p.segments.some((s) => s.type === "eos"));
    assert.equal(p.answerPrefix, "```typescript\n  const x =");
    assert.equal(p.strippedWhitespace, " ");
    assert.deepEqual(p.stopStrings, ["\n", "```", "[INST]"]);
  });

  it("uses a fence longer than any backtick run in the code, in the instruction, the answer and the stops", () => {
    const p = buildCompletionPrompt(contextAt(MD, "markdown"), [], { multiline: true });
    assert.equal(p.fence, "````");
    assert.ok(p.answerPrefix.startsWith("````markdown\n"), p.answerPrefix);
    assert.match(p.instruction, /^````markdown$/m);
    assert.deepEqual(p.stopStrings, ["````", "[INST]"]);
  });

  it("completionText takes the left-out spaces off the answer; the document's spacing wins", () => {
    assert.equal(completionText(" 42;", " "), "42;");
    assert.equal(completionText("42;", " "), "42;");
    assert.equal(completionText("    return x;", "    "), "return x;");
    assert.equal(completionText("  return x;", "    "), "return x;");
    assert.equal(completionText(" + 1", ""), " + 1");
  });

  describe("through the service, against a server", () => {
    let server: TestServer;
    let answer = "";
    before(async () => {
      server = await startServer((req, res) => {
        sseHead(res);
        sseEvent(res, { choices: [{ index: 0, text: answer, finish_reason: null }] }, true);
        sseEvent(res, { choices: [{ index: 0, text: "", finish_reason: "stop" }] }, true);
        sseEvent(res, "[DONE]", true);
        res.end();
      });
    });
    after(() => server.close());

    const complete = async (marked: string, language: string) => {
      const client = new OpenAiClient({ baseUrl: server.url, model: "m" });
      try {
        const service = new CompletionService({
          getBackend: async () => client,
          settings: () => ({ maxTokens: 16, multiline: "never", template: "" }),
        });
        return await service.complete(snapshotAt(marked, language), [], new AbortController().signal);
      } finally {
        client.dispose();
      }
    };

    it("after 'const x = ' the model's ' 42;' is inserted as '42;', not with a second space", async () => {
      answer = " 42;";
      const outcome = await complete(TS, "typescript");
      assert.equal(outcome.kind, "suggestion", JSON.stringify(outcome));
      assert.equal((outcome as { text: string }).text, "42;");
      const sent = server.requests[server.requests.length - 1].json as { prompt: string; stop?: unknown };
      assert.ok(sent.prompt.endsWith("```typescript\n  const x ="), sent.prompt.slice(-40));
    });

    it("a ``` that the model writes in a Markdown file is part of the suggestion, not its end", async () => {
      answer = " ```js``` fences";
      const outcome = await complete(MD, "markdown");
      assert.equal(outcome.kind, "suggestion", JSON.stringify(outcome));
      assert.equal((outcome as { text: string }).text, "```js``` fences");
    });
  });
});
