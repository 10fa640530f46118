// A scripted OpenAI-compatible server on 127.0.0.1 that answers as a given real server does, for
// the remote-engine tests (unit and extension host): its GET /v1/models list, its streamed chunks
// and, when a prompt is over its context, its refusal. The shapes are those the servers send:
//   ollama     list {id, object, created, owned_by}; over the context it truncates silently
//   lmstudio   list {id, object, owned_by}; refusal {"error": "…loaded with context length of only N tokens…"}
//   openai     list {id, object, created, owned_by}; refusal {error: {message, type, param, code: "context_length_exceeded"}}
//   vllm       list with max_model_len; refusal {object: "error", message: "…maximum context length is N tokens…"}
//   llamaServer list with meta.n_ctx_train; refusal {error: {type: "exceed_context_size_error", n_prompt_tokens, n_ctx}}; /tokenize
// Tokens are counted as the client's estimate does (bytes / 3, rounded up), so a test can place a
// prompt on either side of the limit.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type OpenAiFlavour = "ollama" | "lmstudio" | "openai" | "vllm" | "llamaServer";

export interface ScriptedOpenAiOptions {
  flavour: OpenAiFlavour;
  /** The text every answer streams. */
  answer: string;
  /** The context the server really runs with (tokens). Default 32768. */
  contextSize?: number;
  /** What /v1/models lists as the context where the flavour lists one (vLLM, llama-server); default contextSize. */
  listedContext?: number;
  /** Answer every generation with this HTTP status and the flavour's error body (e.g. 401). */
  failWith?: { status: number; message: string };
  /** With `openai`: the newer refusal that states no number ("Your input exceeds the context window…"). */
  refusalWithoutNumber?: boolean;
  /** A chat request that carries `tools` is answered with this call, streamed as real servers
   *  stream `tool_calls` (id and name first, the arguments in pieces), finish_reason "tool_calls". */
  toolCall?: { name: string; arguments: Record<string, unknown> };
}

export interface ScriptedRequest {
  path: string;
  body: Record<string, unknown>;
  /** Prompt tokens as the server counted them. */
  promptTokens: number;
  refused: boolean;
}

export interface ScriptedOpenAi {
  url: string;
  requests: ScriptedRequest[];
  /** When set, an answer stops streaming once the text it sent includes this, until resume()
   *  or cut(): a test looks at what the extension shows mid-answer. */
  pauseAfter?: string;
  /** Resolves when an answer has reached pauseAfter and waits. */
  whenPaused(): Promise<void>;
  /** The waiting answer goes on to its end. */
  resume(): void;
  /** The waiting answer's connection is cut (a server or network failure mid-answer). */
  cut(): void;
  close(): Promise<void>;
}

const MODEL = "mixtral-8x7b-instruct";
const tokensOf = (text: string) => Math.ceil(Buffer.byteLength(text) / 3);

function modelList(o: ScriptedOpenAiOptions): unknown {
  const listed = o.listedContext ?? o.contextSize ?? 32768;
  switch (o.flavour) {
    case "ollama":
      return { object: "list", data: [{ id: "mixtral:8x7b", object: "model", created: 1733300000, owned_by: "library" }] };
    case "lmstudio":
      return { data: [{ id: MODEL, object: "model", owned_by: "organization_owner" }], object: "list" };
    case "openai":
      return { object: "list", data: [{ id: MODEL, object: "model", created: 1733300000, owned_by: "system" }] };
    case "vllm":
      return {
        object: "list",
        data: [
          {
            id: MODEL,
            object: "model",
            created: 1733300000,
            owned_by: "vllm",
            root: MODEL,
            parent: null,
            max_model_len: listed,
            permission: [],
          },
        ],
      };
    case "llamaServer":
      return {
        object: "list",
        data: [
          {
            id: MODEL,
            object: "model",
            created: 1733300000,
            owned_by: "llamacpp",
            meta: { vocab_type: 1, n_vocab: 32000, n_ctx_train: listed, n_embd: 4096, n_params: 46702792704, size: 26441928704 },
          },
        ],
      };
  }
}

