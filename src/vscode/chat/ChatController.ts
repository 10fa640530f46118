// The chat's state and generation, independent of whether the view is visible: it owns the
// transcript and history, runs one answer at a time, and tells the view what changed through
// `post` (which drops messages while no view is ready; the view gets a full replay on `ready`).
import * as vscode from "vscode";
import { ContextKeyOwner, ContextKeys } from "../contextKeys";
import { expandSlashCommand } from "../../core/chat/chatPrompt";
import { runChat } from "../../core/chat/chatRun";
import { HistoryStore } from "../../core/chat/historyStore";
import type { GenerateResult } from "../../core/engineClient/types";
import type { PromptTemplateError } from "../../core/errors";
import { builtInPromptNotice } from "../../core/prompt/templates";
import { newConversation, Transcript, turnStats, type UserInput } from "../../core/chat/transcript";
import type { StopReason } from "../../shared/engineProtocol";
import type { Attachment, HostToWebview, Turn } from "../../shared/protocol";
import { describeError } from "../describeError";
import { Disposable } from "../lifecycle";
import { ChunkBatcher } from "./ChunkBatcher";
import type { Services } from "../services";
import { chatWorkspaceContext } from "../workspace/promptContext";
import { toHeader } from "./chatHeader";

const DRAFT_KEY = "mixtral.chat.draft";
/** While streaming, the partial answer is saved this often, so a window reload keeps it. */
const STREAM_PERSIST_MS = 2000;

/** The user's input, given back when an exchange produced nothing. */
type Restore = { text: string; attachments: Attachment[] };

const INCOMPLETE_REASONS: Partial<Record<StopReason, string>> = {
  abort: "stopped",
  maxTokens: "too long (reached mixtral.maxTokens)",
};

export class ChatController extends Disposable {
  private transcript: Transcript;
  private readonly store: HistoryStore;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private readonly chunks: ChunkBatcher;
  private lastPersist = 0;
  /** The view's Stop: shown while this controller's own answer runs, whatever else uses the engine. */
  private readonly generatingKey = this._register(new ContextKeyOwner(ContextKeys.chatGenerating));

  constructor(
    private readonly services: Services,
    private readonly post: (m: HostToWebview) => void,
  ) {
    super();
    this.chunks = new ChunkBatcher(post);
    this.store = new HistoryStore(services.context.globalState);
    this.transcript = new Transcript(this.store.current() ?? newConversation());
    this._register(services.engine.onDidChangeStatus((s) => this.post({ type: "header", header: toHeader(s) })));
    this._register({ dispose: () => this.abort?.abort() });
  }

  get generating(): boolean {
    return this.running !== undefined;
  }

  get conversationId(): string {
    return this.transcript.conversation.id;
  }

  /** Everything the view shows, sent after each `ready` (a new or reloaded view). */
  replay(): void {
    // The replayed transcript already contains any text not yet forwarded.
    this.chunks.drop();
    this.post({ type: "header", header: toHeader(this.services.engine.status()) });
    this.postHistory();
    this.postTranscript();
    const draft = this.services.context.workspaceState.get<{ text: string; attachments: Attachment[] }>(DRAFT_KEY);
    if (draft && (draft.text || draft.attachments?.length))
      this.post({ type: "draft", text: draft.text, attachments: draft.attachments ?? [] });
  }

  /** Keeps the unsent input outside the webview, which a window reload may not keep. */
  saveDraft(text: string, attachments: Attachment[]): Thenable<void> {
    return this.services.context.workspaceState.update(DRAFT_KEY, text || attachments.length ? { text, attachments } : undefined);
  }

  async send(input: UserInput): Promise<void> {
    await this.stop();
    let turn = input;
    if (!input.feature) {
      const expanded = expandSlashCommand(input.text, input.attachments ?? [], this.services.config.settings.prompts);
      if (expanded) {
        this.noteTemplateFallback(expanded.warning);
        turn = { ...input, text: expanded.content, displayText: input.text, feature: expanded.feature };
      }
    }
    // Two sends racing past stop(): the second one waits for nothing and is dropped.
    if (this.running) return;
    const answer = this.transcript.addExchange(turn);
    await this.generate(answer, { text: input.displayText ?? input.text, attachments: input.ownAttachments ?? input.attachments ?? [] });
  }

  async regenerate(): Promise<void> {
    await this.stop();
    const answer = this.running ? undefined : this.transcript.regenerate();
    if (answer) await this.generate(answer);
  }

  async editLast(text: string): Promise<void> {
    await this.stop();
    const user = this.transcript.lastUser();
    const expanded = expandSlashCommand(text, user?.attachments ?? [], this.services.config.settings.prompts);
    this.noteTemplateFallback(expanded?.warning);
    if (this.running) return;
    const answer = this.transcript.editLast(expanded ? { text: expanded.content, displayText: text, feature: expanded.feature } : { text });
    if (answer) await this.generate(answer, { text, attachments: [] });
  }

  /** A broken `mixtral.prompts.<name>`: said as the commands say it, the answer still comes. */
  private noteTemplateFallback(warning: PromptTemplateError | undefined): void {
    if (!warning) return;
    this.services.log.warn(`[prompt] ${warning.message}`);
    this.post({ type: "notice", level: "error", message: builtInPromptNotice(warning), actions: ["openSettings"] });
  }

