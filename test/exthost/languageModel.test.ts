// Mixtral as a model of VS Code's own chat, through the API VS Code's chat and other extensions
// call (vscode.lm): the provider lists it, streams the tiny model's answer on the chat view's
// prompt path, counts tokens with the model's tokenizer, stops on cancellation, calls tools (on
// the local engine through the grammar, on an OpenAI-compatible server natively), shares the chat
// slot with the chat view, and says "not found" with the next step when the model file is gone.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as vscode from "vscode";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { ensureTinyModel, repoRoot } from "../helpers/tinyModel";
import { sendChat } from "./chatDriver";
import { activateExtension } from "./extension";
import { waitFor } from "../helpers/wait";
import {
  assertForecastCall,
  cancellationReachesProviders,
  collect,
  config,
  forecastTool,
  G,
  KEYS,
  mixtral,
  textOf,
  User,
  VENDOR,
} from "./languageModelHelpers";

describe("VS Code's chat: Mixtral through vscode.lm", function () {
  this.timeout(180_000);
  let model: string;

  before(async () => {
    await activateExtension();
    model = await ensureTinyModel();
    await config().update("modelPath", model, G);
    await config().update("engine", "local", G);
    await config().update("temperature", 0, G);
    await config().update("threads", 1, G);
    await config().update("maxTokens", 24, G);
  });

  after(async () => {
    for (const key of KEYS) await config().update(key, undefined, G);
  });

  it("selectChatModels finds Mixtral, sized from the model's context, with tool calling", async () => {
    const m = await mixtral();
    assert.equal(m.vendor, VENDOR);
    assert.equal(m.family, "mixtral");
    assert.match(m.name, /^Mixtral \(local\): /);
    // mixtral.contextSize is 8,192 but the tiny file was trained on 4,096: the real context is the
    // smaller (before a load from the file's header, after it from the engine), less mixtral.maxTokens.
    assert.equal(config().get("contextSize"), 8192);
    assert.equal(m.maxInputTokens, 4096 - 24);
  });

  it("sendRequest streams the tiny model's answer, from the chat view's prompt path", async () => {
    const m = await mixtral();
    const chunks: string[] = [];
    const parts = await collect(await m.sendRequest([User("Hello there")], {}), (p) => {
      if (p instanceof vscode.LanguageModelTextPart) chunks.push(p.value);
    });
    assert.ok(chunks.length > 1, `streamed ${chunks.length} chunk(s)`);
    assert.equal(textOf(parts), chunks.join(""));
    const viaLm = await vscode.commands.executeCommand<{ feature: string; text: string }>("mixtral._test.lastPrompt");
    assert.equal(viaLm.feature, "vscodeChat");
    // The chat view builds the same prompt for the same first message: one prompt path.
    await vscode.commands.executeCommand("mixtral.newChat");
    await sendChat("Hello there");
    const viaView = await vscode.commands.executeCommand<{ text: string }>("mixtral._test.lastPrompt");
    assert.equal(viaLm.text, viaView.text);
  });

  it("countTokens equals the engine's own tokenization", async () => {
    const m = await mixtral();
    const text = "[INST] Sort the list of numbers, then print it [/INST]";
    const counted = await m.countTokens(text);
    // The CLI's --tokens runs the engine's tokenizer rule on the file's vocabulary (BOS + one run).
    const dir = await mkdtemp(path.join(os.tmpdir(), "mixtral-lm-"));
    try {
      const messages = path.join(dir, "messages.json");
      await writeFile(messages, JSON.stringify([{ role: "user", content: "Sort the list of numbers, then print it" }]));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(repoRoot(), "dist", "cli.js"), "prompt", "--messages", messages, "--model", model, "--tokens"],
        { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } },
      );
      const ids = JSON.parse(stdout) as number[];
      assert.equal(counted, ids.length - 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal(
      await m.countTokens(User("Sort the list of numbers, then print it")),
      await m.countTokens("Sort the list of numbers, then print it"),
    );
  });

  it("a cancellation stops the answer (from VS Code 1.127 on) and the engine is free for the next request", async () => {
    await config().update("maxTokens", 2000, G);
    try {
      const m = await mixtral();
      const source = new vscode.CancellationTokenSource();
      let seen = 0;
      const parts = await collect(await m.sendRequest([User("Tell me a very long story")], {}, source.token), () => {
        if (++seen === 3) source.cancel();
      });
      assert.ok(parts.length >= 3, `${parts.length} parts`);
      // The engine's own figures for the cancelled answer: it stopped long before maxTokens.
      const stats = await waitFor(
        "the cancelled answer to finish",
        async () =>
          (await vscode.commands.executeCommand<{ feature: string; stats?: { generatedTokens: number } }>("mixtral._test.lastPrompt"))
            .stats,
      );
      if (cancellationReachesProviders()) {
        assert.ok(stats.generatedTokens < 500, `the engine generated ${stats.generatedTokens} of 2000 tokens after the cancellation`);
      } else {
        // VS Code 1.104–1.126 never cancel the provider's token (microsoft/vscode#277872, fixed in
        // 1.127 by #319098): the consumer stops reading, the answer runs on. README says so.
        assert.ok(stats.generatedTokens >= 500, `VS Code ${vscode.version} did pass the cancellation on: update the README and this test`);
      }
      const next = await collect(await m.sendRequest([User("Hi")], { modelOptions: { maxTokens: 4 } }));
      assert.ok(textOf(next).length > 0);
    } finally {
      await config().update("maxTokens", 24, G);
    }
  });

  it("a required tool call on the local engine returns schema-valid arguments; the result goes back", async () => {
    const m = await mixtral();
    assert.ok(m.maxInputTokens > 0);
    const first = await collect(
      await m.sendRequest([User("Weather in Oslo tomorrow?")], {
        tools: [forecastTool],
        toolMode: vscode.LanguageModelChatToolMode.Required,
        modelOptions: { maxTokens: 200 },
      }),
    );
    const call = assertForecastCall(first);
    // Agent mode's round trip: the call and its result in the history, then the next answer.
    const history = [
      User("Weather in Oslo tomorrow?"),
      vscode.LanguageModelChatMessage.Assistant([call]),
      vscode.LanguageModelChatMessage.User([
        new vscode.LanguageModelToolResultPart(call.callId, [new vscode.LanguageModelTextPart("3 degrees, rain")]),
      ]),
    ];
    const second = await collect(await m.sendRequest(history, { tools: [forecastTool], modelOptions: { maxTokens: 200 } }));
    // Random weights choose freely between text and another call; either arrives as VS Code's parts.
    assert.ok(
      second.every((p) => p instanceof vscode.LanguageModelTextPart || p instanceof vscode.LanguageModelToolCallPart),
      JSON.stringify(second),
    );
    const prompt = await vscode.commands.executeCommand<{ text: string }>("mixtral._test.lastPrompt");
    assert.ok(prompt.text.includes(`Result of get_forecast (call ${call.callId}):\n3 degrees, rain [/INST]`), prompt.text.slice(-300));
  });

  it("every tool VS Code offers (agent mode's set) fits: the grammar builds and the answer parses", async () => {
    const tools = vscode.lm.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
    assert.ok(tools.length > 0, "vscode.lm.tools is empty");
    const m = await mixtral();
    const parts = await collect(
      await m.sendRequest([User("List the files in the workspace.")], { tools, modelOptions: { maxTokens: 300 } }),
    );
    const prompt = await vscode.commands.executeCommand<{ text: string }>("mixtral._test.lastPrompt");
    for (const t of tools) assert.ok(prompt.text.includes(`\n- ${t.name}(`), `${t.name} is not in the prompt`);
    const calls = parts.filter((p) => p instanceof vscode.LanguageModelToolCallPart);
    // Random weights: text or one call of a tool that exists.
    assert.ok(calls.length <= 1 && calls.every((c) => tools.some((t) => t.name === c.name)), JSON.stringify(parts));
  });

  it("the chat view and VS Code's chat share the engine's chat slot: both answers complete", async () => {
    const m = await mixtral();
    await vscode.commands.executeCommand("mixtral.newChat");
    const [view, lm] = await Promise.all([sendChat("Explain closures"), m.sendRequest([User("Explain recursion")], {}).then(collect)]);
    assert.ok(view.answer?.content, JSON.stringify(view.notices));
    assert.equal(view.answer?.error, undefined);
    assert.ok(textOf(lm).length > 0);
  });

  it("a request that does not fit the context fails with our words only: what takes the room and the setting to raise, no stack", async () => {
    const m = await mixtral();
    await assert.rejects(
      async () => collect(await m.sendRequest([User("Explain this code. ".repeat(3000))], { tools: [forecastTool] })),
      (err: unknown) => {
        assert.ok(err instanceof Error, String(err));
        assert.match(
          err.message,
          /does not fit Mixtral's context: \d+ tokens of prompt \(VS Code's instructions and 1 tool description with your message\).*Raise mixtral\.contextSize/,
        );
        // VS Code's chat shows "message: stack" for an error with a stack (copilot-chat 0.67).
        assert.ok(!err.stack, `the error carries a stack: ${err.stack}`);
        return true;
      },
    );
  });

  it("a model file that is gone: the request fails as 'not found' with the next step", async () => {
    await config().update("modelPath", path.join(os.tmpdir(), "no-such-mixtral.gguf"), G);
    try {
      const m = await mixtral();
      await assert.rejects(
        async () => collect(await m.sendRequest([User("Hi")], {})),
        (err: unknown) => {
          assert.ok(err instanceof vscode.LanguageModelError, String(err));
          assert.equal(err.code, vscode.LanguageModelError.NotFound().code);
          assert.match(
            err.message,
            /^The model file \S*no-such-mixtral\.gguf does not exist or cannot be read\. Check mixtral\.modelPath, or run “Mixtral: Select or Download Model…” to choose or download it again\.$/,
          );
          return true;
        },
      );
    } finally {
      await config().update("modelPath", model, G);
    }
  });

  describe("an OpenAI-compatible server", () => {
    let server: ScriptedOpenAi;

    before(async () => {
      server = await startScriptedOpenAi({
        flavour: "vllm",
        answer: "Sunny.",
        toolCall: { name: "get_forecast", arguments: { city: "Lima", unit: "c", tomorrow: false } },
      });
      await config().update("remote.url", server.url, G);
      await config().update("engine", "openai", G);
    });

    after(async () => {
      await config().update("engine", "local", G);
      await config().update("remote.url", undefined, G);
      await server.close();
    });

    it("lists the server's model and returns its streamed tool call as a LanguageModelToolCallPart", async () => {
      const m = await waitFor(
        "the server's model in vscode.lm",
        async () => {
          const listed = await mixtral();
          return listed.name.startsWith("Mixtral (openai)") && listed;
        },
        20_000,
      );
      assert.match(m.name, /^Mixtral \(openai\): mixtral-8x7b-instruct$/);
      const parts = await collect(
        await m.sendRequest([User("Weather in Lima?")], { tools: [forecastTool], toolMode: vscode.LanguageModelChatToolMode.Required }),
      );
      const call = assertForecastCall(parts);
      assert.equal(call.callId, "call_scripted_1");
      assert.deepEqual(call.input, { city: "Lima", unit: "c", tomorrow: false });
      const body = server.requests.at(-1)?.body as { tools?: { function: { name: string } }[]; tool_choice?: string };
      assert.deepEqual(
        body.tools?.map((t) => t.function.name),
        ["get_forecast"],
      );
      assert.equal(body.tool_choice, "required");
    });
  });
});