/** The flavour's body for a prompt over its context. */
function refusal(o: ScriptedOpenAiOptions, promptTokens: number, maxTokens: number): unknown {
  const n = o.contextSize ?? 32768;
  switch (o.flavour) {
    case "ollama":
      throw new Error("Ollama truncates instead of refusing");
    case "lmstudio":
      return {
        error: `Trying to keep the first ${promptTokens} tokens when context the overflows. However, the model is loaded with context length of only ${n} tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input`,
      };
    case "openai":
      return {
        error: {
          message: o.refusalWithoutNumber
            ? "Your input exceeds the context window of this model. Please adjust your input and try again."
            : `This model's maximum context length is ${n} tokens. However, your messages resulted in ${promptTokens + maxTokens} tokens. Please reduce the length of the messages.`,
          type: "invalid_request_error",
          param: "messages",
          code: "context_length_exceeded",
        },
      };
    case "vllm":
      return {
        object: "error",
        message: `This model's maximum context length is ${n} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        type: "BadRequestError",
        param: null,
        code: 400,
      };
    case "llamaServer":
      return {
        error: {
          code: 400,
          message: "the request exceeds the available context size, try increasing it",
          type: "exceed_context_size_error",
          n_prompt_tokens: promptTokens,
          n_ctx: n,
        },
      };
  }
}

/** The flavour's body for any other failure (401, 500…). */
function failure(o: ScriptedOpenAiOptions, status: number, message: string): unknown {
  if (o.flavour === "lmstudio") return { error: message };
  if (o.flavour === "vllm") return { object: "error", message, type: "BadRequestError", param: null, code: status };
  return {
    error: {
      message,
      type: status === 401 ? "invalid_request_error" : "server_error",
      param: null,
      code: status === 401 ? "invalid_api_key" : null,
    },
  };
}

function promptText(body: Record<string, unknown>): string {
  if (Array.isArray(body.messages)) return (body.messages as { content?: unknown }[]).map((m) => String(m.content ?? "")).join("\n");
  return String(body.prompt ?? "");
}

export async function startScriptedOpenAi(options: ScriptedOpenAiOptions): Promise<ScriptedOpenAi> {
  const requests: ScriptedRequest[] = [];
  let paused: { reached: Promise<void>; reach(): void; go?: (cut: boolean) => void } | undefined;
  const newPause = () => {
    let reach!: () => void;
    const reached = new Promise<void>((r) => (reach = r));
    paused = { reached, reach };
  };
  newPause();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const path = req.url ?? "";
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (req.method === "GET" && /^\/v1\/models\/?$/.test(path)) return json(200, modelList(options));
      if (req.method === "POST" && path === "/tokenize" && options.flavour === "llamaServer") {
        const content = String((JSON.parse(raw || "{}") as { content?: unknown }).content ?? "");
        return json(200, { tokens: Array.from({ length: tokensOf(content) }, (_, i) => i) });
      }
      const chat = path === "/v1/chat/completions";
      if (req.method !== "POST" || (!chat && path !== "/v1/completions")) return json(404, failure(options, 404, `Not found: ${path}`));
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      const promptTokens = tokensOf(promptText(body));
      const maxTokens = typeof body.max_tokens === "number" ? body.max_tokens : 16;
      const over = promptTokens + maxTokens > (options.contextSize ?? 32768) && options.flavour !== "ollama";
      requests.push({ path, body, promptTokens, refused: over || !!options.failWith });
      if (options.failWith) return json(options.failWith.status, failure(options, options.failWith.status, options.failWith.message));
      if (over) return json(400, refusal(options, promptTokens, maxTokens));
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const pieces = options.answer.match(/[\s\S]{1,8}/g) ?? [];
      const event = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
        res.write(
          `data: ${JSON.stringify({ id: "cmpl-1", object: chat ? "chat.completion.chunk" : "text_completion", created: 1733300000, model: MODEL, choices: [{ index: 0, ...choice }], ...extra })}\n\n`,
        );
      if (chat && options.toolCall && Array.isArray(body.tools) && body.tools.length > 0) {
        const args = JSON.stringify(options.toolCall.arguments).match(/[\s\S]{1,5}/g) ?? [];
        event({
          delta: {
            role: "assistant",
            content: null,
            tool_calls: [{ index: 0, id: "call_scripted_1", type: "function", function: { name: options.toolCall.name, arguments: "" } }],
          },
          finish_reason: null,
        });
        for (const a of args) event({ delta: { tool_calls: [{ index: 0, function: { arguments: a } }] }, finish_reason: null });
        event(
          { delta: {}, finish_reason: "tool_calls" },
          { usage: { prompt_tokens: promptTokens, completion_tokens: args.length, total_tokens: promptTokens + args.length } },
        );
        return res.end("data: [DONE]\n\n");
      }
      void (async () => {
        let sent = "";
        let held = false;
        for (const p of pieces) {
          event(chat ? { delta: { role: "assistant", content: p }, finish_reason: null } : { text: p, finish_reason: null });
          sent += p;
          if (!held && scripted.pauseAfter && sent.includes(scripted.pauseAfter)) {
            held = true;
            const pause = paused!;
            const cut = await new Promise<boolean>((go) => {
              pause.go = go;
              pause.reach();
            });
            newPause();
            if (cut) return void res.destroy();
          }
        }
        event(chat ? { delta: {}, finish_reason: "stop" } : { text: "", finish_reason: "stop" }, {
          usage: { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length },
        });
        res.end("data: [DONE]\n\n");
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const scripted: ScriptedOpenAi = {
    url: `http://127.0.0.1:${port}`,
    requests,
    whenPaused: () => paused!.reached,
    resume: () => paused?.go?.(false),
    cut: () => paused?.go?.(true),
    close: () => {
      paused?.go?.(true);
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
  return scripted;
}
