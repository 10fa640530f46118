// The completion pipeline against the real engine child and the tiny Mixtral-architecture model.
import * as assert from "node:assert/strict";
import { CompletionService } from "../../../src/core/completion/CompletionService";
import type { CompletionOutcome, CursorSnapshot } from "../../../src/core/completion/types";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import type { GenerateResult, InferenceBackend } from "../../../src/core/engineClient/types";
import { ModelNotInstalledError } from "../../../src/core/errors";
import { chatPrompt, makeClient, request, tinyLoadOptions } from "../engine/engineTestKit";
import { snapshotAt } from "./cursor";
import { SAMPLE_FILE, typingSession } from "./typingSession";

const settings = () => ({ maxTokens: 16, multiline: "auto" as const, template: "" });
const live = () => new AbortController().signal;

describe("completion service on the real engine", function () {
  this.timeout(120_000);
  let client: EngineClient;

  before(async () => {
    client = makeClient().client;
    await client.load(await tinyLoadOptions());
  });

  after(async () => {
    await client?.dispose();
  });

  it("reuses the engine's KV cache: a keystroke evaluates a few prompt tokens", async () => {
    const s = new CompletionService({ getBackend: async () => client, settings });
    const steps = typingSession(SAMPLE_FILE).slice(0, 12);
    const outcomes: CompletionOutcome[] = [];
    for (const step of steps) outcomes.push(await s.complete(step, [], live()));
    const fromModel = outcomes.filter(
      (o): o is Extract<CompletionOutcome, { kind: "suggestion" }> => o.kind === "suggestion" && o.source === "model",
    );
    assert.ok(fromModel.length >= 2, `model answers: ${JSON.stringify(outcomes)}`);
    const [first, ...rest] = fromModel;
    assert.equal(first.evaluatedTokens, first.promptTokens, "the first request evaluates the whole prompt");
    for (const o of rest)
      assert.ok(
        o.evaluatedTokens! <= 12 && o.evaluatedTokens! < o.promptTokens! / 4,
        `evaluated ${o.evaluatedTokens} of ${o.promptTokens}`,
      );
    const stats = s.stats;
    assert.equal(stats.peakRunning, 1);
    assert.ok(stats.evaluatedTokens < stats.promptTokens / 2);
  });

  it("answers the same position from the cache, and typed-ahead text from the visible suggestion", async () => {
    const s = new CompletionService({ getBackend: async () => client, settings: () => ({ ...settings(), multiline: "never" as const }) });
    const at = snapshotAt("export function total(xs: number[]) {\n  return xs.█\n}\n");
    const first = await s.complete(at, [], live());
    assert.equal(first.kind, "suggestion", JSON.stringify(first));
    const text = (first as { text: string }).text;
    const again = await s.complete(at, [], live());
    assert.deepEqual(again, { kind: "suggestion", text, source: "cache" });
    assert.ok(text.length >= 2);
    const typed = snapshotAt(`export function total(xs: number[]) {\n  return xs.${text.slice(0, 1)}█\n}\n`);
    assert.deepEqual(await s.complete(typed, [], live()), { kind: "suggestion", text: text.slice(1), source: "typedAhead" });
    assert.equal(s.stats.modelRequests, 1);
  });

  it("survives a storm of superseding requests while a chat answer streams", async () => {
    const s = new CompletionService({ getBackend: async () => client, settings });
    let chatChunks = 0;
    const chat = client.generate(request(chatPrompt("Write a long story about a compiler."), { maxTokens: 200 }), () => chatChunks++);
    const steps = typingSession(SAMPLE_FILE);
    const pending: Promise<CompletionOutcome>[] = [];
    const controllers: AbortController[] = [];
    for (let i = 0; i < 40; i++) {
      // Like VS Code: a new keystroke cancels the previous request's token.
      controllers[i - 1]?.abort();
      controllers[i] = new AbortController();
      pending.push(s.complete(steps[i % steps.length], [], controllers[i].signal));
      await new Promise((r) => setTimeout(r, 33));
    }
    const outcomes = await Promise.all(pending);
    const chatResult: GenerateResult = await chat;
    for (const o of outcomes)
      assert.ok(o.kind === "suggestion" || ["superseded", "aborted", "empty", "prose", "repeated"].includes(o.reason), JSON.stringify(o));
    assert.equal(outcomes.filter((o) => o.kind === "none" && o.reason === "failed").length, 0);
    // Nothing came after the last request, so it was neither superseded nor dropped.
    const last = outcomes[outcomes.length - 1];
    assert.ok(last.kind === "suggestion" || last.reason !== "superseded", JSON.stringify(last));
    assert.equal(s.stats.peakRunning, 1);
    assert.notEqual(chatResult.stopReason, "abort");
    assert.equal(chatResult.incomplete && chatResult.stopReason !== "maxTokens", false);
    assert.ok(chatChunks > 0);
  });
});

describe("completion service faults", () => {
  const at: CursorSnapshot = snapshotAt("const x = █\n");

  // The tiny model cannot be made to chat on demand: a backend that answers with prose.
  function fixedBackend(text: string): InferenceBackend {
    return {
      kind: "local",
      generate: async () => ({
        text,
        stopReason: "eos",
        incomplete: false,
        stats: { promptTokens: 10, evaluatedTokens: 10, generatedTokens: 5, ttftMs: 1, tokensPerSecond: 1, totalMs: 1 },
      }),
      countTokens: async (texts) => texts.map((t) => t.length),
      modelInfo: () => undefined,
      dispose: () => {},
    };
  }

  it("discards a prose answer", async () => {
    const s = new CompletionService({ getBackend: async () => fixedBackend("Sure, here is the code you asked for:"), settings });
    assert.deepEqual(await s.complete(at, [], live()), { kind: "none", reason: "prose" });
    assert.equal(s.cache.size, 0);
  });

  it("reports a backend failure as an outcome, not an exception", async () => {
    const error = new ModelNotInstalledError("No model is installed.");
    const s = new CompletionService({ getBackend: () => Promise.reject(error), settings });
    const outcome = await s.complete(at, [], live());
    assert.equal(outcome.kind, "none");
    assert.equal((outcome as { reason: string }).reason, "failed");
    assert.equal((outcome as { error?: unknown }).error, error);
  });
});
