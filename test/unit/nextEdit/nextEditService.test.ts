// A next-edit request end to end without VS Code: the real engine child on the tiny model (its
// answer forced to a known rewrite, as the benchmark does) and a scripted OpenAI-compatible server
// on 127.0.0.1. The answer stops early once it re-joins the original, the suggestion applied gives
// exactly the rewrite, and a newer request or cancel() ends a pending one.
import * as assert from "node:assert/strict";
import type { EngineClient } from "../../../src/core/engineClient/EngineClient";
import type { InferenceBackend } from "../../../src/core/engineClient/types";
import { EditHistory } from "../../../src/core/nextEdit/editHistory";
import { CURSOR_MARKER } from "../../../src/core/nextEdit/nextEditPrompt";
import { NextEditService, type NextEditDocument, type NextEditOutcome } from "../../../src/core/nextEdit/NextEditService";
import { applySuggestion } from "../../../src/core/nextEdit/suggestion";
import { createRemoteClient } from "../../../src/core/remote/createRemoteClient";
import { renderPromptText } from "../../../src/core/prompt/mixtralFormat";
import { forcedAnswerTokens } from "../../../bench/lib/nextEditForcing";
import { startScriptedOpenAi } from "../../helpers/openAiServers";
import { makeClient, tinyLoadOptions } from "../engine/engineTestKit";

/** The user renamed `count` to `quantity` in the signature; the next edit is its first use. */
const BEFORE = [
  "export function lineTotal(price: number, count: number): number {",
  "  const base = price * count;",
  "  const discount = base > 100 ? base * 0.1 : 0;",
  "  const shipping = base > 50 ? 0 : 4.99;",
  "  const subtotal = base - discount;",
  "  const taxed = subtotal * 1.2;",
  "  return Math.round((taxed + shipping) * 100) / 100;",
  "}",
  "",
  "export function describe(total: number): string {",
  "  return `Total: ${total.toFixed(2)}`;",
  "}",
]
  .map((l) => `${l}\n`)
  .join("");
const EDITED = BEFORE.replace("count: number", "quantity: number");
const NEXT = EDITED.replace("price * count", "price * quantity");

function historyOfRename(): EditHistory {
  const h = new EditHistory();
  h.record({ path: "src/cart.ts", before: BEFORE, after: EDITED, startLine: 0, endLine: 0 });
  return h;
}

const doc: NextEditDocument = {
  path: "src/cart.ts",
  languageId: "typescript",
  text: EDITED,
  cursor: EDITED.indexOf("quantity") + "quantity".length,
};

function suggested(o: NextEditOutcome): Extract<NextEditOutcome, { kind: "suggestion" }> {
  assert.equal(o.kind, "suggestion", JSON.stringify(o));
  return o as Extract<NextEditOutcome, { kind: "suggestion" }>;
}

