// The Mixtral chat view (`mixtral.chatView`). Registered by extension.ts with
// retainContextWhenHidden off: the webview is rebuilt whenever it is shown again, and the host,
// which owns the conversation, replays it after the view's `ready`.
import * as vscode from "vscode";
import type { UserInput } from "../../core/chat/transcript";
import { parseWebviewMessage, type ErrorAction, type HostToWebview, type WebviewToHost } from "../../shared/protocol";
import { ACTION_COMMANDS, describeError } from "../describeError";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";
import { testRecords } from "../testRecords";
import { ChatController } from "./ChatController";
import { EditorActions } from "./editorActions";
import { OpenFiles } from "./openFiles";
import { chatHtml } from "./webviewHtml";
import { workspaceMentionItems } from "../workspace/chatRetrieval";
import { openFileReference } from "../workspace/openFileReference";

/** Messages from one view beyond this rate are dropped (a runaway or hostile page). */
const MAX_MESSAGES_PER_SECOND = 100;

export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  static readonly viewId = "mixtral.chatView";

  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly controller: ChatController;
  private readonly actions: EditorActions;
  private readonly openFiles: OpenFiles;
  private windowStart = 0;
  private windowCount = 0;
  private droppedInWindow = 0;

  constructor(private readonly services: Services) {
    super();
    this.controller = this._register(new ChatController(services, (m) => this.post(m)));
    this.actions = this._register(new EditorActions(services.log));
    this.openFiles = this._register(new OpenFiles());
    if (MIXTRAL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test) {
      const posts: HostToWebview[] = [];
      testRecords.chatPosts = posts;
      // A message exactly as the view would send it (validated, then handled); resolves when handled.
      this._register(
        vscode.commands.registerCommand("mixtral._test.chatMessage", async (raw: unknown) => {
          const parsed = parseWebviewMessage(raw);
          if (!parsed.ok) throw new Error(parsed.reason);
          await this.handle(parsed.message);
        }),
      );
      // The messages posted since the last call (whether or not a view was ready to show them).
      this._register(vscode.commands.registerCommand("mixtral._test.chatPosts", () => posts.splice(0)));
    }
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const root = this.services.context.extensionUri;
    view.webview.options = {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(root, "dist"), vscode.Uri.joinPath(root, "media")],
    };
    view.webview.html = chatHtml(view.webview, root);
    const subscriptions = [
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        // A hidden view's page is destroyed; the new one says `ready` again.
        if (!view.visible) this.ready = false;
      }),
    ];
    view.onDidDispose(() => {
      subscriptions.forEach((s) => s.dispose());
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
      }
    });
  }

  /** Posts a turn into the chat (used by editor commands) and shows the view. */
  async ask(input: UserInput): Promise<void> {
    await this.reveal();
    await this.controller.send(input);
  }

  newChat(): Promise<void> {
    return this.controller.newChat();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  get generating(): boolean {
    return this.controller.generating;
  }

  private async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    // Creates and resolves the view if it was never opened.
    else await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
  }

  private post(m: HostToWebview): void {
    if (MIXTRAL_TEST_HOOKS && m.type !== "chunk") testRecords.chatPosts?.push(m);
    // Before `ready` the page cannot receive anything; the replay after `ready` covers it.
    if (!this.view || !this.ready) return;
    void this.view.webview.postMessage(m);
  }

  private receive(raw: unknown): void {
    if (!this.withinRate()) return;
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.services.log.warn(`[chat] dropped a malformed message from the view: ${parsed.reason}`);
      return;
    }
    this.handle(parsed.message).catch((err: unknown) => {
      this.services.log.error(`[chat] ${parsed.message.type} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private withinRate(): boolean {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.droppedInWindow > 0)
        this.services.log.warn(
          `[chat] dropped ${this.droppedInWindow} message(s) from the view: more than ${MAX_MESSAGES_PER_SECOND} per second`,
        );
      this.windowStart = now;
      this.windowCount = 0;
      this.droppedInWindow = 0;
    }
    if (++this.windowCount <= MAX_MESSAGES_PER_SECOND) return true;
    this.droppedInWindow++;
    return false;
  }

  private async handle(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case "ready":
        this.ready = true;
        this.controller.replay();
        return;
      case "send": {
        // `@`-mentioned files are read now, so the model sees what the editor holds at send time.
        const resolved = await this.openFiles.resolve(m.attachments);
        if ("error" in resolved) {
          this.post({ type: "notice", level: "error", message: resolved.error, actions: [] });
          this.post({ type: "restoreInput", text: m.text, attachments: m.attachments });
          return;
        }
        // `@workspace` (and automatic context): code from the index, attached as file:lines chips.
        const settings = this.services.config.settings;
        const ws = await this.services.workspace.forChat(m.text, this.services.engine.status().info?.contextSize ?? settings.contextSize);
        if (ws.notice) this.post({ type: "notice", level: "info", message: ws.notice, actions: [] });
        return this.controller.send({
          text: ws.text,
          displayText: ws.displayText,
          attachments: [...resolved.attachments, ...ws.attachments],
          ownAttachments: ws.attachments.length ? m.attachments : undefined,
        });
      }
      case "listOpenFiles":
        // Answers may arrive out of order: the view keeps only the one for its current query.
        this.post({
          type: "openFiles",
          query: m.query,
          items: [
            ...workspaceMentionItems(m.query, this.services.config.settings.workspace.enabled),
            ...(await this.openFiles.list(m.query)),
          ],
        });
        return;
      case "stop":
        return this.controller.stop();
      case "regenerate":
        return this.controller.regenerate();
      case "editLast":
        return this.controller.editLast(m.text);
      case "newChat":
        return this.controller.newChat();
      case "openConversation":
        return this.controller.open(m.id);
      case "renameConversation":
        return this.controller.rename(m.id, m.title);
      case "deleteConversation":
        return this.controller.delete(m.id);
      case "attach": {
        const a = this.actions.attachment(m.what);
        if ("error" in a) this.post({ type: "notice", level: "info", message: a.error, actions: [] });
        else this.post({ type: "attachment", attachment: a });
        return;
      }
      case "codeAction":
        return this.actions.applyCode(m.action, m.code, m.languageId);
      case "openLink":
        return this.actions.openLink(m.href);
      case "openFile": {
        const error = await openFileReference(m.path, m.line);
        if (error) this.post({ type: "notice", level: "info", message: error, actions: [] });
        return;
      }
      case "action":
        return this.runAction(m.action);
      case "draft":
        return this.controller.saveDraft(m.text, m.attachments);
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  /** The fixed set of actions the view may trigger (there is no generic "run command"). */
  private async runAction(action: ErrorAction): Promise<void> {
    if (action !== "retry") {
      await vscode.commands.executeCommand(ACTION_COMMANDS[action]);
      return;
    }
    try {
      await this.services.engine.getBackend();
    } catch (err) {
      const { message, actions } = describeError(err);
      this.post({ type: "notice", level: "error", message, actions });
    }
  }
}
