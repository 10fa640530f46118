// runLmRequest (what VS Code's language-model API runs) on the real engine child with the tiny
// model and on a scripted OpenAI-compatible server: grammar-constrained tool calls, native tool
// calls, cancellation, and sharing the chat slot (queued, KV cache reused) with other requests.
import * as assert from "node:assert/strict";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import type { LmMessage } from "../../../src/core/lm/lmConversation";
import { runLmRequest, type LmRequestOptions, type LmResponsePart } from "../../../src/core/lm/lmRequest";
import { parseToolAnswer } from "../../../src/core/lm/toolAnswer";
import type { ToolSpec } from "../../../src/core/prompt/tools";
import { OpenAiClient } from "../../../src/core/remote/OpenAiClient";
import { startScriptedOpenAi } from "../../helpers/openAiServers";
import { makeClient, tinyLoadOptions } from "../engine/engineTestKit";

const user = (text: string): LmMessage => ({ role: "user", parts: [{ type: "text", text }] });

/** Bounded values only: with random weights an unbounded string could run to maxTokens. */
const forecast: ToolSpec = {
  name: "get_forecast",
  description: "The forecast for a city.",
  inputSchema: {
    type: "object",
    properties: {
      city: { enum: ["Oslo", "Lima", "Pune"] },
      unit: { enum: ["c", "f"] },
      tomorrow: { type: "boolean" },
      note: { type: "string", description: "optional, left to the tool's default" },
    },
    required: ["city", "unit", "tomorrow"],
  },
};

function options(messages: LmMessage[], extra: Partial<LmRequestOptions> = {}): LmRequestOptions {
  return { messages, tools: [], toolMode: "auto", systemPrompt: "", maxTokens: 16, temperature: 0, fallbackContextSize: 4096, ...extra };
}