  /** Stops the answer being generated (a normal outcome: the partial answer is kept). */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
  }

  async newChat(): Promise<void> {
    await this.stop();
    this.transcript = new Transcript(newConversation());
    await this.store.setCurrent(undefined);
    this.postTranscript();
    this.postHistory();
    this.post({ type: "focusInput" });
  }

  async open(id: string): Promise<void> {
    const conversation = this.store.get(id);
    if (!conversation) return;
    await this.stop();
    this.transcript = new Transcript(conversation);
    await this.store.setCurrent(id);
    this.postTranscript();
    this.postHistory();
  }

  async rename(id: string, title: string): Promise<void> {
    if (id === this.conversationId) this.transcript.conversation.title = title.trim() || this.transcript.conversation.title;
    await this.store.rename(id, title);
    this.postHistory();
  }

  async delete(id: string): Promise<void> {
    const item = this.store.list().find((c) => c.id === id);
    const choice = await vscode.window.showWarningMessage(
      `Delete the conversation "${item?.title ?? "this conversation"}"?`,
      { modal: true },
      "Delete",
    );
    if (choice !== "Delete") return;
    await this.store.delete(id);
    if (id === this.conversationId) await this.newChat();
    else this.postHistory();
  }

  private async generate(answer: Turn, restore?: Restore): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    let finished!: () => void;
    this.running = new Promise<void>((r) => (finished = r));
    this.generatingKey.set(true);
    this.postTranscript();
    await this.persist();
    let produced = "";
    try {
      const result = await this.answer(abort.signal, (text) => {
        produced += text;
        if (!this.transcript.append(answer.id, text)) return;
        this.chunks.add(answer.id, text);
        if (Date.now() - this.lastPersist > STREAM_PERSIST_MS) void this.persist();
      });
      const stopReason = INCOMPLETE_REASONS[result.stopReason];
      this.transcript.finish(answer.id, {
        text: result.text || produced,
        stats: turnStats(result.stats),
        incomplete: result.incomplete || stopReason !== undefined,
        incompleteReason: result.incompleteReason ?? stopReason,
      });
    } catch (err) {
      if (abort.signal.aborted) this.transcript.finish(answer.id, { text: produced, incomplete: true, incompleteReason: "stopped" });
      else this.failed(answer.id, err, produced, restore);
    } finally {
      await this.ended(answer.id);
      finished();
    }
  }

  /** The conversation's next answer through the core chat pipeline, streamed through `onText`. */
  private async answer(signal: AbortSignal, onText: (text: string) => void): Promise<GenerateResult> {
    const backend = await this.services.engine.getBackend(signal);
    if (signal.aborted) throw new vscode.CancellationError();
    const settings = this.services.config.settings;
    const lastUser = [...this.transcript.turns].reverse().find((t) => t.role === "user");
    // The engine's loaded context before the first answer has told the backend its own.
    const fallbackContextSize = this.services.engine.status().info?.contextSize ?? settings.contextSize;
    const workspace = await chatWorkspaceContext(this.services, lastUser, backend.modelInfo()?.contextSize ?? fallbackContextSize);
    const { result } = await runChat(
      backend,
      {
        history: this.transcript.toChatMessages(),
        systemPrompt: workspace.systemPrompt,
        maxTokens: settings.maxTokens,
        temperature: settings.temperature,
        fallbackContextSize,
        onPrompt: (prompt) => {
          if (prompt.notice) {
            this.services.log.info(`[chat] ${prompt.notice}`);
            this.post({ type: "notice", level: "info", message: prompt.notice, actions: [] });
          }
          this.services.prompts.record({
            feature: lastUser?.feature ?? "chat",
            segments: prompt.segments,
            tokenCount: prompt.promptTokens,
            sources: workspace.sources,
          });
        },
        onRefit: (learned, assumed) =>
          this.services.log.info(`[chat] the server's context is ${learned} tokens, not ${assumed}: fitting the conversation again`),
      },
      onText,
      signal,
    );
    return result;
  }

  /** A failure: nothing generated gives the user's text back; a partial answer is kept, marked. */
  private failed(turnId: string, err: unknown, produced: string, restore?: Restore): void {
    const { message, actions } = describeError(err);
    this.services.log.error(`[chat] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const notice: HostToWebview = { type: "notice", level: "error", message, actions };
    if (produced === "" && restore && this.transcript.retractLastExchange()) {
      // Nothing was generated: give the text back rather than leave a dead exchange.
      this.post(notice);
      this.post({ type: "restoreInput", text: restore.text, attachments: restore.attachments });
      return;
    }
    this.transcript.finish(turnId, {
      text: produced,
      incomplete: produced !== "",
      incompleteReason: "the engine stopped before the answer was finished",
      error: message,
    });
    this.post(notice);
  }

  /** However the answer ended: the rest of its text, its final turn, and the saved conversation. */
  private async ended(turnId: string): Promise<void> {
    this.chunks.flush();
    this.abort = undefined;
    this.running = undefined;
    this.generatingKey.set(false);
    const done = this.transcript.turns.find((t) => t.id === turnId);
    if (done) this.post({ type: "done", requestId: turnId, turn: done });
    else this.postTranscript();
    await this.persist();
    this.postHistory();
  }

  private async persist(): Promise<void> {
    if (this.transcript.turns.length === 0) return;
    this.lastPersist = Date.now();
    try {
      await this.store.save(this.transcript.conversation);
    } catch (err) {
      this.services.log.warn(`[chat] could not save the conversation: ${String(err)}`);
    }
  }

  private postTranscript(): void {
    this.chunks.drop();
    this.post({
      type: "transcript",
      conversationId: this.conversationId,
      turns: structuredClone(this.transcript.turns as Turn[]),
      generating: this.generating,
    });
  }

  private postHistory(): void {
    this.post({ type: "history", items: this.store.list(), currentId: this.conversationId });
  }
}
