// Tool calls for a model without tool tokens (Mixtral-8x7B-Instruct-v0.1): the tools are described
// in the system text, and the answer is constrained by a JSON-schema grammar (built in the engine
// from `toolAnswerSchema`) to exactly one of
//   {"answer": "<text for the user>"}                       (only when the mode allows text)
//   {"name": "<tool>", "arguments": {<that tool's input>}}  (one branch per tool)
// so an answer always parses, and a call always names a real tool with arguments its schema
// accepts. One call per answer. Remote OpenAI-compatible servers get the tools natively instead.
import { InvalidOptionsError } from "../errors";
import type { ToolMode, ToolSpec } from "../prompt/tools";
import { toGrammarSchema, type GrammarSchema } from "./grammarSchema";

export type ToolAnswer = { kind: "text"; text: string } | { kind: "toolCall"; name: string; input: Record<string, unknown> };

const ANSWER_KEY = "answer";

/** The schema the local engine's grammar is built from. */
export function toolAnswerSchema(tools: readonly ToolSpec[], mode: ToolMode): GrammarSchema {
  if (tools.length === 0) throw new InvalidOptionsError("A tool-call request needs at least one tool.");
  const calls = tools.map((t) => ({
    type: "object",
    properties: {
      name: { const: t.name },
      arguments: t.inputSchema ? toGrammarSchema(t.inputSchema) : { type: "object", properties: {} },
    },
  }));
  // A text answer has at least one character: an empty string is valid JSON, and a weak (or
  // random-weight) model closes the quotes at once, so VS Code's chat would get no text at all and
  // say "Sorry, no response was returned."
  const branches = mode === "auto" ? [{ type: "object", properties: { [ANSWER_KEY]: { type: "string", minLength: 1 } } }, ...calls] : calls;
  return branches.length === 1 ? branches[0] : { oneOf: branches };
}

/** The system text that tells the model about its tools and the answer format. Compact on purpose:
 *  VS Code's agent mode offers ~40 tools whose full schemas and descriptions are ~40,000
 *  characters (more than the default context); the grammar enforces each schema exactly, so the
 *  prompt needs only each tool's purpose and the parameters the grammar asks for. */
export function toolSystemText(tools: readonly ToolSpec[], mode: ToolMode): string {
  const list = tools.map((t) => `- ${t.name}(${parameters(t)}): ${summary(t.description)}`).join("\n");
  const format =
    mode === "auto"
      ? `Answer with one JSON object. To reply to the user: {"${ANSWER_KEY}": "<your reply>"}. To use a tool: {"name": "<tool name>", "arguments": {<its parameters>}}.`
      : `Answer with one JSON object that calls one of them: {"name": "<tool name>", "arguments": {<its parameters>}}.`;
  return `You can use these tools:\n${list}\n\n${format} After a tool call you get its result in the next message.`;
}

/** Longest tool summary in the prompt (its first sentence, cut here). */
const SUMMARY_CHARS = 200;

function summary(description: string): string {
  const text = description.replace(/\s+/g, " ").trim();
  if (!text) return "(no description)";
  const sentence = /^.+?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  return sentence.length > SUMMARY_CHARS ? `${sentence.slice(0, SUMMARY_CHARS - 1)}…` : sentence;
}

/** The parameters the grammar makes the model write (the required ones), with their types. */
function parameters(tool: ToolSpec): string {
  if (!tool.inputSchema) return "";
  const schema = toGrammarSchema(tool.inputSchema) as { properties?: Record<string, unknown> };
  return Object.entries(schema.properties ?? {})
    .map(([name, s]) => `${name}: ${typeName(s, 0)}`)
    .join(", ");
}

function typeName(schema: unknown, depth: number): string {
  const s = (typeof schema === "object" && schema !== null ? schema : {}) as Record<string, unknown>;
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (Array.isArray(s.oneOf)) return depth > 1 ? "any" : s.oneOf.map((o) => typeName(o, depth + 1)).join(" | ");
  if (s.type === "array") return `${typeName(s.items, depth + 1)}[]`;
  if (Array.isArray(s.type)) return s.type.join(" | ");
  return typeof s.type === "string" ? s.type : "object";
}

/** The model's whole answer (grammar-constrained JSON) as text or a call; the adapter gives a call
 *  its id. Throws InvalidOptionsError for an answer that does not match (cut short by maxTokens). */
export function parseToolAnswer(text: string, tools: readonly ToolSpec[]): ToolAnswer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidOptionsError(
      `The model's tool-call answer is not complete JSON (${text.length} characters${text.length > 0 ? `, ending "${text.slice(-20)}"` : ""}).`,
      "It was probably cut off by mixtral.maxTokens: raise it, or ask for less.",
    );
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v[ANSWER_KEY] === "string") return { kind: "text", text: v[ANSWER_KEY] };
    const tool = tools.find((t) => t.name === v.name);
    if (tool && typeof v.arguments === "object" && v.arguments !== null && !Array.isArray(v.arguments)) {
      return { kind: "toolCall", name: tool.name, input: v.arguments as Record<string, unknown> };
    }
  }
  throw new InvalidOptionsError(`The model's tool-call answer matches no tool: ${text.slice(0, 200)}`);
}

/** How a tool call is written back into the conversation: the same JSON the model produces. */
export function renderToolCall(name: string, input: unknown): string {
  return JSON.stringify({ name, arguments: input ?? {} });
}

/** Streams the text of an `{"answer": "…"}` answer while it is generated (the grammar fixes its
 *  shape, so the string's characters can be decoded as they come); a tool call is held until the
 *  end. `push` returns the text that can be shown now. */
export class ToolAnswerStream {
  private raw = "";
  private start = -1;
  private decoded = 0;
  private ended = false;

  push(chunk: string): string {
    this.raw += chunk;
    if (this.start < 0) {
      const m = /^\s*\{\s*"answer"\s*:\s*"/.exec(this.raw);
      if (!m) return "";
      this.start = m[0].length;
      this.decoded = this.start;
    }
    return this.decode();
  }

  /** Everything received so far. */
  get text(): string {
    return this.raw;
  }

  /** True once the answer is known to be text (what was shown is its prefix). */
  get streamingText(): boolean {
    return this.start >= 0;
  }

  private decode(): string {
    let out = "";
    let i = this.decoded;
    while (i < this.raw.length && !this.ended) {
      const c = this.raw[i];
      if (c === '"') {
        this.ended = true;
        i++;
        break;
      }
      if (c !== "\\") {
        out += c;
        i++;
        continue;
      }
      // An escape: wait for all of it before decoding.
      const next = this.raw[i + 1];
      if (next === undefined) break;
      if (next === "u") {
        const hex = this.raw.slice(i + 2, i + 6);
        if (hex.length < 4) break;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      out += ESCAPES[next] ?? next;
      i += 2;
    }
    this.decoded = i;
    return out;
  }
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", '"': '"', "\\": "\\", "/": "/" };
