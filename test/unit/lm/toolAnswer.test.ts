// The pure pieces behind VS Code's language-model API: tool schemas turned into the grammar's
// subset, the answer schema and system text, parsing and streaming a constrained answer, and the
// conversion of a VS Code conversation (tool calls, tool results, system text) to Mixtral's turns.
import * as assert from "node:assert/strict";
import { ANY_JSON, toGrammarSchema } from "../../../src/core/lm/grammarSchema";
import { messageText, toChatConversation, type LmMessage } from "../../../src/core/lm/lmConversation";
import { parseToolAnswer, toolAnswerSchema, toolSystemText, ToolAnswerStream } from "../../../src/core/lm/toolAnswer";
import type { ToolSpec } from "../../../src/core/prompt/tools";
import { InvalidOptionsError } from "../../../src/core/errors";

const weather: ToolSpec = {
  name: "get_weather",
  description: "The weather in a city.",
  inputSchema: {
    type: "object",
    properties: { city: { type: "string", description: "City name" }, unit: { enum: ["c", "f"] }, days: { type: "integer" } },
    required: ["city", "unit"],
  },
};
const listFiles: ToolSpec = { name: "list_files", description: "Lists the workspace files." };

describe("lm: tool schemas for the grammar", () => {
  it("keeps required properties with their types and leaves optional ones to the tool's defaults", () => {
    assert.deepEqual(toGrammarSchema(weather.inputSchema), {
      type: "object",
      properties: { city: { type: "string", description: "City name" }, unit: { enum: ["c", "f"] } },
    });
  });

  it("loosens what the grammar cannot express instead of forbidding valid input", () => {
    assert.deepEqual(toGrammarSchema({ type: "object", properties: { x: {} }, required: ["x"] }), {
      type: "object",
      properties: { x: ANY_JSON },
    });
    assert.deepEqual(toGrammarSchema({ type: "object" }), { type: "object", additionalProperties: true });
    assert.deepEqual(toGrammarSchema({ type: ["string", "null"] }), { oneOf: [{ type: "string" }, { type: "null" }] });
    assert.deepEqual(toGrammarSchema({ anyOf: [{ type: "number" }, { const: "all" }] }), { oneOf: [{ type: "number" }, { const: "all" }] });
    assert.deepEqual(toGrammarSchema({ type: "string", format: "uri", pattern: "^h" }), { type: "string" });
    assert.deepEqual(toGrammarSchema({ type: "array", items: { type: "string" }, maxItems: 3 }), {
      type: "array",
      items: { type: "string" },
      maxItems: 3,
    });
  });

  it("follows #/definitions and #/$defs references into $defs", () => {
    const schema = {
      type: "object",
      properties: { p: { $ref: "#/definitions/Point" } },
      required: ["p"],
      definitions: { Point: { type: "object", properties: { x: { type: "number" } }, required: ["x"] } },
    };
    assert.deepEqual(toGrammarSchema(schema), {
      type: "object",
      properties: { p: { $ref: "#/$defs/Point" } },
      $defs: { Point: { type: "object", properties: { x: { type: "number" } } } },
    });
  });

  it("answer schema: text or one branch per tool (auto); calls only (required)", () => {
    const auto = toolAnswerSchema([weather, listFiles], "auto") as { oneOf: { properties: Record<string, unknown> }[] };
    assert.equal(auto.oneOf.length, 3);
    assert.deepEqual(auto.oneOf[0], { type: "object", properties: { answer: { type: "string", minLength: 1 } } });
    assert.deepEqual(auto.oneOf[1].properties.name, { const: "get_weather" });
    assert.deepEqual(auto.oneOf[2].properties.arguments, { type: "object", properties: {} });
    const required = toolAnswerSchema([weather], "required") as { properties: Record<string, unknown> };
    assert.deepEqual(required.properties.name, { const: "get_weather" });
    assert.throws(() => toolAnswerSchema([], "auto"), InvalidOptionsError);
  });

  it("system text: each tool's purpose and the parameters the grammar asks for, and the answer format", () => {
    const long: ToolSpec = {
      name: "read",
      description: `Reads a file. ${"Very detailed usage notes. ".repeat(40)}`,
      inputSchema: {
        type: "object",
        properties: { path: { type: "string" }, lines: { type: "array", items: { type: "integer" } } },
        required: ["path", "lines"],
      },
    };
    const text = toolSystemText([weather, listFiles, long], "auto");
    assert.ok(text.includes('- get_weather(city: string, unit: "c" | "f"): The weather in a city.\n'), text);
    assert.ok(text.includes("- list_files(): Lists the workspace files.\n"), text);
    // Only the first sentence of a long description: the grammar, not the prompt, holds the schema.
    assert.ok(text.includes("- read(path: string, lines: integer[]): Reads a file.\n"), text);
    assert.ok(!text.includes("Very detailed"));
    assert.ok(text.includes('{"answer": "<your reply>"}'));
    assert.ok(!toolSystemText([weather], "required").includes('"answer"'));
  });
});

