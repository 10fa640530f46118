// What a request's tools are, for every backend: the tools VS Code's chat offers and whether one
// must be called, and a turn's tool calls and results kept apart for servers that take them
// natively. The local engine's grammar path (src/core/lm/toolAnswer.ts) and the remote clients read
// these; the request type (src/core/engineClient/types.ts) carries them.

export interface ToolSpec {
  name: string;
  description: string;
  /** The tool's JSON Schema for its input; undefined: it takes no input. */
  inputSchema?: object;
}

/** "auto": text or a call, the model's choice; "required": a call. */
export type ToolMode = "auto" | "required";

/** A turn's tool calls and results kept apart from its text, for servers that take them natively
 *  (OpenAI `tool_calls` and `role: "tool"` messages). */
export interface NativeToolParts {
  /** The turn's text without its tool calls and results. */
  text: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  toolResults: { callId: string; text: string }[];
}
