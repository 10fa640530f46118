import * as assert from "node:assert/strict";
import { RequestScheduler } from "../../../src/core/completion/requestScheduler";
import { sleep } from "../../../src/core/sleep";

/** A task that runs until aborted (like a long generation) or until `ms` pass, and logs its life. */
function task(name: string, log: string[], ms = 10_000) {
  return async (signal: AbortSignal) => {
    log.push(`start ${name}`);
    await sleep(ms, signal);
    // The engine needs a moment to settle an abort (partial text comes back): simulate that.
    await new Promise((r) => setTimeout(r, 5));
    log.push(`end ${name}`);
    return name;
  };
}

describe("completion request scheduler", () => {
  it("runs a single request to completion", async () => {
    const s = new RequestScheduler();
    const result = await s.run(task("a", [], 5));
    assert.deepEqual(result, { ok: true, value: "a" });
  });

  it("aborts the running request when a newer one comes, and starts the newer one after it settled", async () => {
    const log: string[] = [];
    const s = new RequestScheduler();
    const a = s.run(task("a", log));
    await sleep(5);
    const b = s.run(task("b", log, 5));
    // The superseded task still returns its (partial) value, for the token statistics.
    assert.deepEqual(await a, { ok: false, reason: "superseded", value: "a" });
    assert.deepEqual(await b, { ok: true, value: "b" });
    assert.deepEqual(log, ["start a", "end a", "start b", "end b"]);
  });

  it("keeps one waiting request and drops older waiting ones without running them", async () => {
    const log: string[] = [];
    const s = new RequestScheduler();
    const a = s.run(task("a", log));
    await sleep(2);
    const waiting = ["b", "c", "d", "e"].map((n) => s.run(task(n, log, 5)));
    const results = await Promise.all([a, ...waiting]);
    assert.deepEqual(
      results.map((r) => (r.ok ? r.value : r.reason)),
      ["superseded", "superseded", "superseded", "superseded", "e"],
    );
    assert.deepEqual(log, ["start a", "end a", "start e", "end e"]);
    assert.equal(s.peakActive, 1);
  });

  it("never runs two tasks at once under a storm of requests", async () => {
    const s = new RequestScheduler();
    let running = 0;
    let peak = 0;
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      all.push(
        s.run(async (signal) => {
          running++;
          peak = Math.max(peak, running);
          await sleep(3 + (i % 4), signal);
          await new Promise((r) => setImmediate(r));
          running--;
          return i;
        }),
      );
      await sleep(i % 3);
    }
    const results = await Promise.all(all);
    assert.equal(peak, 1);
    assert.equal(s.peakActive, 1);
    assert.deepEqual(results[results.length - 1], { ok: true, value: 59 });
  });

  it("passes the caller's abort to the running task and reports it as aborted", async () => {
    const s = new RequestScheduler();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const p = s.run(async (signal) => {
      seen = signal;
      await sleep(10_000, signal);
      return 1;
    }, controller.signal);
    await sleep(5);
    controller.abort();
    assert.deepEqual(await p, { ok: false, reason: "aborted", value: 1 });
    assert.equal(seen?.aborted, true);
  });

  it("drops a waiting request whose caller aborts, without running it", async () => {
    const log: string[] = [];
    const s = new RequestScheduler();
    const a = s.run(task("a", log, 30));
    const controller = new AbortController();
    const b = s.run(task("b", log, 5), controller.signal);
    controller.abort();
    assert.deepEqual(await b, { ok: false, reason: "aborted" });
    await a;
    assert.deepEqual(
      log.filter((l) => l.includes("b")),
      [],
    );
  });

  it("returns at once for an already aborted signal", async () => {
    const s = new RequestScheduler();
    let ran = false;
    const result = await s.run(async () => (ran = true), AbortSignal.abort());
    assert.deepEqual(result, { ok: false, reason: "aborted" });
    assert.equal(ran, false);
  });

  it("reports busy changes for the status bar", async () => {
    const changes: boolean[] = [];
    const s = new RequestScheduler((busy) => changes.push(busy));
    await s.run(task("a", [], 2));
    const a = s.run(task("b", [], 10_000));
    await sleep(2);
    await s.run(task("c", [], 2));
    await a;
    assert.deepEqual(changes, [true, false, true, false, true, false]);
  });

  it("propagates a task's error to its caller and frees the slot", async () => {
    const s = new RequestScheduler();
    await assert.rejects(
      s.run(async () => {
        throw new Error("engine exploded");
      }),
      /engine exploded/,
    );
    assert.deepEqual(await s.run(async () => 7), { ok: true, value: 7 });
  });
});