describe("lm: requests on the local engine (tiny model)", function () {
  this.timeout(120_000);
  let client: EngineClient;

  before(async () => {
    ({ client } = makeClient());
    await client.load(await tinyLoadOptions());
  });
  after(async () => {
    await client?.dispose();
  });

  it("a required tool call comes back as a call whose arguments match the tool's schema", async () => {
    const parts: LmResponsePart[] = [];
    const { result } = await runLmRequest(
      client,
      options([user("Weather in Oslo tomorrow?")], { tools: [forecast], toolMode: "required", maxTokens: 200 }),
      (p) => parts.push(p),
    );
    assert.notEqual(result.stopReason, "maxTokens", `cut off: ${result.text}`);
    assert.equal(parts.length, 1, JSON.stringify(parts));
    const call = parts[0];
    assert.equal(call.type, "toolCall");
    if (call.type !== "toolCall") return;
    assert.equal(call.name, "get_forecast");
    assert.match(call.callId, /^call_[0-9a-f]{24}$/);
    assert.deepEqual(Object.keys(call.input).sort(), ["city", "tomorrow", "unit"]);
    assert.ok(["Oslo", "Lima", "Pune"].includes(call.input.city as string), JSON.stringify(call.input));
    assert.ok(["c", "f"].includes(call.input.unit as string));
    assert.equal(typeof call.input.tomorrow, "boolean");
  });

  it("agent round trip: call, the tool's result back in the prompt, then the next answer", async () => {
    const calls: LmResponsePart[] = [];
    await runLmRequest(client, options([user("Weather in Oslo?")], { tools: [forecast], toolMode: "required", maxTokens: 200 }), (p) =>
      calls.push(p),
    );
    const call = calls[0];
    assert.equal(call?.type, "toolCall");
    if (call?.type !== "toolCall") return;
    const history: LmMessage[] = [
      user("Weather in Oslo?"),
      { role: "assistant", parts: [{ type: "toolCall", callId: call.callId, name: call.name, input: call.input }] },
      { role: "user", parts: [{ type: "toolResult", callId: call.callId, text: "3 degrees, rain" }] },
    ];
    let prompt = "";
    const parts: LmResponsePart[] = [];
    const { result } = await runLmRequest(
      client,
      options(history, { tools: [forecast], toolMode: "auto", maxTokens: 200 }),
      (p) => parts.push(p),
      undefined,
      (segments) => (prompt = segments.map((s) => (s.type === "text" ? s.text : `<${s.type}>`)).join("")),
    );
    assert.ok(
      prompt.includes(
        `[/INST]{"name":"get_forecast","arguments":${JSON.stringify(call.input)}}<eos>[INST] Result of get_forecast (call ${call.callId}):\n3 degrees, rain [/INST]`,
      ),
      prompt.slice(-300),
    );
    // Random weights choose freely between text and another call. A call is whole; a text answer
    // streams as it comes and may run to maxTokens (the grammar wants at least one character).
    if (parts.some((p) => p.type === "toolCall")) {
      assert.deepEqual(
        parts.map((p) => p.type),
        ["toolCall"],
      );
      assert.equal(parseToolAnswer(result.text, [forecast]).kind, "toolCall");
    } else {
      const streamed = parts.map((p) => (p.type === "text" ? p.text : "?")).join("");
      assert.ok(streamed.length > 0, result.text);
      if (result.stopReason !== "maxTokens") assert.deepEqual(parseToolAnswer(result.text, [forecast]), { kind: "text", text: streamed });
    }
  });

  it("auto mode: a text answer is never empty (the grammar asks for at least one character)", async () => {
    // Before: the tiny model closed {"answer": "" at once, and VS Code's chat said "Sorry, no
    // response was returned." Random weights choose text or a call; every text answer must have text.
    const texts: string[] = [];
    for (const question of ["Hi", "Explain closures", "Why?"]) {
      const parts: LmResponsePart[] = [];
      const { result } = await runLmRequest(
        client,
        options([user(question)], { tools: [forecast], toolMode: "auto", maxTokens: 32 }),
        (p) => parts.push(p),
      );
      if (parts.some((p) => p.type === "toolCall")) continue;
      // Text, streamed as it came (random weights rarely close the string before maxTokens).
      const text = parts.map((p) => (p.type === "text" ? p.text : "")).join("");
      assert.ok(text.length > 0, `no text streamed: ${result.text}`);
      assert.match(result.text, /^\s*\{\s*"answer"\s*:\s*"[^"]/);
      texts.push(text);
    }
    assert.ok(texts.length > 0, "no question was answered with text");
  });

  it("the tools and the answer format are in the prompt's system text", async () => {
    let prompt = "";
    await runLmRequest(
      client,
      options([user("Hi")], { tools: [forecast], toolMode: "required", maxTokens: 200 }),
      () => undefined,
      undefined,
      (segments) => (prompt = segments.map((s) => (s.type === "text" ? s.text : `<${s.type}>`)).join("")),
    );
    assert.ok(
      prompt.startsWith(
        '<bos>[INST] You can use these tools:\n- get_forecast(city: "Oslo" | "Lima" | "Pune", unit: "c" | "f", tomorrow: boolean): The forecast for a city.\n',
      ),
      prompt.slice(0, 200),
    );
    assert.ok(prompt.endsWith("\n\nHi [/INST]"), prompt.slice(-80));
  });

  it("a cancellation stops the answer with the partial text (no error)", async () => {
    const controller = new AbortController();
    const parts: LmResponsePart[] = [];
    const { result } = await runLmRequest(
      client,
      options([user("Tell me a long story")], { maxTokens: 2000 }),
      (p) => {
        parts.push(p);
        if (parts.length === 3) controller.abort();
      },
      controller.signal,
    );
    assert.equal(result.stopReason, "abort");
    assert.ok(result.stats.generatedTokens >= 3 && result.stats.generatedTokens < 2000, `${result.stats.generatedTokens} tokens`);
    assert.equal(parts.map((p) => (p.type === "text" ? p.text : "")).join(""), result.text);
  });

  it("shares the chat slot: a second request waits for the first, then reuses its prompt's KV cache", async () => {
    const events: string[] = [];
    const question = user("What is a closure in JavaScript?");
    let firstStreaming!: () => void;
    const streaming = new Promise<void>((r) => (firstStreaming = r));
    const first = runLmRequest(client, options([question], { maxTokens: 24 }), () => {
      events.push("first:part");
      firstStreaming();
    }).then((r) => {
      events.push("first:done");
      return r;
    });
    await streaming;
    const second = runLmRequest(
      client,
      options([question, { role: "assistant", parts: [{ type: "text", text: "A function with its scope." }] }, user("Show an example.")], {
        maxTokens: 8,
      }),
      () => events.push("second:part"),
    ).then((r) => {
      events.push("second:done");
      return r;
    });
    const [a, b] = await Promise.all([first, second]);
    assert.equal(events.at(-1), "second:done");
    assert.ok(events.indexOf("second:part") > events.indexOf("first:done"), events.join(", "));
    assert.ok(a.result.stats.generatedTokens > 0 && b.result.stats.generatedTokens > 0);
    const reused = b.result.stats.promptTokens - b.result.stats.evaluatedTokens;
    assert.ok(reused >= a.promptTokens, `reused ${reused} tokens; the first prompt had ${a.promptTokens}`);
  });
});

