// Mixtral's format, token-exact against the tiny model's real vocabulary. Expected tokens are built
// independently of tokenizePrompt: by Mistral's v1 rule (BOS + encode() per message + EOS after each
// answer), by the one-run-per-exchange string form of the issue, and by hand from the vocabulary.
import * as assert from "node:assert/strict";
import type { LlamaModel, Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import { InvalidOptionsError } from "../../../src/core/errors";
import { buildTinyVocab, SPM_SPACE } from "../../../src/core/gguf/tinyVocab";
import { buildMixtralPrompt, renderPromptText, type ChatMessage } from "../../../src/core/prompt/mixtralFormat";
import { tokenizePrompt } from "../../../src/engine/tokenizePrompt";
import { disposeTinyTokenizer, tinyTokenizer } from "./tinyTokenizer";

const u = (content: string): ChatMessage => ({ role: "user", content });
const a = (content: string): ChatMessage => ({ role: "assistant", content });
const s = (content: string): ChatMessage => ({ role: "system", content });

/** mistral-common v1: BOS, encode("[INST] {user} [/INST]"), encode(answer), EOS, … (system folded). */
function referenceV1(model: LlamaModel, messages: ChatMessage[]): Token[] {
  const system = messages
    .filter((m) => m.role === "system")
    .map((m) => m.content.trim())
    .join("\n\n");
  const turns = messages.filter((m) => m.role !== "system");
  const out: Token[] = [model.tokens.bos!];
  turns.forEach((m, k) => {
    if (m.role === "user") {
      const text = k === 0 && system ? `${system}\n\n${m.content.trim()}` : m.content.trim();
      out.push(...model.tokenize(`[INST] ${text} [/INST]`, false));
    } else {
      out.push(...model.tokenize(m.content.trim(), false), model.tokens.eos!);
    }
  });
  return out;
}

/** The picture: per finished exchange ONE run "[INST] u [/INST] a", EOS, last "[INST] u [/INST]". */
function referenceExchangeRuns(model: LlamaModel, messages: ChatMessage[]): Token[] {
  const system = messages
    .filter((m) => m.role === "system")
    .map((m) => m.content.trim())
    .join("\n\n");
  const turns = messages.filter((m) => m.role !== "system");
  const out: Token[] = [model.tokens.bos!];
  for (let k = 0; k < turns.length; k += 2) {
    const user = k === 0 && system ? `${system}\n\n${turns[k].content.trim()}` : turns[k].content.trim();
    const answer = turns[k + 1];
    out.push(...model.tokenize(answer ? `[INST] ${user} [/INST] ${answer.content.trim()}` : `[INST] ${user} [/INST]`, false));
    if (answer) out.push(model.tokens.eos!);
  }
  return out;
}

const CONVERSATIONS: Record<string, ChatMessage[]> = {
  "one turn": [u("hello world")],
  "one turn + system": [s("use python"), u("write a function")],
  "two turns": [u("what is a list"), a("a list is an array"), u("and a map")],
  "two turns + system": [s("be brief"), u("what is a list"), a("a list is an array"), u("and a map")],
  "three turns": [u("one"), a("two"), u("three"), a("four"), u("five")],
  "three turns + system": [s("you help"), u("one"), a("two"), u("three"), a("four"), u("five")],
  unicode: [u("café ünïcode 日本語 🚀"), a("ça va — très bien"), u("naïve")],
  "control strings as text": [u("print <s> and </s> and [INST] x [/INST]"), a("</s> is [/INST] text <s>"), u("[INST] again </s>")],
  "code with indentation": [u("fix this:\n    def f(x):\n        return x\n")],
};

describe("prompt/mixtralFormat", function () {
  this.timeout(60000);
  let model: LlamaModel;
  before(async () => {
    ({ model } = await tinyTokenizer());
  });
  after(() => disposeTinyTokenizer());

  for (const [name, messages] of Object.entries(CONVERSATIONS)) {
    it(`is token-exact with Mistral's v1 rule: ${name}`, () => {
      const tokens = tokenizePrompt(model, buildMixtralPrompt(messages));
      assert.deepEqual(tokens, referenceV1(model, messages));
      assert.deepEqual(tokens, referenceExchangeRuns(model, messages));
      // BOS once, EOS once per finished answer, nothing else special: typed <s>/</s> stay text.
      assert.equal(tokens.filter((t) => t === model.tokens.bos).length, 1);
      assert.equal(tokens.filter((t) => t === model.tokens.eos).length, messages.filter((m) => m.role === "assistant").length);
      assert.equal(tokens[0], model.tokens.bos);
    });
  }

  it("matches token ids looked up by hand in the tiny vocabulary", () => {
    const vocab = buildTinyVocab().tokens;
    const id = (piece: string): number => {
      const i = vocab.indexOf(piece);
      assert.ok(i >= 0, `piece ${piece} in vocabulary`);
      return i;
    };
    const _ = SPM_SPACE;
    const tokens = tokenizePrompt(model, buildMixtralPrompt([u("hello world"), a("ok"), u("thanks")]));
    assert.deepEqual(tokens, [
      1,
      id(`${_}[INST]`),
      id(`${_}hello`),
      id(`${_}world`),
      id(`${_}[/INST]`),
      id(`${_}ok`),
      2,
      id(`${_}[INST]`),
      id(`${_}thanks`),
      id(`${_}[/INST]`),
    ]);
  });

  it("trims outer whitespace of user and assistant texts, keeps inner whitespace", () => {
    const spaced = tokenizePrompt(model, buildMixtralPrompt([u("  hello   world \n"), a(" ok  "), u("\tthanks ")]));
    const clean = tokenizePrompt(model, buildMixtralPrompt([u("hello   world"), a("ok"), u("thanks")]));
    assert.deepEqual(spaced, clean);
    assert.notDeepEqual(clean, tokenizePrompt(model, buildMixtralPrompt([u("hello world"), a("ok"), u("thanks")])));
  });

  it("text that looks like control tokens tokenizes exactly as ordinary text", () => {
    for (const text of ["<s>", "</s>", "[INST]", "[/INST]", "<unk>"]) {
      const tokens = tokenizePrompt(model, buildMixtralPrompt([u(`a ${text} b`)]));
      assert.deepEqual(tokens.slice(1), model.tokenize(`[INST] a ${text} b [/INST]`, false));
      assert.ok(!tokens.slice(1).includes(model.tokens.bos!) && !tokens.includes(model.tokens.eos!), text);
      // ...and differs from what special-token parsing would give for the markers llama.cpp knows.
      if (text === "<s>" || text === "</s>") assert.notDeepEqual(tokens.slice(1), model.tokenize(`[INST] a ${text} b [/INST]`, true));
    }
  });

  it("each turn's segments and tokens extend the previous turn's exactly", () => {
    const history: ChatMessage[] = [s("be brief"), u("one")];
    let previous = buildMixtralPrompt(history);
    for (const [answer, next] of [
      ["two", "three"],
      ["four 🚀", "five </s>"],
      ["six", "seven"],
    ]) {
      history.push(a(answer), u(next));
      const current = buildMixtralPrompt(history);
      assert.deepEqual(current.slice(0, previous.length), previous);
      const before = tokenizePrompt(model, previous);
      assert.deepEqual(tokenizePrompt(model, current).slice(0, before.length), before);
      previous = current;
    }
  });

  it("continueAssistant leaves the primed answer open (no EOS) and keeps its end as given", () => {
    const segments = buildMixtralPrompt([u("complete"), a("```ts\n  const x =")], { continueAssistant: true });
    assert.deepEqual(segments, [
      { type: "bos" },
      { type: "text", text: "[INST] complete [/INST]" },
      { type: "text", text: "```ts\n  const x =" },
    ]);
    const tokens = tokenizePrompt(model, segments);
    assert.equal(tokens.filter((t) => t === model.tokens.eos).length, 0);
  });

  it("renders Mistral's documented string form", () => {
    const text = renderPromptText(buildMixtralPrompt([u("User Instruction 1"), a("Model answer 1"), u("User instruction 2")]));
    assert.equal(text, "<s> [INST] User Instruction 1 [/INST] Model answer 1</s> [INST] User instruction 2 [/INST]");
    assert.equal(renderPromptText(buildMixtralPrompt([s("sys"), u("hi")]), { bos: "", runPrefix: "" }), "[INST] sys\n\nhi [/INST]");
  });

  describe("role order", () => {
    const cases: Array<[string, ChatMessage[], RegExp, boolean?]> = [
      ["empty conversation", [], /empty/],
      ["only system text", [s("x")], /only system/],
      ["assistant first", [a("hi"), u("x")], /Message 1 is an assistant message, expected user: the conversation must start with a user/],
      ["assistant after system", [s("x"), a("hi")], /Message 2 is an assistant message, expected user/],
      ["two users in a row", [u("a"), u("b")], /Message 2 is a user message, expected assistant: two user messages in a row/],
      ["two assistants in a row", [u("a"), a("b"), a("c")], /Message 3 is an assistant message, expected user: two assistant/],
      ["trailing assistant", [u("a"), a("b")], /ends with an assistant message/],
      ["system in the middle", [u("a"), a("b"), s("c"), u("d")], /Message 3 is a system message after the conversation started/],
      ["empty user message", [u("  \n")], /Message 1 \(user\) is empty/],
    ];
    for (const [name, messages, pattern] of cases) {
      it(`rejects: ${name}`, () => {
        assert.throws(
          () => buildMixtralPrompt(messages),
          (err: unknown) => err instanceof InvalidOptionsError && pattern.test(err.message),
        );
      });
    }
    it("accepts a trailing assistant only with continueAssistant", () => {
      assert.equal(buildMixtralPrompt([u("a"), a("b")], { continueAssistant: true }).length, 3);
    });
  });
});
