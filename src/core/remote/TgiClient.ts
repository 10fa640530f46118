// Hugging Face Text Generation Inference through its native API: /generate_stream (server-sent
// events: one `{"token":{id,text,logprob,special},"generated_text":null,"details":null}` per token,
// the last one with `generated_text` and `details`; errors as `{"error","error_type"}` events, even
// validation errors, because the 200 and the stream start before validation), /tokenize and /info.
import type { ModelInfo } from "../../shared/engineProtocol";
import type { GenerateRequest, GenerateResult } from "../engineClient/types";
import { InvalidOptionsError } from "../errors";
import type { GenerationRun } from "./generationRun";
import { promptTextForServer } from "./promptText";
import { RemoteClientBase, estimateTokens } from "./RemoteClientBase";
import { RemoteProtocolError } from "./remoteErrors";
import { sseEvents } from "./sse";

/** TGI refuses more stop sequences than its --max-stop-sequences (default 4); the rest are enforced
 *  here, client-side, like all of them. */
const TGI_MAX_STOP = 4;

const FINISH: Record<string, "eos" | "maxTokens" | "stopString"> = { eos_token: "eos", length: "maxTokens", stop_sequence: "stopString" };

export class TgiClient extends RemoteClientBase {
  readonly kind = "tgi" as const;
  /** True once /tokenize was found missing: counts are then estimates. */
  tokenCountsAreEstimates = false;

  /** The JSON body of /generate_stream for a request. */
  buildBody(request: GenerateRequest): Record<string, unknown> {
    if (request.grammar) {
      throw new InvalidOptionsError(
        "TGI takes JSON-schema or regex grammars, not the GBNF grammar this feature needs.",
        "Use the local engine or an OpenAI-compatible llama-server for this feature.",
      );
    }
    const { text, bos } = promptTextForServer(request.prompt);
    const greedy = request.temperature <= 0;
    const parameters: Record<string, unknown> = {
      max_new_tokens: request.maxTokens,
      // TGI rejects temperature 0; greedy decoding is do_sample false.
      do_sample: !greedy,
      details: true,
      return_full_text: false,
    };
    if (!greedy) parameters.temperature = request.temperature;
    const { topP, topK } = this.options;
    if (!greedy && topP !== undefined && topP > 0 && topP < 1) parameters.top_p = topP;
    if (!greedy && topK !== undefined && topK > 0) parameters.top_k = topK;
    if (request.stopStrings?.length) parameters.stop = request.stopStrings.filter((s) => s).slice(0, TGI_MAX_STOP);
    if (request.seed !== undefined) parameters.seed = request.seed;
    const body: Record<string, unknown> = { inputs: text, parameters, stream: true };
    // With BOS we rely on TGI's default (add_special_tokens: true); a prompt without BOS asks it not
    // to add one (honoured by TGI 2.1 and later).
    if (!bos) body.add_special_tokens = false;
    return body;
  }

  protected async attempt(request: GenerateRequest, run: GenerationRun, signal: AbortSignal, attempt: number): Promise<GenerateResult> {
    const body = this.buildBody(request);
    const res = await this.openStream("generate_stream", body, signal, attempt);
    try {
      for await (const ev of sseEvents(res.chunks())) {
        const done = this.onEvent(this.eventJson(ev.data, run, attempt), run);
        if (done) return done;
      }
    } finally {
      res.close();
    }
    if (!run.hasOutput) {
      throw new RemoteProtocolError(`The server at ${this.origin} closed the stream before sending any token.`, "See the server's log.");
    }
    return run.finish("abort", {}, "The server closed the stream before its final event; the partial answer is kept");
  }

  /** Handles one event; returns the result when the answer is over. */
  private onEvent(data: Record<string, unknown>, run: GenerationRun): GenerateResult | undefined {
    const token = data.token as { text?: unknown; special?: unknown } | undefined;
    if (typeof token !== "object" || token === null || typeof token.text !== "string") {
      throw new RemoteProtocolError(
        `The server at ${this.origin} sent an event without a token: ${JSON.stringify(data).slice(0, 200)}`,
        "Check mixtral.engine (tgi or openai).",
        { partialText: run.text },
      );
    }
    if (!token.special && run.token(token.text)) return run.finish("stopString");
    if (typeof data.generated_text !== "string") return undefined;
    const details = (data.details ?? {}) as { finish_reason?: unknown; generated_tokens?: unknown; input_length?: unknown };
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
    const reason = FINISH[String(details.finish_reason)] ?? "eos";
    return run.finish(reason, { promptTokens: num(details.input_length), generatedTokens: num(details.generated_tokens) });
  }

  async countTokens(texts: string[], signal?: AbortSignal): Promise<number[]> {
    const out: number[] = [];
    for (const text of texts) {
      if (this.tokenCountsAreEstimates) {
        out.push(estimateTokens(text));
        continue;
      }
      try {
        const v = await this.getJson("tokenize", "POST", { inputs: text, add_special_tokens: false }, signal);
        if (!Array.isArray(v)) throw new RemoteProtocolError(`/tokenize at ${this.origin} did not answer a list.`);
        // TGI before 2.1 ignores add_special_tokens and puts BOS first (an empty span at 0).
        const first = v[0] as { text?: unknown; start?: unknown; stop?: unknown } | undefined;
        const bos = first?.text === "<s>" && first.start === first.stop;
        out.push(v.length - (bos ? 1 : 0));
      } catch (err) {
        if ((err as { status?: number }).status !== 404) throw err;
        this.tokenCountsAreEstimates = true;
        this.log("warn", `[remote] ${this.origin} has no /tokenize; token counts are estimates (bytes / 3)`);
        out.push(estimateTokens(text));
      }
    }
    return out;
  }

  async refreshInfo(signal?: AbortSignal): Promise<ModelInfo> {
    const started = performance.now();
    const v = (await this.getJson("info", "GET", undefined, signal)) as Record<string, unknown>;
    if (typeof v !== "object" || v === null || typeof v.model_id !== "string") {
      throw new RemoteProtocolError(
        `${this.origin}/info is not TGI's /info (no model_id).`,
        "Check mixtral.engine: use openai for OpenAI-compatible servers.",
      );
    }
    const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : 0);
    const total = num(v.max_total_tokens);
    const input = num(v.max_input_tokens ?? v.max_input_length);
    this.info = {
      path: this.origin,
      fileName: v.model_id,
      sizeBytes: 0,
      architecture: "remote",
      name: v.model_id,
      expertCount: 0,
      expertUsedCount: 0,
      trainContextSize: total,
      contextSize: total,
      quantization: typeof v.model_dtype === "string" ? v.model_dtype : "remote",
      layerCount: 0,
      gpuLayers: 0,
      // ModelInfo has no "remote" backend; TGI serves from accelerators.
      backend: "remote",
      gpuName: `TGI ${typeof v.version === "string" ? v.version : ""} at ${this.origin}`.replace("  ", " "),
      description: `Text Generation Inference at ${this.origin}: ${v.model_id}${total ? `, ${total} tokens in total (prompt ≤ ${input})` : ""}`,
      notices: [],
      loadMs: performance.now() - started,
    };
    return this.info;
  }
}