describe("lm: tools on an OpenAI-compatible server", () => {
  it("sends the tools natively and returns the streamed tool_calls as one call", async () => {
    const server = await startScriptedOpenAi({
      flavour: "llamaServer",
      answer: "unused",
      toolCall: { name: "get_forecast", arguments: { city: "Lima", unit: "c", tomorrow: false } },
    });
    const client = new OpenAiClient({ baseUrl: server.url });
    try {
      await client.refreshInfo();
      const parts: LmResponsePart[] = [];
      await runLmRequest(client, options([user("Weather in Lima?")], { tools: [forecast], toolMode: "required" }), (p) => parts.push(p));
      assert.deepEqual(parts, [
        { type: "toolCall", callId: "call_scripted_1", name: "get_forecast", input: { city: "Lima", unit: "c", tomorrow: false } },
      ]);
      const body = server.requests.at(-1)?.body as {
        tools: { type: string; function: { name: string; parameters: unknown } }[];
        tool_choice: string;
        messages: { content: string }[];
      };
      assert.equal(body.tool_choice, "required");
      assert.deepEqual(
        body.tools.map((t) => [t.type, t.function.name]),
        [["function", "get_forecast"]],
      );
      assert.deepEqual(body.tools[0].function.parameters, forecast.inputSchema);
      // Native tools: no tool text in the prompt (the server's template renders them).
      assert.ok(!JSON.stringify(body.messages).includes("You can use these tools"));

      // The round trip: the call and its result go back as OpenAI tool messages, not as text.
      const call = parts[0];
      assert.equal(call.type, "toolCall");
      if (call.type !== "toolCall") return;
      await runLmRequest(
        client,
        options(
          [
            { role: "system", parts: [{ type: "text", text: "Be brief." }] },
            user("Weather in Lima?"),
            { role: "assistant", parts: [{ type: "toolCall", callId: call.callId, name: call.name, input: call.input }] },
            { role: "user", parts: [{ type: "toolResult", callId: call.callId, text: "18 degrees, sunny" }] },
          ],
          { tools: [forecast] },
        ),
        () => undefined,
      );
      const next = server.requests.at(-1)?.body as { messages: unknown[]; tool_choice: string };
      assert.equal(next.tool_choice, "auto");
      assert.deepEqual(next.messages, [
        { role: "user", content: "Be brief.\n\nWeather in Lima?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_scripted_1",
              type: "function",
              function: { name: "get_forecast", arguments: '{"city":"Lima","unit":"c","tomorrow":false}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_scripted_1", content: "18 degrees, sunny" },
      ]);
    } finally {
      client.dispose();
      await server.close();
    }
  });
});

describe("lm: a server that runs a smaller context than it lists", () => {
  it("fits the conversation to the context its refusal states and answers, as the chat view does (one pipeline)", async () => {
    const server = await startScriptedOpenAi({ flavour: "vllm", answer: "Fitted.", contextSize: 400, listedContext: 4000 });
    const client = new OpenAiClient({ baseUrl: server.url });
    try {
      await client.refreshInfo();
      const old = (n: number): LmMessage[] => [
        user(`Question ${n}: ${"q".repeat(450)}`),
        { role: "assistant", parts: [{ type: "text", text: `Answer ${n}: ${"a".repeat(450)}` }] },
      ];
      const texts: string[] = [];
      const { result } = await runLmRequest(
        client,
        options([...old(1), ...old(2), user("And now?")]),
        (p) => p.type === "text" && texts.push(p.text),
      );
      assert.equal(result.text, "Fitted.");
      assert.equal(texts.join(""), "Fitted.");
      const chats = server.requests.filter((r) => r.path === "/v1/chat/completions");
      assert.deepEqual(
        chats.map((r) => r.refused),
        [true, false],
      );
      assert.ok(chats[1].promptTokens + 16 <= 400, `${chats[1].promptTokens} prompt tokens`);
      assert.ok(JSON.stringify(chats[1].body).includes("And now?"));
    } finally {
      client.dispose();
      await server.close();
    }
  });
});
