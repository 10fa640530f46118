// `mixtral-local prompt --messages <conversation.json> [--model <file.gguf>] [--tokens] [--continue]`:
// prints the prompt the engine would evaluate for a conversation (a JSON array of
// { "role": "system" | "user" | "assistant", "content": string }). Without --model it is Mixtral's
// format; with --model the file's chat template picks the format (checked by the bounded pre-parser
// first). --tokens prints the JSON array of token ids and needs --model: ids come from that file's
// vocabulary, loaded alone (no weights) through node-llama-cpp.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { PromptSegment } from "../../shared/engineProtocol";
import { precheckGguf } from "../../core/gguf/ggufPrecheck";
import { buildPromptForModel, describePromptFormat } from "../../core/prompt/chatTemplate";
import { buildMixtralPrompt, renderPromptText, type ChatMessage } from "../../core/prompt/mixtralFormat";
import { MixtralError } from "../../core/errors";
// The one engine module the CLI uses: the engine's own tokenizer rule on the file's vocabulary alone
// (node-llama-cpp is loaded lazily inside it), so --tokens needs no engine child process.
// eslint-disable-next-line no-restricted-imports
import { tokenizeWithModelFile } from "../../engine/tokenizerOnly";

const USAGE =
  "usage: mixtral-local prompt --messages <conversation.json> [--model <file.gguf>] [--tokens] [--continue]\n" +
  '  --messages  JSON array of {"role": "system"|"user"|"assistant", "content": string}\n' +
  "  --model     GGUF whose chat template (and, with --tokens, vocabulary) is used; default: Mixtral's format\n" +
  "  --tokens    print the JSON array of token ids the engine would evaluate (requires --model)\n" +
  "  --continue  the last message is an assistant text to continue (a primed answer)\n";

function parseConversation(json: string, file: string): ChatMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new MixtralError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new MixtralError(`${file} must hold a JSON array of messages.`);
  return value.map((m: unknown, i) => {
    const o = m as { role?: unknown; content?: unknown };
    if (
      typeof o !== "object" ||
      o === null ||
      !["system", "user", "assistant"].includes(o.role as string) ||
      typeof o.content !== "string"
    ) {
      throw new MixtralError(`Message ${i + 1} in ${file} must be {"role": "system"|"user"|"assistant", "content": string}.`);
    }
    return { role: o.role as ChatMessage["role"], content: o.content };
  });
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        messages: { type: "string" },
        model: { type: "string" },
        tokens: { type: "boolean", default: false },
        continue: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    process.stderr.write(`mixtral-local prompt: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.messages) {
    process.stderr.write(`mixtral-local prompt: --messages is required\n${USAGE}`);
    return 2;
  }
  if (values.tokens && !values.model) {
    process.stderr.write("mixtral-local prompt: --tokens requires --model <file.gguf> (token ids come from that model's vocabulary)\n");
    return 2;
  }
  try {
    const messages = parseConversation(await readFile(values.messages, "utf8"), values.messages);
    const options = { continueAssistant: values.continue };
    let segments: PromptSegment[];
    let label = describePromptFormat().label;
    let runPrefix = " ";
    if (values.model) {
      const summary = await precheckGguf(values.model); // refuses malformed files before native code
      const built = buildPromptForModel(messages, { chatTemplate: summary.chatTemplate }, options);
      segments = built.segments;
      label = built.format.label;
      runPrefix = built.format.id === "mixtral-v0.1" ? " " : "";
    } else {
      segments = buildMixtralPrompt(messages, options);
    }
    if (values.tokens) {
      const { tokens } = await tokenizeWithModelFile(values.model as string, segments);
      process.stdout.write(`${JSON.stringify(tokens)}\n`);
    } else {
      process.stderr.write(`format: ${label}\n`);
      process.stdout.write(`${renderPromptText(segments, { runPrefix })}\n`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof MixtralError)) throw err;
    process.stderr.write(`mixtral-local prompt: ${err.message}${err.hint ? ` ${err.hint}` : ""}\n`);
    return 1;
  }
}
