// The speculative-decoding cost model and the input lookup: pure functions, no model.
import * as assert from "node:assert/strict";
import {
  CPU_MIXTRAL_COSTS,
  DraftPolicy,
  expectedSpeedup,
  expectedTokens,
  GPU_MIXTRAL_COSTS,
  verifyCost,
} from "../../../src/core/speculation/draftPolicy";
import { LookupPredictor } from "../../../src/engine/LookupPredictor";

describe("speculation: draft policy (cost model)", () => {
  it("reads the measured H200 table at its points, interpolates between them and extrapolates past 32", () => {
    assert.equal(verifyCost(GPU_MIXTRAL_COSTS, 1), 1);
    assert.equal(verifyCost(GPU_MIXTRAL_COSTS, 8), 4.23);
    assert.equal(verifyCost(GPU_MIXTRAL_COSTS, 16), 4.72);
    assert.ok(Math.abs(verifyCost(GPU_MIXTRAL_COSTS, 10) - (4.23 + 4.56) / 2) < 1e-9);
    assert.ok(verifyCost(GPU_MIXTRAL_COSTS, 40) > 6.45);
  });

  it("counts a step's expected tokens as the sampled one plus the accepted run", () => {
    assert.equal(expectedTokens(1, 15), 16);
    assert.equal(expectedTokens(0, 15), 1);
    assert.ok(Math.abs(expectedTokens(0.5, 2) - 1.75) < 1e-12);
  });

  it("drafts nothing below the minimum match, and long drafts on a GPU once runs are long", () => {
    const policy = new DraftPolicy(GPU_MIXTRAL_COSTS);
    assert.equal(policy.draftLength(5, 100), 0);
    // A 12-token match: p = 12/13; on the H200 table 8 → 16 is nearly free, so it drafts past 8.
    const d = policy.draftLength(12, 100);
    assert.ok(d >= 15, `drafted ${d}`);
    assert.ok(expectedSpeedup(GPU_MIXTRAL_COSTS, policy.acceptance(12), d) > 1.1);
    // No more than the input offers after the match.
    assert.ok(policy.draftLength(12, 5) <= 5);
  });

  it("stops drafting when this request's drafts keep failing, and resumes when they are accepted", () => {
    const policy = new DraftPolicy(GPU_MIXTRAL_COSTS);
    for (let i = 0; i < 10; i++) policy.record(0, 16);
    assert.equal(policy.draftLength(8, 100), 0);
    for (let i = 0; i < 20; i++) policy.record(31, 31);
    assert.ok(policy.draftLength(8, 100) > 0);
  });

  it("drafts on the CPU table only after a long verbatim run (a drafted token costs most of a step there), unless told to ignore the cost", () => {
    assert.equal(new DraftPolicy(CPU_MIXTRAL_COSTS).draftLength(8, 100), 0);
    assert.ok(new DraftPolicy(CPU_MIXTRAL_COSTS).draftLength(64, 100) > 0);
    assert.equal(new DraftPolicy(CPU_MIXTRAL_COSTS, { ignoreCost: true }).draftLength(30, 100), 31);
    assert.equal(new DraftPolicy(CPU_MIXTRAL_COSTS, { ignoreCost: true }).draftLength(3, 100), 0);
  });
});

describe("speculation: input lookup", () => {
  const always = () => new DraftPolicy(GPU_MIXTRAL_COSTS, { ignoreCost: true, minMatch: 3, maxDraft: 4 });

  it("drafts the input's continuation after the longest match of the output's end", () => {
    //              0  1  2  3  4  5  6  7  8  9 10 11
    const input = [1, 2, 3, 9, 9, 5, 6, 7, 2, 3, 4, 8];
    const p = new LookupPredictor(input, always());
    p.push([5, 6, 7, 2, 3]); // matches input[5..9] (5 tokens); [2, 3] alone also matches input[1..2]
    assert.deepEqual(p.draft(100), [4, 8]);
    assert.deepEqual(p.draft(1), [4]);
  });

  it("drafts nothing before the answer's first token: in a conversation the turn's end matches an earlier turn's", () => {
    // An earlier turn "7 8 9 [/INST]" answered "4 5 6", then this turn ends the same way.
    const INST = [20, 21, 22];
    const input = [1, 7, 8, 9, ...INST, 4, 5, 6, 2, 7, 8, 9, ...INST];
    const p = new LookupPredictor(input, always());
    assert.deepEqual(p.draft(100), [], "the earlier answer, drafted before this answer wrote anything");
    p.push([4]); // the answer's own first token agrees with the earlier answer: now a draft is a fair bet
    assert.deepEqual(p.draft(100), [5, 6, 2, 7]);
  });

  it("drafts nothing for a match shorter than the minimum or with nothing after it", () => {
    const p = new LookupPredictor([1, 2, 3, 4], always());
    p.push([3]);
    assert.deepEqual(p.draft(100), []);
    p.push([7, 2, 3, 4]); // ends with [2, 3, 4]: a 3-token match, but the input ends there
    assert.deepEqual(p.draft(100), []);
  });

  it("counts what the model accepted and feeds it to the policy", () => {
    const policy = new DraftPolicy(GPU_MIXTRAL_COSTS);
    const before = policy.acceptance(8);
    const p = new LookupPredictor([1, 2, 3], policy);
    p.verified(3, 16);
    p.verified(0, 0);
    assert.deepEqual(p.counts, { proposed: 16, accepted: 3, drafts: 1 });
    assert.ok(policy.acceptance(8) < before);
  });
});