describe("lm: parsing and streaming a constrained answer", () => {
  it("parses text and calls; refuses a cut-off or unknown answer with the next step", () => {
    assert.deepEqual(parseToolAnswer('{"answer": "Hi \\"there\\""}', [weather]), { kind: "text", text: 'Hi "there"' });
    assert.deepEqual(parseToolAnswer('{ "name": "get_weather", "arguments": {"city": "Oslo", "unit": "c"} }', [weather]), {
      kind: "toolCall",
      name: "get_weather",
      input: { city: "Oslo", unit: "c" },
    });
    assert.throws(
      () => parseToolAnswer('{"name": "get_weather", "argum', [weather]),
      (e: unknown) => e instanceof InvalidOptionsError && /not complete JSON/.test(e.message) && /mixtral\.maxTokens/.test(e.hint ?? ""),
    );
    assert.throws(() => parseToolAnswer('{"name": "rm_rf", "arguments": {}}', [weather]), /matches no tool/);
  });

  it("streams an answer's text as it is decoded, escapes included, and holds a call back", () => {
    const stream = new ToolAnswerStream();
    const pieces = ['{ "ans', 'wer": "Line', " one\\", "nLine \\u00e9", "\\u", '0041", "x": 1}'];
    const shown = pieces.map((p) => stream.push(p));
    assert.deepEqual(shown, ["", "Line", " one", "\nLine é", "", "A"]);
    assert.equal(stream.text, pieces.join(""));
    const call = new ToolAnswerStream();
    assert.equal(call.push('{"name": "get_weather", "arguments": {"city": "Oslo"}}'), "");
    assert.equal(call.streamingText, false);
  });
});

describe("lm: a VS Code conversation as Mixtral turns", () => {
  it("folds system text, writes tool calls as the model's JSON and results as user text, merges roles", () => {
    const messages: LmMessage[] = [
      { role: "system", parts: [{ type: "text", text: "You are an agent." }] },
      { role: "user", parts: [{ type: "text", text: "Weather in Oslo?" }] },
      { role: "assistant", parts: [{ type: "toolCall", callId: "c1", name: "get_weather", input: { city: "Oslo", unit: "c" } }] },
      { role: "user", parts: [{ type: "toolResult", callId: "c1", text: "3 °C, rain" }] },
      { role: "user", parts: [{ type: "text", text: "Answer briefly." }] },
    ];
    const { system, history } = toChatConversation(messages);
    assert.equal(system, "You are an agent.");
    assert.deepEqual(history, [
      { role: "user", content: "Weather in Oslo?" },
      {
        role: "assistant",
        content: '{"name":"get_weather","arguments":{"city":"Oslo","unit":"c"}}',
        // Kept apart for servers that take tool calls natively.
        native: { text: "", toolCalls: [{ id: "c1", name: "get_weather", arguments: '{"city":"Oslo","unit":"c"}' }], toolResults: [] },
      },
      {
        role: "user",
        content: "Result of get_weather (call c1):\n3 °C, rain\n\nAnswer briefly.",
        native: { text: "Answer briefly.", toolCalls: [], toolResults: [{ callId: "c1", text: "3 °C, rain" }] },
      },
    ]);
  });

  it("an opening assistant message becomes context, empty messages are skipped", () => {
    const { system, history } = toChatConversation([
      { role: "assistant", parts: [{ type: "text", text: "How can I help?" }] },
      { role: "user", parts: [{ type: "text", text: "  " }] },
      { role: "user", parts: [{ type: "text", text: "Sort this." }] },
    ]);
    assert.equal(system, "Earlier, you said:\nHow can I help?");
    assert.deepEqual(history, [{ role: "user", content: "Sort this." }]);
  });

  it("messageText is what the prompt holds for one message", () => {
    assert.equal(
      messageText({
        role: "assistant",
        parts: [
          { type: "text", text: "Checking." },
          { type: "toolCall", callId: "c", name: "list_files", input: {} },
        ],
      }),
      'Checking.\n\n{"name":"list_files","arguments":{}}',
    );
  });
});
