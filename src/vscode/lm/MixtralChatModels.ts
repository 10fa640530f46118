// Mixtral as a model of VS Code's own chat (model picker, agent mode, inline chat, other extensions
// through vscode.lm): a LanguageModelChatProvider over the same Engine the chat view uses. One
// entry for the engine the settings choose (the local model file, or the remote server), sized from
// the real context. Requests run through src/core/lm (same prompt builders, same chat slot: queued
// with the chat view's answers, KV cache reused). Registering it is cheap: nothing loads until a
// request or a token count comes.
import * as path from "node:path";
import * as vscode from "vscode";
import type { InferenceBackend } from "../../core/engineClient/types";
import { precheckGguf } from "../../core/gguf/ggufPrecheck";
import { messageText } from "../../core/lm/lmConversation";
import { answerRoom } from "../../core/chat/chatRun";
import { runLmRequest, toolSupport } from "../../core/lm/lmRequest";
import { RemoteOverloadedError } from "../../core/remote/remoteErrors";
import { abortSignalFrom } from "../cancellation";
import { describeError } from "../describeError";
import { Disposable } from "../lifecycle";
import type { EngineStatus, Services } from "../services";
import { toLmMessage, toToolMode, toToolSpecs } from "./lmParts";

/** The `vendor` of package.json's languageModelChatProviders entry. */
export const LM_VENDOR = "mixtral-local";

