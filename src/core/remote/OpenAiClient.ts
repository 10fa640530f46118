// Any OpenAI-compatible server (vLLM, llama.cpp's llama-server, Ollama, TGI's /v1): chat through
// /v1/chat/completions with `stream: true` when the request carries its messages, otherwise (and to
// continue a primed assistant answer) the rendered Mixtral prompt through /v1/completions. Stop
// strings are enforced here, not sent: OpenAI's finish_reason "stop" cannot tell a stop string from
// EOS, and the local engine reports which one it was.
import type { ModelInfo } from "../../shared/engineProtocol";
import type { GenerateRequest, GenerateResult, RemoteToolCall } from "../engineClient/types";
import { foldSystemMessages, withSystem } from "../prompt/mixtralFormat";
import type { GenerationRun, ServerCounts } from "./generationRun";
import { promptTextForServer } from "./promptText";
import { RemoteClientBase, estimateTokens } from "./RemoteClientBase";
import { RemotePromptTooLongError, RemoteProtocolError } from "./remoteErrors";
import { sseEvents } from "./sse";

type Obj = Record<string, unknown>;
type StreamState = { finish?: string; stopReason?: unknown; counts: ServerCounts; toolCalls: RemoteToolCall[] };
const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

export class OpenAiClient extends RemoteClientBase {
  readonly kind = "openai" as const;
  tokenCountsAreEstimates = false;
  private listedModel: string | undefined;
  /** The limit the server stated when it refused a prompt; it wins over what the model list says
   *  (llama-server lists the model's trained context, not the smaller one it may run with). */
  private statedContext: number | undefined;
  /** What GET /v1/models says (llama-server meta.n_ctx_train, vLLM max_model_len); often absent. */
  private listedContext: number | undefined;

  /** Which endpoint a request goes to. */
  static usesChat(request: GenerateRequest): boolean {
    const m = request.messages;
    return !!m && m.length > 0 && m[m.length - 1].role !== "assistant";
  }

  protected override url(path: string): URL {
    // Accept a base URL given with its /v1 (as OpenAI clients usually take it).
    const base = this.base.pathname.endsWith("/v1/") && path.startsWith("v1/") ? path.slice(3) : path;
    return super.url(base);
  }

