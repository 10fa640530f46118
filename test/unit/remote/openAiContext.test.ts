// The context size of an OpenAI-compatible server: taken from its model list where it has one
// (llama-server, vLLM), assumed from mixtral.contextSize where it has none (Ollama, LM Studio,
// OpenAI), and learned from the limit the server states when it refuses a prompt as too long.
// Against scripted servers on 127.0.0.1 that answer as each of those servers does.
import * as assert from "node:assert/strict";
import { OpenAiClient } from "../../../src/core/remote/OpenAiClient";
import { RemotePromptTooLongError } from "../../../src/core/remote/remoteErrors";
import type { GenerateRequest } from "../../../src/core/engineClient/types";
import { buildMixtralPrompt, type ChatMessage } from "../../../src/core/prompt/mixtralFormat";
import { startScriptedOpenAi, type OpenAiFlavour, type ScriptedOpenAi } from "../../helpers/openAiServers";

function chatRequest(content: string): GenerateRequest {
  const messages: ChatMessage[] = [{ role: "user", content }];
  return { slot: "chat", prompt: buildMixtralPrompt(messages), messages, maxTokens: 16, temperature: 0 };
}

/** The same prompt through /v1/completions (no messages: the rendered prompt, as inline completions send it). */
function completionRequest(content: string): GenerateRequest {
  return { slot: "completion", prompt: buildMixtralPrompt([{ role: "user", content }]), maxTokens: 16, temperature: 0 };
}

describe("remote/OpenAiClient context size", () => {
  let server: ScriptedOpenAi | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  for (const flavour of ["ollama", "lmstudio", "openai"] as const) {
    it(`${flavour}: a model list without a size assumes mixtral.contextSize and says so; the chat answers`, async () => {
      server = await startScriptedOpenAi({ flavour, answer: "Hello there." });
      const client = new OpenAiClient({ baseUrl: server.url, contextSize: 4096 });
      const info = await client.refreshInfo();
      assert.equal(info.contextSize, 4096);
      assert.equal(info.trainContextSize, 0, "the server did not say");
      assert.ok(
        info.notices.some((n) => /does not report its context size; assuming 4096 tokens \(mixtral\.contextSize\)/.test(n)),
        info.notices.join("\n"),
      );
      assert.match(info.description, /context not reported; assuming 4096/);
      const result = await client.generate(chatRequest("Hi"), () => undefined);
      assert.equal(result.text, "Hello there.");
      client.dispose();
    });
  }

  it("without mixtral.contextSize the assumption is 8192 tokens", async () => {
    server = await startScriptedOpenAi({ flavour: "ollama", answer: "x" });
    const client = new OpenAiClient({ baseUrl: server.url });
    assert.equal((await client.refreshInfo()).contextSize, 8192);
    client.dispose();
  });

  for (const flavour of ["vllm", "llamaServer"] as const) {
    it(`${flavour}: the size the model list gives is used, with no notice`, async () => {
      server = await startScriptedOpenAi({ flavour, answer: "x", contextSize: 16384 });
      const client = new OpenAiClient({ baseUrl: server.url, contextSize: 4096 });
      const info = await client.refreshInfo();
      assert.equal(info.contextSize, 16384);
      assert.equal(info.notices.length, 0);
      client.dispose();
    });
  }

  const refusing: { flavour: OpenAiFlavour; shape: string }[] = [
    { flavour: "openai", shape: 'code context_length_exceeded, "maximum context length is N tokens"' },
    { flavour: "vllm", shape: '"maximum context length is N tokens. However, you requested…"' },
    { flavour: "llamaServer", shape: "exceed_context_size_error with n_ctx" },
    { flavour: "lmstudio", shape: '"loaded with context length of only N tokens"' },
  ];
  for (const { flavour, shape } of refusing) {
    for (const [endpoint, request] of [
      ["chat", chatRequest],
      ["completions", completionRequest],
    ] as const) {
      it(`${flavour} (${shape}), ${endpoint}: the refusal is a prompt-too-long error and its limit becomes the context size`, async () => {
        // vLLM and llama-server list a larger size than they run with (llama-server lists the trained context).
        server = await startScriptedOpenAi({ flavour, answer: "x", contextSize: 300, listedContext: 32768 });
        const client = new OpenAiClient({ baseUrl: server.url, contextSize: 8192 });
        await client.refreshInfo();
        const long = "word ".repeat(400); // ~670 tokens by the server's count
        const err = await client
          .generate(request(long), () => undefined)
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        assert.ok(err instanceof RemotePromptTooLongError, `got ${String(err)}`);
        assert.equal(err.limit, 300);
        assert.equal(client.modelInfo()?.contextSize, 300);
        assert.match(client.modelInfo()?.description ?? "", /context 300 tokens \(stated by the server\)/);
        assert.equal(server.requests.at(-1)?.path, endpoint === "chat" ? "/v1/chat/completions" : "/v1/completions");
        // A prompt within the stated limit goes through.
        assert.equal((await client.generate(request("short"), () => undefined)).text, "x");
        // A refresh (a new window, a new key) keeps the limit the server stated.
        assert.equal((await client.refreshInfo()).contextSize, 300);
        client.dispose();
      });
    }
  }

  it("openai's refusal without a number: the context stays as assumed and the message says to set mixtral.contextSize", async () => {
    server = await startScriptedOpenAi({ flavour: "openai", answer: "x", contextSize: 300, refusalWithoutNumber: true });
    const client = new OpenAiClient({ baseUrl: server.url, contextSize: 8192 });
    await client.refreshInfo();
    const err = await client
      .generate(chatRequest("word ".repeat(400)), () => undefined)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof RemotePromptTooLongError, `got ${String(err)}`);
    assert.equal(err.limit, undefined);
    assert.match(err.message, /too long for the server \(Your input exceeds the context window/);
    assert.match(err.hint ?? "", /set mixtral\.contextSize to the context the server runs with/);
    assert.equal(client.modelInfo()?.contextSize, 8192);
    client.dispose();
  });
});
