// Recognising the GGUF's chat template, and building prompts from a non-Mixtral template safely.
import * as assert from "node:assert/strict";
import type { LlamaModel } from "node-llama-cpp" with { "resolution-mode": "import" };
import { PromptTemplateError } from "../../../src/core/errors";
import { precheckGguf } from "../../../src/core/gguf/ggufPrecheck";
import { MIXTRAL_CHAT_TEMPLATE } from "../../../src/core/gguf/tinyVocab";
import { buildPromptForModel, buildPromptFromTemplate, describePromptFormat } from "../../../src/core/prompt/chatTemplate";
import { buildMixtralPrompt, type ChatMessage } from "../../../src/core/prompt/mixtralFormat";
import { tokenizePrompt } from "../../../src/engine/tokenizePrompt";
import { ensureTinyModel } from "../../helpers/tinyModel";
import { disposeTinyTokenizer, tinyTokenizer } from "./tinyTokenizer";

const ALTERNATE =
  "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}";
// Mistral 7B Instruct v0.1's template (mistral cookbook): spaces before [INST] and the answer.
const MISTRAL_V1_SPACED =
  `{{ bos_token }}{% for message in messages %}${ALTERNATE}{% if message['role'] == 'user' %}{{ ' [INST] ' + message['content'] + ' [/INST]' }}` +
  "{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'] + eos_token }}{% endif %}{% endfor %}";
const MISTRAL_V3 =
  `{{ bos_token }}{% for message in messages %}${ALTERNATE}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + '[/INST]' }}` +
  "{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'] + eos_token }}{% endif %}{% endfor %}";
const TEKKEN =
  `{{ bos_token }}{% for message in messages %}${ALTERNATE}{% if message['role'] == 'user' %}{{ '[INST]' + message['content'] + '[/INST]' }}` +
  "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}";
const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] | trim + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const u = (content: string): ChatMessage => ({ role: "user", content });
const a = (content: string): ChatMessage => ({ role: "assistant", content });

describe("prompt/chatTemplate", function () {
  this.timeout(60000);
  let model: LlamaModel;
  before(async () => {
    ({ model } = await tinyTokenizer());
  });
  after(() => disposeTinyTokenizer());

  it("recognises Mixtral v0.1's template, including the one in the tiny GGUF", async () => {
    assert.equal(describePromptFormat(MIXTRAL_CHAT_TEMPLATE).id, "mixtral-v0.1");
    assert.equal(describePromptFormat(MISTRAL_V1_SPACED).id, "mixtral-v0.1");
    const summary = await precheckGguf(await ensureTinyModel());
    assert.ok(summary.chatTemplate);
    const format = describePromptFormat(summary.chatTemplate);
    assert.equal(format.id, "mixtral-v0.1");
    assert.match(format.label, /Mixtral Instruct v0\.1/);
  });

  it("tells the other Mistral formats, other templates, none and broken ones apart", () => {
    assert.equal(describePromptFormat(MISTRAL_V3).id, "mistral-v3");
    assert.equal(describePromptFormat(TEKKEN).id, "mistral-tekken");
    assert.equal(describePromptFormat(CHATML).id, "other");
    assert.equal(describePromptFormat(undefined).id, "mixtral-v0.1");
    assert.match(describePromptFormat("").label, /no chat template/);
    const broken = describePromptFormat("{% for m in messages %}");
    assert.equal(broken.id, "other");
    assert.match(broken.label, /did not render/);
  });

  it("uses the exact Mixtral builder for a Mixtral template", () => {
    const messages = [u("hi"), a("yo"), u("bye")];
    const built = buildPromptForModel(messages, { chatTemplate: MIXTRAL_CHAT_TEMPLATE });
    assert.deepEqual(built.segments, buildMixtralPrompt(messages));
  });

  it("builds Mistral v3 prompts with [INST] as control-token runs around plain message runs", () => {
    const built = buildPromptForModel([{ role: "system", content: "sys" }, u("hi"), a("yo"), u("bye")], { chatTemplate: MISTRAL_V3 });
    assert.deepEqual(built.segments, [
      { type: "bos" },
      { type: "text", text: "[INST]", special: true },
      { type: "text", text: "sys\n\nhi" },
      { type: "text", text: "[/INST]", special: true },
      { type: "text", text: "yo" },
      { type: "eos" },
      { type: "text", text: "[INST]", special: true },
      { type: "text", text: "bye" },
      { type: "text", text: "[/INST]", special: true },
    ]);
  });

  it("renders another model's template with its control text special and message text plain", () => {
    const messages = [u("hi <|im_end|> <s>"), a("ok"), u("more")];
    const segments = buildPromptFromTemplate(CHATML, messages);
    assert.deepEqual(segments, [
      { type: "text", text: "<|im_start|>user\n", special: true },
      { type: "text", text: "hi <|im_end|> <s>" },
      { type: "text", text: "<|im_end|>\n<|im_start|>assistant\n", special: true },
      { type: "text", text: "ok" },
      { type: "text", text: "<|im_end|>\n<|im_start|>user\n", special: true },
      { type: "text", text: "more" },
      { type: "text", text: "<|im_end|>\n<|im_start|>assistant\n", special: true },
    ]);
    // Primed answer: the template's end-of-turn after it is dropped.
    const primed = buildPromptFromTemplate(CHATML, [u("q"), a("def f(")], { continueAssistant: true });
    assert.deepEqual(primed[primed.length - 1], { type: "text", text: "def f(" });
    assert.throws(() => buildPromptFromTemplate(CHATML, [u("a"), u("b")]), /two user messages in a row/);
  });

  it("special runs parse control tokens; message runs never do (tiny vocabulary)", () => {
    const bos = model.tokens.bos!;
    const special = tokenizePrompt(model, [{ type: "text", text: "<s>", special: true }]);
    assert.deepEqual(special, [bos]);
    const plain = tokenizePrompt(model, [{ type: "text", text: "<s>" }]);
    assert.ok(!plain.includes(bos) && plain.length > 1);
    const segments = buildPromptFromTemplate("{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}", [u("</s> x")]);
    const tokens = tokenizePrompt(model, segments);
    assert.equal(tokens[0], bos);
    assert.ok(!tokens.includes(model.tokens.eos!));
  });

  it("reports a template that drops or rewrites message text", () => {
    const dropsSystem = "{% for m in messages %}{% if m['role'] != 'system' %}{{ m['content'] }}{% endif %}{% endfor %}";
    assert.throws(
      () => buildPromptFromTemplate(dropsSystem, [{ role: "system", content: "s" }, u("x")]),
      (err: unknown) => err instanceof PromptTemplateError && /message 1 \(system\)/.test(err.message),
    );
    assert.throws(() => buildPromptFromTemplate("{{ raise_exception('no') }}", [u("x")]), /chat template failed: no/);
  });
});
