// When next-edit suggestions run: "auto" on with a remote server or the whole model on a GPU,
// off on a CPU (with the reason the status says), "on" and "off" as set.
import * as assert from "node:assert/strict";
import { nextEditDecision } from "../../../src/core/nextEdit/enablement";

describe("nextEdit/enablement", () => {
  it("auto: on with a remote server or the whole model on a GPU, off on the CPU or part-offloaded", () => {
    assert.deepEqual(nextEditDecision("auto", { engine: "openai" }), { on: true });
    assert.deepEqual(nextEditDecision("auto", { engine: "tgi" }), { on: true });
    assert.deepEqual(nextEditDecision("auto", { engine: "local", backend: "cuda", gpuLayers: 33, layerCount: 33 }), { on: true });
    const cpu = nextEditDecision("auto", { engine: "local", backend: "cpu", gpuLayers: 0, layerCount: 33 });
    assert.equal(cpu.on, false);
    assert.match(cpu.on ? "" : cpu.reason, /CPU.*"on"/);
    assert.equal(nextEditDecision("auto", { engine: "local", backend: "cuda", gpuLayers: 20, layerCount: 33 }).on, false);
    assert.equal(nextEditDecision("auto", { engine: "local" }).on, false, "not before the model is loaded");
  });

  it("on and off are what they say", () => {
    assert.deepEqual(nextEditDecision("on", { engine: "local", backend: "cpu", gpuLayers: 0, layerCount: 33 }), { on: true });
    assert.equal(nextEditDecision("off", { engine: "openai" }).on, false);
  });
});
