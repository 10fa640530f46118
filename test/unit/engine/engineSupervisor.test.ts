// The supervisor around the real engine child: kill -9 mid-answer, bounded restarts, a hung
// child (SIGSTOP: a real hang), a load that crashes, idle unload and transparent reload.
import * as assert from "node:assert/strict";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import type { EngineStateChange } from "../../../src/core/engineClient/types";
import { EngineCrashedError } from "../../../src/core/errors";
import { chatPrompt, makeClient, request, tinyLoadOptions } from "./engineTestKit";

function waitForState(client: EngineClient, state: EngineStateChange["state"], timeoutMs = 30_000): Promise<EngineStateChange> {
  if (client.state === state) return Promise.resolve(client.stateChange);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`state ${state} not reached (now ${client.state})`));
    }, timeoutMs);
    const sub = client.onDidChangeState((change) => {
      if (change.state === state) {
        clearTimeout(timer);
        sub.dispose();
        resolve(change);
      }
    });
  });
}

describe("engine supervisor (real child process)", function () {
  this.timeout(120_000);
  const clients: EngineClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  const track = (made: ReturnType<typeof makeClient>) => {
    clients.push(made.client);
    return made;
  };

  it("keeps the partial answer when the child is killed with SIGKILL, restarts, and serves the next request", async () => {
    const { client } = track(makeClient());
    await client.load(await tinyLoadOptions());
    const states: string[] = [];
    client.onDidChangeState((s) => states.push(s.state));
    const pid = client.pid;
    assert.ok(pid);
    const chunks: string[] = [];
    const result = await client.generate(request(chatPrompt("A long answer please"), { maxTokens: 3000 }), (t) => {
      chunks.push(t);
      if (chunks.length === 3) process.kill(pid, "SIGKILL");
    });
    assert.equal(result.incomplete, true);
    assert.match(result.incompleteReason ?? "", /crashed \(SIGKILL\); the partial answer is kept/);
    assert.equal(result.text, chunks.join(""));
    assert.ok(result.text.length > 0);

    const next = await client.generate(request(chatPrompt("hello again"), { maxTokens: 4 }), () => undefined);
    assert.equal(next.stats.generatedTokens, 4);
    assert.notEqual(client.pid, pid);
    assert.ok(states.includes("crashed"), `states: ${states.join(",")}`);
    assert.equal(client.state, "ready");
  });

  it("stops restarting after too many crashes and explains why", async () => {
    const { client } = track(makeClient({ restart: { maxRestarts: 2, delaysMs: [20] } }));
    await client.load(await tinyLoadOptions());
    for (let i = 0; i < 2; i++) {
      process.kill(client.pid as number, "SIGKILL");
      await waitForState(client, "crashed");
      await waitForState(client, "ready");
    }
    process.kill(client.pid as number, "SIGKILL");
    const failed = await waitForState(client, "failed");
    assert.match(failed.reason ?? "", /crashed 3 times in 5 minutes/);
    assert.match(failed.reason ?? "", /run “Mixtral: Restart Engine” to start it again/);
    // Every request says so, with the code that offers Restart Engine.
    await assert.rejects(
      client.generate(request(chatPrompt("x"), { maxTokens: 2 }), () => undefined),
      (e: unknown) => {
        assert.ok(e instanceof EngineCrashedError, String(e));
        assert.equal(e.code, "engineStopped");
        return true;
      },
    );
    // An explicit load is the user's decision to try again.
    await client.load(await tinyLoadOptions());
    assert.equal(client.state, "ready");
  });

  it("names an out-of-memory kill: a SIGKILL it did not send, after the child grew large", async () => {
    // The tiny model cannot exhaust this machine's memory, so "large" is lowered to 0.1 % of it;
    // the kill and the child's measured peak memory are real.
    const { client } = track(makeClient({ outOfMemoryFraction: 0.001 }));
    await client.load(await tinyLoadOptions());
    await new Promise((r) => setTimeout(r, 1500)); // at least one sample after the load
    process.kill(client.pid as number, "SIGKILL");
    const crashed = await waitForState(client, "crashed");
    assert.match(
      crashed.reason ?? "",
      /killed \(SIGKILL\) after using \d+\.\d GB of this machine's \d+\.\d GB of memory: the system most likely ran out of memory/,
    );
    assert.match(crashed.reason ?? "", /smaller quantization.*fewer layers on the GPU \(mixtral\.gpuLayers\).*lower mixtral\.contextSize/);
    // At the default threshold the same kill of this small process is a plain crash (first test).
  });

  it("kills a hung child during a generation and reports it", async () => {
    const { client } = track(makeClient({ hangTimeoutMs: 1000 }));
    await client.load(await tinyLoadOptions());
    const pid = client.pid as number;
    let stopped = false;
    const result = await client.generate(request(chatPrompt("hang"), { maxTokens: 3000 }), () => {
      if (!stopped) {
        stopped = true;
        process.kill(pid, "SIGSTOP");
      }
    });
    assert.equal(result.incomplete, true);
    assert.match(result.incompleteReason ?? "", /stopped responding for 1 s/);
    const next = await client.generate(request(chatPrompt("back?"), { maxTokens: 2 }), () => undefined);
    assert.equal(next.stats.generatedTokens, 2);
  });

  it("does not reload a model whose load crashed the engine until the settings change", async () => {
    const { client } = track(makeClient());
    const options = await tinyLoadOptions();
    let killed = false;
    await assert.rejects(
      client.load(options, {
        onProgress: () => {
          if (!killed && client.pid) {
            killed = true;
            process.kill(client.pid, "SIGKILL");
          }
        },
      }),
      (error: unknown) => error instanceof EngineCrashedError && /while loading tiny-mixtral/.test(error.message),
    );
    await waitForState(client, "stopped");
    await assert.rejects(
      client.load(options),
      (error: unknown) => error instanceof EngineCrashedError && /not be loaded again/.test(error.message),
    );
    const info = await client.load({ ...options, contextSize: 2048 });
    assert.equal(info.contextSize, 2048);
  });

  it("unloads after the idle time and reloads transparently with progress", async () => {
    const { client } = track(makeClient({ idleUnloadMs: 300 }));
    await client.load(await tinyLoadOptions());
    await client.generate(request(chatPrompt("hi"), { maxTokens: 2 }), () => undefined);
    const stopped = await waitForState(client, "stopped", 10_000);
    assert.match(stopped.reason ?? "", /idle/);
    const progress: number[] = [];
    client.onDidLoadProgress((p) => progress.push(p.fraction));
    const result = await client.generate(request(chatPrompt("hi again"), { maxTokens: 2 }), () => undefined);
    assert.equal(result.stats.generatedTokens, 2);
    assert.ok(progress.length > 0, "the reload reported no progress");
    assert.equal(client.state, "ready");
  });
});