describe("nextEdit/NextEditService", function () {
  this.timeout(120_000);

  describe("on the real engine (tiny model, answer forced)", () => {
    let client: EngineClient;
    before(async () => {
      client = makeClient().client;
      await client.load(await tinyLoadOptions());
    });
    after(() => client?.dispose());

    let forcedCount = 0;
    const service = (speculation: "auto" | "off", prompts: string[] = []) =>
      new NextEditService({
        getBackend: async () => client,
        settings: () => ({ template: "", speculation }),
        onPrompt: (_p, segments) => prompts.push(renderPromptText(segments)),
        // The model writes the whole region with the next edit applied, then the closing fence.
        forceTokens: async (_segments, prompt, region) => {
          const tokens = await forcedAnswerTokens(
            (p) => client.tokenize(p),
            prompt.answerPrefix,
            NEXT.slice(region.start, region.end) + "```",
          );
          forcedCount = tokens.length;
          return tokens;
        },
      });

    for (const speculation of ["auto", "off"] as const) {
      it(`suggests the rename at the next usage, stopping early (speculation ${speculation})`, async () => {
        const prompts: string[] = [];
        const o = suggested(await service(speculation, prompts).suggest(doc, historyOfRename().diffs()));
        assert.equal(applySuggestion(EDITED, o.suggestion), NEXT, "the suggestion applied is exactly the next edit");
        assert.deepEqual([o.suggestion.removed, o.suggestion.inserted], ["count", "quantity"]);
        assert.equal(o.figures.earlyStopped, true);
        assert.ok(o.figures.linesSaved >= 6, `lines saved: ${o.figures.linesSaved}`);
        // Five of the region's twelve lines written (the change, three lines to re-join, one in flight).
        assert.ok(
          o.figures.stats.generatedTokens < forcedCount * 0.6,
          `generated ${o.figures.stats.generatedTokens} of the ${forcedCount} forced tokens`,
        );
        assert.equal(prompts.length, 1);
        assert.ok(
          prompts[0].includes(`count: number): number {`) && prompts[0].includes(`quantity${CURSOR_MARKER}: number`),
          "history and cursor marker in the prompt",
        );
        assert.ok(prompts[0].startsWith("<s> [INST] The user is editing src/cart.ts (typescript)."));
        assert.ok(prompts[0].endsWith("[/INST] ```typescript\n"));
      });
    }

    it("a newer request and cancel() abort the pending one; the engine serves the next at once", async () => {
      const s = service("auto");
      const first = s.suggest(doc, []);
      const second = s.suggest(doc, []);
      s.cancel();
      assert.deepEqual(await first, { kind: "none", reason: "aborted" });
      assert.deepEqual(await second, { kind: "none", reason: "aborted" });
      assert.equal(s.busy, false);
      const started = Date.now();
      const third = suggested(await s.suggest(doc, []));
      assert.equal(applySuggestion(EDITED, third.suggestion), NEXT);
      assert.ok(Date.now() - started < 30_000);
    });

    it("an answer equal to the region suggests nothing", async () => {
      const s = new NextEditService({
        getBackend: async () => client,
        settings: () => ({ template: "", speculation: "auto" }),
        forceTokens: (_segments, prompt, region) =>
          forcedAnswerTokens((p) => client.tokenize(p), prompt.answerPrefix, EDITED.slice(region.start, region.end) + "```"),
      });
      const o = await s.suggest(doc, []);
      assert.equal(o.kind, "none");
      assert.equal(o.kind === "none" && o.reason, "unchanged");
    });
  });

  it("on a remote OpenAI-compatible server: the primed answer goes to /v1/completions, early stop ends the stream", async () => {
    const server = await startScriptedOpenAi({ flavour: "llamaServer", answer: NEXT + "```\n" });
    let backend: InferenceBackend | undefined;
    try {
      backend = createRemoteClient({ engine: "openai", remoteUrl: server.url, remoteModel: "", remoteHeaders: {} }, undefined);
      const remote = backend;
      const s = new NextEditService({ getBackend: async () => remote, settings: () => ({ template: "", speculation: "auto" }) });
      const o = suggested(await s.suggest(doc, historyOfRename().diffs()));
      assert.equal(applySuggestion(EDITED, o.suggestion), NEXT);
      assert.equal(o.figures.earlyStopped, true);
      const generation = server.requests.find((r) => r.path.includes("completions"));
      assert.equal(generation?.path, "/v1/completions");
      assert.ok(String(generation?.body.prompt).endsWith("[/INST] ```typescript\n"));
    } finally {
      await backend?.dispose();
      await server.close();
    }
  });

  it("a failing backend is a failed outcome, not a throw", async () => {
    const s = new NextEditService({
      getBackend: () => Promise.reject(new Error("no model")),
      settings: () => ({ template: "", speculation: "auto" }),
    });
    const o = await s.suggest(doc, []);
    assert.equal(o.kind, "failed");
  });
});