  buildBody(request: GenerateRequest): { path: string; body: Obj } {
    const body: Obj = {
      model: this.options.model || this.listedModel || "default",
      stream: true,
      // Usage in the last chunk (prompt and completion tokens) where the server supports it.
      stream_options: { include_usage: true },
      max_tokens: request.maxTokens,
      temperature: Math.max(0, request.temperature),
    };
    if (this.options.topP !== undefined) body.top_p = this.options.topP;
    if (this.options.topK !== undefined) body.top_k = this.options.topK; // vLLM and llama-server extension
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.grammar) body.grammar = request.grammar; // llama-server extension (GBNF)
    if (OpenAiClient.usesChat(request)) {
      // Mixtral has no system role (its template refuses one): fold it as the local prompt does.
      const all = request.messages ?? [];
      const { system, rest } = foldSystemMessages(all);
      const native = !!request.tools?.length;
      body.messages = all
        .slice(all.length - rest.length)
        .flatMap((m, i) => openAiMessages(m, i === 0 && m.role === "user" ? system : undefined, native));
      if (native && request.tools) {
        body.tools = request.tools.map((t) => ({
          type: "function",
          function: { name: t.name, description: t.description, parameters: t.inputSchema ?? { type: "object", properties: {} } },
        }));
        body.tool_choice = request.toolMode === "required" ? "required" : "auto";
      }
      return { path: "v1/chat/completions", body };
    }
    body.prompt = promptTextForServer(request.prompt).text;
    return { path: "v1/completions", body };
  }

  protected async attempt(request: GenerateRequest, run: GenerationRun, signal: AbortSignal, attempt: number): Promise<GenerateResult> {
    if (!this.options.model && !this.listedModel) await this.refreshInfo(signal).catch(() => undefined);
    const { path, body } = this.buildBody(request);
    let res;
    try {
      res = await this.openStream(path, body, signal, attempt);
    } catch (err) {
      if (err instanceof RemotePromptTooLongError) this.learnContext(err);
      throw err;
    }
    const state: StreamState = { counts: {}, toolCalls: [] };
    try {
      for await (const ev of sseEvents(res.chunks())) {
        if (ev.data.trim() === "[DONE]") return this.result(run, state);
        if (this.onEvent(this.eventJson(ev.data, run, attempt), run, state)) return run.finish("stopString");
      }
    } finally {
      res.close();
    }
    // No [DONE]: the answer is whole if the server said why it finished.
    if (state.finish !== undefined) return this.result(run, state);
    if (!run.hasOutput && state.toolCalls.length === 0) {
      throw new RemoteProtocolError(`The server at ${this.origin} closed the stream before sending any text.`, "See the server's log.");
    }
    return run.finish("abort", state.counts, "The server closed the stream before its end marker; the partial answer is kept");
  }

  private result(run: GenerationRun, state: StreamState): GenerateResult {
    // vLLM names the stop string that ended the answer in stop_reason.
    const reason = state.finish === "length" ? "maxTokens" : typeof state.stopReason === "string" ? "stopString" : "eos";
    const result = run.finish(reason, state.counts);
    const toolCalls = state.toolCalls.filter((c) => c !== undefined && c.name !== "");
    return toolCalls.length > 0 ? { ...result, toolCalls } : result;
  }

  /** Returns true when a client-side stop string ended the answer. */
  private onEvent(data: Obj, run: GenerationRun, state: StreamState): boolean {
    const usage = data.usage as Obj | undefined | null;
    if (usage) {
      state.counts.promptTokens = num(usage.prompt_tokens) ?? state.counts.promptTokens;
      state.counts.generatedTokens = num(usage.completion_tokens) ?? state.counts.generatedTokens;
    }
    // llama-server: prompt_n = tokens evaluated now, cache_n = reused from its KV cache.
    const timings = data.timings as Obj | undefined;
    if (timings && num(timings.prompt_n) !== undefined) {
      state.counts.evaluatedTokens = num(timings.prompt_n);
      if (state.counts.promptTokens === undefined) state.counts.promptTokens = (num(timings.prompt_n) ?? 0) + (num(timings.cache_n) ?? 0);
    }
    const choices = data.choices;
    if (!Array.isArray(choices)) {
      if (usage || timings) return false;
      throw new RemoteProtocolError(
        `The server at ${this.origin} sent an event without choices: ${JSON.stringify(data).slice(0, 200)}`,
        "Check mixtral.engine (tgi or openai).",
        { partialText: run.text },
      );
    }
    for (const c of choices as Obj[]) {
      if (typeof c !== "object" || c === null || (c.index !== undefined && c.index !== 0)) continue;
      const delta = c.delta as Obj | undefined;
      const text = typeof delta?.content === "string" ? delta.content : typeof c.text === "string" ? c.text : "";
      if (text && run.token(text)) return true;
      if (Array.isArray(delta?.tool_calls)) addToolCallDeltas(state.toolCalls, delta.tool_calls);
      if (typeof c.finish_reason === "string") {
        state.finish = c.finish_reason;
        state.stopReason = c.stop_reason;
      }
    }
    return false;
  }

  async countTokens(texts: string[], signal?: AbortSignal): Promise<number[]> {
    const out: number[] = [];
    for (const text of texts) {
      if (this.tokenCountsAreEstimates) {
        out.push(estimateTokens(text));
        continue;
      }
      try {
        // llama-server's own endpoint (outside /v1); other servers have none and get estimates.
        const v = (await this.getJson(
          this.rootPath("tokenize"),
          "POST",
          { content: text, add_special: false, parse_special: false },
          signal,
        )) as Obj;
        if (!Array.isArray(v?.tokens)) throw Object.assign(new Error("no tokens"), { status: 404 });
        out.push(v.tokens.length);
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status !== 404 && status !== 405 && !(err instanceof RemoteProtocolError)) throw err;
        this.tokenCountsAreEstimates = true;
        this.log("warn", `[remote] ${this.origin} has no /tokenize; token counts are estimates (bytes / 3)`);
        out.push(estimateTokens(text));
      }
    }
    return out;
  }

  /** Takes the context size from the server's refusal when it states one: the next prompt is
   *  fitted to it (the chat fits again and retries once; see ChatController). */
  private learnContext(err: RemotePromptTooLongError): void {
    const limit = err.limit;
    if (limit === undefined || limit <= 0 || limit === this.info?.contextSize) return;
    this.statedContext = limit;
    this.log(
      "info",
      `[remote] ${this.origin} refused a prompt and stated its context size: ${limit} tokens (was ${this.info?.contextSize ?? "unknown"})`,
    );
    if (this.info) this.info = { ...this.info, contextSize: limit, description: this.describe(this.info.fileName) };
  }

  private describe(id: string): string {
    const ctx =
      this.statedContext !== undefined
        ? `context ${this.statedContext} tokens (stated by the server)`
        : this.listedContext !== undefined
          ? `context ${this.listedContext} tokens`
          : `context not reported; assuming ${this.assumedContext} (mixtral.contextSize)`;
    return `OpenAI-compatible server at ${this.origin}: ${id}, ${ctx}`;
  }

  private get assumedContext(): number {
    return this.options.contextSize ?? 8192;
  }

  /** A path at the server's root even when the base URL ends in /v1. */
  private rootPath(path: string): string {
    return this.base.pathname.endsWith("/v1/") ? `../${path}` : path;
  }

  async refreshInfo(signal?: AbortSignal): Promise<ModelInfo> {
    const started = performance.now();
    const v = (await this.getJson("v1/models", "GET", undefined, signal)) as Obj;
    const list = Array.isArray(v?.data) ? (v.data as Obj[]) : [];
    if (!Array.isArray(v?.data)) {
      throw new RemoteProtocolError(
        `${this.origin}/v1/models is not an OpenAI model list.`,
        "Check mixtral.engine: use tgi for TGI's native API.",
      );
    }
    const wanted = this.options.model;
    const entry = (wanted ? list.find((m) => m.id === wanted) : undefined) ?? list[0];
    const id = typeof entry?.id === "string" ? entry.id : wanted || "default";
    this.listedModel = id;
    const meta = (entry?.meta ?? {}) as Obj; // llama-server: n_ctx_train, n_params, size
    // llama-server: meta.n_ctx_train; vLLM: max_model_len. Ollama, LM Studio and OpenAI list no
    // size: unknown stays unknown (0 here refused every chat message), so mixtral.contextSize is
    // assumed until the server states its limit in a refusal.
    this.listedContext = num(meta.n_ctx_train) ?? num(entry?.max_model_len);
    const ctx = this.statedContext ?? this.listedContext ?? this.assumedContext;
    const notices =
      wanted && !list.some((m) => m.id === wanted) && list.length
        ? [`The server does not list model "${wanted}" (it has ${list.map((m) => String(m.id)).join(", ")}).`]
        : [];
    if (this.listedContext === undefined && this.statedContext === undefined) {
      notices.push(`The server does not report its context size; assuming ${ctx} tokens (mixtral.contextSize) until it states its limit.`);
    }
    this.info = {
      path: this.origin,
      fileName: id,
      sizeBytes: num(meta.size) ?? 0,
      architecture: "remote",
      name: id,
      expertCount: 0,
      expertUsedCount: 0,
      trainContextSize: this.listedContext ?? 0,
      contextSize: ctx,
      quantization: "remote",
      layerCount: 0,
      gpuLayers: 0,
      // ModelInfo has no "remote" backend; the server does not say which it uses.
      backend: "remote",
      gpuName: `${typeof entry?.owned_by === "string" ? entry.owned_by : "OpenAI-compatible"} at ${this.origin}`,
      description: this.describe(id),
      notices,
      loadMs: performance.now() - started,
    };
    return this.info;
  }
}

