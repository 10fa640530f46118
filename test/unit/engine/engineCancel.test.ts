// A cancel frees the chat slot at every stage of a request, on the real engine child under CPU
// load: while the host is still starting it (the model loading, the request not yet sent), while
// it waits in the engine behind another request, while its prompt is evaluated, and after its
// first chunk. Each cancelled request ends with "abort" long before its token limit, shows no text
// after the cancel, and the next request runs at once after it.
import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import type { GenerateResult } from "../../../src/core/engineClient/types";
import type { PromptSegment } from "../../../src/shared/engineProtocol";
import { chatPrompt, makeClient, promptOfAbout, request, tinyLoadOptions } from "./engineTestKit";

/** Far more than any cancel may let through: a lost cancel runs to it (seconds of tokens). */
const LIMIT = 3000;
const ROUNDS = 4;

interface Cancelled {
  result: GenerateResult;
  chunksAtCancel: number;
  chunksAfterCancel: number;
}

/** Runs one request on the chat slot and cancels it when `when` says so (or at once, for "now"). */
async function cancelled(
  client: EngineClient,
  prompt: PromptSegment[],
  when: "now" | "afterTick" | "onProgress" | "onFirstChunk",
): Promise<Cancelled> {
  const controller = new AbortController();
  let chunks = 0;
  let chunksAtCancel = -1;
  const cancel = () => {
    if (chunksAtCancel < 0) {
      chunksAtCancel = chunks;
      controller.abort();
    }
  };
  const running = client.generate(
    request(prompt, { maxTokens: LIMIT }),
    () => {
      chunks++;
      if (when === "onFirstChunk") cancel();
    },
    controller.signal,
    () => {
      if (when === "onProgress") cancel();
    },
  );
  if (when === "now") cancel();
  if (when === "afterTick") setImmediate(cancel);
  const result = await running;
  return { result, chunksAtCancel, chunksAfterCancel: chunksAtCancel < 0 ? chunks : chunks - chunksAtCancel };
}

function assertStopped(c: Cancelled, stage: string): void {
  assert.equal(
    c.result.stopReason,
    "abort",
    `${stage}: the request ran to "${c.result.stopReason}" (${c.result.stats.generatedTokens} tokens)`,
  );
  assert.ok(c.chunksAtCancel >= 0, `${stage}: the request ended before the cancel`);
  assert.ok(
    c.result.stats.generatedTokens < LIMIT / 10,
    `${stage}: the engine went on for ${c.result.stats.generatedTokens} tokens after the cancel`,
  );
  assert.equal(c.chunksAfterCancel, 0, `${stage}: ${c.chunksAfterCancel} chunk(s) reached the caller after the cancel`);
}

/** The slot is free: a short request right after runs to its own limit. */
async function assertSlotFree(client: EngineClient, stage: string): Promise<void> {
  const next = await client.generate(request(chatPrompt(`next after ${stage}`), { maxTokens: 3 }), () => undefined);
  assert.equal(next.stopReason, "maxTokens", stage);
  assert.equal(next.stats.generatedTokens, 3, stage);
}

describe("engine: a cancel at any stage frees the chat slot (under CPU load)", function () {
  this.timeout(180_000);
  let client: EngineClient;
  const load: ChildProcess[] = [];

  before(async () => {
    // Two busy processes keep both cores of the test machine loaded, as in the field report.
    for (let i = 0; i < 2; i++) load.push(spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
    ({ client } = makeClient({ idleUnloadMs: 0 }));
    await client.load(await tinyLoadOptions());
  });
  after(async () => {
    for (const child of load) child.kill();
    await client?.dispose();
  });

  it("cancelled in the same tick as the request (the host still starting it)", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const c = await cancelled(client, chatPrompt(`Tell me a long story, take ${i}`), "now");
      assertStopped(c, `now #${i}`);
      assert.equal(c.result.stats.generatedTokens, 0);
      await assertSlotFree(client, `now #${i}`);
    }
  });

  it("cancelled while the model is loading (the request waits in the host)", async () => {
    const options = await tinyLoadOptions();
    for (let i = 0; i < ROUNDS; i++) {
      const loading = client.load(options);
      const c = await cancelled(client, chatPrompt(`Tell me a long story while loading, take ${i}`), "afterTick");
      await loading;
      assertStopped(c, `loading #${i}`);
      assert.equal(c.result.stats.generatedTokens, 0);
      await assertSlotFree(client, `loading #${i}`);
    }
  });

  it("cancelled while queued in the engine behind another request", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const ahead = new AbortController();
      let aheadChunks = 0;
      let queued: Promise<Cancelled> | undefined;
      const first = client.generate(
        request(chatPrompt(`First, a long story ${i}`), { maxTokens: LIMIT }),
        () => {
          // The second request is sent once the first is generating: it waits in the engine's queue.
          if (++aheadChunks === 1) queued = cancelled(client, chatPrompt(`Second, queued ${i}`), "afterTick");
          if (aheadChunks === 20) ahead.abort();
        },
        ahead.signal,
      );
      const a = await first;
      assert.ok(queued, "the first request streamed nothing");
      const c = await queued;
      assert.equal(a.stopReason, "abort");
      assertStopped(c, `queued #${i}`);
      assert.equal(c.result.stats.generatedTokens, 0);
      await assertSlotFree(client, `queued #${i}`);
    }
  });

  it("cancelled while its prompt is evaluated", async () => {
    const prompt = await promptOfAbout(client, 2000);
    for (let i = 0; i < ROUNDS; i++) {
      // A different first word each round: no KV reuse from the previous round's prompt.
      const c = await cancelled(client, [prompt[0], { type: "text", text: `[INST] ${i}` }, ...prompt.slice(1)], "onProgress");
      assertStopped(c, `prompt #${i}`);
      assert.equal(c.result.stats.generatedTokens, 0);
      assert.ok(c.result.stats.evaluatedTokens < c.result.stats.promptTokens, `prompt #${i}: the whole prompt was evaluated`);
      await assertSlotFree(client, `prompt #${i}`);
    }
  });

  it("cancelled after its first chunk", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const c = await cancelled(client, chatPrompt(`Tell me a long story after the first chunk, take ${i}`), "onFirstChunk");
      assertStopped(c, `first chunk #${i}`);
      await assertSlotFree(client, `first chunk #${i}`);
    }
  });
});