export class MixtralChatModels extends Disposable implements vscode.LanguageModelChatProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private listedKey = "";
  private readonly fileContexts = new Map<string, Promise<number | undefined>>();

  constructor(private readonly services: Services) {
    super();
    // VS Code asks again after a change: a model loaded (its real context), settings changed.
    this._register(
      services.engine.onDidChangeStatus((s) => {
        if (listingKey(s) !== this.listedKey) this.changed.fire();
      }),
    );
    this._register(services.config.onDidChange(() => this.changed.fire()));
  }

  async provideLanguageModelChatInformation(
    _options: vscode.PrepareLanguageModelChatModelOptions,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelChatInformation[]> {
    const s = this.services.config.settings;
    const status = this.services.engine.status();
    this.listedKey = listingKey(status);
    const maxTokens = s.maxTokens;
    if (s.engine === "local") {
      const loaded = status.info && status.info.backend !== "remote" ? status.info : undefined;
      if (loaded)
        return [
          this.entry(
            "local",
            loaded.name || loaded.fileName,
            loaded.contextSize,
            maxTokens,
            "local",
            `${loaded.quantization} · ${loaded.backend}`,
          ),
        ];
      const file = await this.services.engine.modelPath().catch(() => undefined);
      if (!file) return []; // No model yet: the picker's "Manage" runs Select or Download Model.
      // Before the first load: the requested context, capped by the file's trained one.
      const trained = await this.trainedContext(file);
      const context = Math.min(s.contextSize, trained ?? s.contextSize);
      return [this.entry("local", path.basename(file, ".gguf"), context, maxTokens, "local", "loads on first use")];
    }
    const abort = abortSignalFrom(token);
    try {
      const backend = await this.services.engine.getBackend(abort.signal);
      const info = backend.modelInfo();
      return [
        this.entry(
          s.engine,
          info?.name || info?.fileName || s.engine,
          info?.contextSize ?? s.contextSize,
          maxTokens,
          backend.kind,
          s.remoteUrl,
        ),
      ];
    } catch (err) {
      this.services.log.warn(
        `[vscode-chat] the ${s.engine} server is not usable, so VS Code's chat lists no Mixtral model: ${describeError(err).message}`,
      );
      return [];
    } finally {
      abort.dispose();
    }
  }

  private entry(
    id: string,
    name: string,
    contextSize: number,
    maxTokens: number,
    kind: InferenceBackend["kind"],
    detail: string,
  ): vscode.LanguageModelChatInformation {
    const maxOutputTokens = answerRoom(contextSize, maxTokens);
    return {
      id,
      name: kind === "local" ? `Mixtral (local): ${name}` : `Mixtral (${kind}): ${name}`,
      family: "mixtral",
      version: kind,
      detail,
      tooltip: `${name}, context ${contextSize} tokens, through Mixtral Local`,
      maxInputTokens: contextSize - maxOutputTokens,
      maxOutputTokens,
      // Local: one call per answer through a JSON-schema grammar; OpenAI-compatible: native tools.
      capabilities: { toolCalling: toolSupport(kind) !== "none", imageInput: false },
    };
  }

  private trainedContext(file: string): Promise<number | undefined> {
    let known = this.fileContexts.get(file);
    if (!known) {
      // The bounded pure-TypeScript header read; a file it refuses is refused again at load.
      known = precheckGguf(file).then(
        (g) => g.contextLength,
        () => undefined,
      );
      this.fileContexts.set(file, known);
    }
    return known;
  }

  async provideLanguageModelChatResponse(
    _model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const abort = abortSignalFrom(token);
    try {
      const backend = await this.services.engine.getBackend(abort.signal);
      const s = this.services.config.settings;
      const modelOptions = options.modelOptions ?? {};
      const { result } = await runLmRequest(
        backend,
        {
          messages: messages.map(toLmMessage),
          tools: toToolSpecs(options.tools),
          toolMode: toToolMode(options.toolMode),
          systemPrompt: s.systemPrompt,
          // Callers spell it either way (OpenAI's max_tokens, or camelCase).
          maxTokens:
            typeof modelOptions.maxTokens === "number"
              ? modelOptions.maxTokens
              : typeof modelOptions.max_tokens === "number"
                ? modelOptions.max_tokens
                : s.maxTokens,
          temperature: typeof modelOptions.temperature === "number" ? modelOptions.temperature : s.temperature,
          fallbackContextSize: s.contextSize,
        },
        (part) =>
          progress.report(
            part.type === "text"
              ? new vscode.LanguageModelTextPart(part.text)
              : new vscode.LanguageModelToolCallPart(part.callId, part.name, part.input),
          ),
        abort.signal,
        (segments, tokenCount) => this.services.prompts.record({ feature: "vscodeChat", segments, tokenCount }),
      );
      // An engine that died mid-answer resolves with the partial text: say so rather than end quietly.
      if (result.stopReason === "abort" && !abort.signal.aborted)
        throw new Error(`Mixtral stopped before the end of the answer: ${result.incompleteReason ?? "the engine stopped"}.`);
    } catch (err) {
      if (abort.signal.aborted) return; // A cancellation is a normal end.
      this.services.log.error(`[vscode-chat] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      throw toLanguageModelError(err);
    } finally {
      abort.dispose();
    }
  }

  async provideTokenCount(
    _model: vscode.LanguageModelChatInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
    token: vscode.CancellationToken,
  ): Promise<number> {
    const content = typeof text === "string" ? text : messageText(toLmMessage(text));
    if (content === "") return 0;
    const abort = abortSignalFrom(token);
    try {
      // The model's own tokenizer, as the prompt budget counts (local: the engine; a remote server's
      // /tokenize where it has one, else the documented estimate, bytes / 3).
      const backend = await this.services.engine.getBackend(abort.signal);
      const [count] = await backend.countTokens([content], abort.signal);
      return count;
    } catch (err) {
      throw toLanguageModelError(err);
    } finally {
      abort.dispose();
    }
  }
}

/** What the listed entry depends on (status changes while generating do not change it). */
function listingKey(s: EngineStatus): string {
  return `${s.engine}|${s.state === "noModel"}|${s.info?.fileName ?? ""}|${s.info?.contextSize ?? ""}`;
}

/** Our typed errors as VS Code's chat expects them: the kinds it knows, with our words (what
 *  happened and the next step); everything else as a plain error with the same words. */
export function toLanguageModelError(err: unknown): Error {
  const d = describeError(err);
  switch (d.code) {
    // VS Code's chat shows the message alone (measured in the browser: no stack), and every hint
    // of this kind names the command that fixes it.
    case "modelNotInstalled":
      return vscode.LanguageModelError.NotFound(d.message);
    case "remoteAuth":
      return vscode.LanguageModelError.NoPermissions(d.message);
    default:
      // The server is busy (429/503 after our retries): VS Code's "blocked" kind, retry later.
      if (err instanceof RemoteOverloadedError) return vscode.LanguageModelError.Blocked(d.message);
      return wordsOnly(d.message);
  }
}

/** An error that shows as its words alone. VS Code's chat (copilot-chat 0.67) renders a provider's
 *  error as "message: stack" whenever it has a stack, and VS Code hands the stack over from our
 *  extension host as it is: the user would read our bundle's stack frames after our message. The
 *  log keeps the stack (provideLanguageModelChatResponse logs it first). */
function wordsOnly(message: string): Error {
  const err = new Error(message);
  err.stack = "";
  return err;
}

/** "Mixtral: Use Mixtral in VS Code's Chat": opens VS Code's Chat view, where the model picker lists
 *  Mixtral; says why when this window has no chat (AI features turned off, an old VS Code). */
export async function openVsCodeChat(log: vscode.LogOutputChannel): Promise<void> {
  try {
    await vscode.commands.executeCommand("workbench.action.chat.open");
    void vscode.window.showInformationMessage(
      "Mixtral: pick a “Mixtral” model in the chat's model picker (or Manage Models… → Mixtral Local).",
    );
  } catch (err) {
    log.warn(`[vscode-chat] could not open VS Code's chat: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showInformationMessage(
      "Mixtral: VS Code's chat is not available in this window (it needs VS Code 1.104 or newer with chat enabled: chat.disableAIFeatures off). The Mixtral view works everywhere.",
    );
  }
}