/** Streamed `tool_calls` deltas: the first of a call brings its index, id and name, later ones
 *  more of its `arguments` text (OpenAI, vLLM, llama-server all stream them this way). */
function addToolCallDeltas(calls: RemoteToolCall[], deltas: unknown[]): void {
  for (const d of deltas) {
    if (typeof d !== "object" || d === null) continue;
    const delta = d as Obj;
    const index = num(delta.index) ?? calls.length;
    const fn = (typeof delta.function === "object" && delta.function !== null ? delta.function : {}) as Obj;
    const call = (calls[index] ??= { id: "", name: "", arguments: "" });
    if (typeof delta.id === "string" && delta.id) call.id = delta.id;
    if (typeof fn.name === "string" && fn.name && !call.name) call.name = fn.name;
    if (typeof fn.arguments === "string") call.arguments += fn.arguments;
  }
}

type RequestMessage = NonNullable<GenerateRequest["messages"]>[number];

/** One turn as OpenAI chat messages: plain text, or (with tools in the request) its tool calls as
 *  `tool_calls` and its tool results as `role: "tool"` messages, as the server's template expects. */
function openAiMessages(m: RequestMessage, system: string | undefined, native: boolean): Obj[] {
  // Mixtral has no system role: the first user turn carries it, as in the local prompt.
  const withSys = (text: string) => (system === undefined ? text : withSystem(system, text));
  if (!native || !m.native) return [{ role: m.role, content: withSys(m.content) }];
  const { text, toolCalls, toolResults } = m.native;
  if (m.role === "assistant") {
    return [
      {
        role: "assistant",
        content: text || null,
        ...(toolCalls.length > 0
          ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      },
    ];
  }
  const out: Obj[] = toolResults.map((r) => ({ role: "tool", tool_call_id: r.callId, content: r.text }));
  if (text || system) out.push({ role: "user", content: withSys(text) });
  return out;
}
