// Owns the workspace index for this window: creates the index client (its worker does the work,
// off the extension host's thread) from the settings and the workspace folders, starts it lazily
// after activation, feeds it file changes, rebuilds it when what it depends on changes, and says
// where it stands (state events for the status bar item, one message when the file cap is hit).
import * as vscode from "vscode";
import type { WorkspaceSettings } from "../../core/config/workspaceSettings";
import type { IndexOptions, IndexProgress, IndexStats, WorkspaceIndex } from "../../core/workspace/types";
import type { Config } from "../Config";
import { Disposable } from "../lifecycle";
import { WorkspaceIndexClient } from "../../core/workspace/WorkspaceIndexClient";
import { indexOptions, indexRoots } from "./indexOptions";
import { IndexWatcher } from "./IndexWatcher";

/** The index starts this long after activation (or at first use, if sooner): never in activate. */
const START_DELAY_MS = 3000;
const CAP_NOTICE_KEY = "mixtral.workspace.capNoticeFor";

/** The settings the index is built from: a change to one of them builds a new index. */
function indexSettingsKey(ws: WorkspaceSettings): string {
  return JSON.stringify({ enabled: ws.enabled, maxFiles: ws.maxFiles, maxFileSizeKb: ws.maxFileSizeKb });
}

export type IndexState =
  | { kind: "off"; reason: string }
  | { kind: "waiting" }
  | { kind: "building"; progress?: IndexProgress }
  | { kind: "ready"; stats: IndexStats }
  | { kind: "cancelled" }
  | { kind: "failed"; message: string };

export class WorkspaceIndexService extends Disposable {
  private client: WorkspaceIndexClient | undefined;
  private build: Promise<void> | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private current: IndexState = { kind: "waiting" };
  private readonly stateEmitter = this._register(new vscode.EventEmitter<IndexState>());
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly watcher: IndexWatcher;
  /** indexSettingsKey of the settings the current index was made with. */
  private lastSettings: string;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
  ) {
    super();
    this.watcher = this._register(new IndexWatcher((changed, deleted) => this.applyChanges(changed, deleted)));
    this._register(config.onDidChange(({ settings }) => this.settingsChanged(settings.workspace)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("files.exclude") || e.affectsConfiguration("search.exclude")) this.restart("the excluded files changed");
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart("the workspace folders changed")));
    this._register({ dispose: () => this.stop() });
    this.lastSettings = indexSettingsKey(config.settings.workspace);
    this.scheduleStart();
  }

  get state(): IndexState {
    return this.current;
  }

  /** Whether an index client (and so its worker) exists. */
  get running(): boolean {
    return this.client !== undefined;
  }

  /** The index when the feature is on (started now if it was waiting); undefined when off. */
  index(): WorkspaceIndex | undefined {
    if (this.current.kind === "off") return undefined;
    this.ensureStarted();
    return this.client;
  }

  /** Resolves when the current build has finished (or at once when there is none). */
  async whenBuilt(): Promise<void> {
    this.ensureStarted();
    await this.build;
  }

  rebuild(): void {
    this.restart("rebuild requested", true);
  }

  cancel(): void {
    if (this.current.kind !== "building" || !this.client) return;
    this.client.cancel();
  }

  private scheduleStart(): void {
    if (!this.config.settings.workspace.enabled) return this.setState({ kind: "off", reason: "mixtral.workspace.enabled is off" });
    if (indexRoots().length === 0) return this.setState({ kind: "off", reason: "no local folder is open" });
    this.setState({ kind: "waiting" });
    this.startTimer = setTimeout(() => this.ensureStarted(), START_DELAY_MS);
  }

  private ensureStarted(): void {
    if (this.client || this.current.kind !== "waiting" || this.isDisposed) return;
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = undefined;
    const settings = this.config.settings.workspace;
    const options = indexOptions(settings, this.context.storageUri);
    // The worker (dist/indexer.js beside this bundle) starts with the first message.
    const client = new WorkspaceIndexClient();
    this.client = client;
    this.watcher.start();
    this.log.info(
      `[index] starting: ${options.roots.map((r) => r.path).join(", ")} (at most ${options.maxFiles} files of ${settings.maxFileSizeKb} KB; storage ${options.storageDir ?? "memory only"})`,
    );
    this.runBuild(client, options);
  }

  private runBuild(client: WorkspaceIndexClient, options: IndexOptions): void {
    this.setState({ kind: "building" });
    const onProgress = (p: IndexProgress) => {
      if (this.client === client && this.current.kind === "building") this.setState({ kind: "building", progress: p });
    };
    this.build = client.start(options, onProgress).then(
      (stats) => {
        if (this.client !== client) return;
        if (!stats) return this.setState({ kind: "cancelled" });
        this.log.info(
          `[index] ready: ${stats.files} files, ${stats.chunks} chunks, ${stats.symbols} symbols in ${stats.buildMs} ms (skipped: ${JSON.stringify(stats.skipped)}; over the cap: ${stats.filesOverCap})`,
        );
        this.setState({ kind: "ready", stats });
        void this.noticeCap(stats);
      },
      (err: unknown) => {
        if (this.client !== client) return;
        const message = err instanceof Error ? err.message : String(err);
        this.log.error(`[index] failed: ${message}`);
        this.setState({ kind: "failed", message });
      },
    );
  }

  /** Edits while the index is built are applied by the worker after the build (it queues them). */
  private applyChanges(changed: string[], deleted: string[]): void {
    const client = this.client;
    if (!client) return;
    const failed = (err: unknown) =>
      this.log.warn(`[index] could not apply file changes: ${err instanceof Error ? err.message : String(err)}`);
    if (deleted.length) client.remove(deleted).catch(failed);
    if (changed.length) client.update(changed).catch(failed);
  }

  private settingsChanged(ws: WorkspaceSettings): void {
    const relevant = indexSettingsKey(ws);
    if (relevant === this.lastSettings) return;
    this.lastSettings = relevant;
    this.restart("the mixtral.workspace settings changed");
  }

  /** Drops the index client and starts a new one (after the usual delay, or now). */
  private restart(reason: string, now = false): void {
    this.log.info(`[index] restarting: ${reason}`);
    this.stop();
    this.scheduleStart();
    if (now) this.ensureStarted();
  }

  private stop(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = undefined;
    this.watcher.stop();
    const client = this.client;
    this.client = undefined;
    this.build = undefined;
    void client?.dispose();
  }

  private setState(s: IndexState): void {
    this.current = s;
    this.stateEmitter.fire(s);
  }

  /** Once per workspace and cap value: how many files were left out and what to do about it. */
  private async noticeCap(stats: IndexStats): Promise<void> {
    if (stats.filesOverCap <= 0) return;
    const cap = this.config.settings.workspace.maxFiles;
    if (this.context.workspaceState.get<number>(CAP_NOTICE_KEY) === cap) return;
    await this.context.workspaceState.update(CAP_NOTICE_KEY, cap);
    const choice = await vscode.window.showWarningMessage(
      `Mixtral indexed ${stats.files.toLocaleString("en-US")} files of this workspace, its limit: ${stats.filesOverCap.toLocaleString("en-US")} more were left out, so @workspace and the codebase tools will not find them. Raise mixtral.workspace.maxFiles, or exclude generated folders with files.exclude or search.exclude.`,
      "Raise the Limit",
    );
    if (choice) await vscode.commands.executeCommand("workbench.action.openSettings", "mixtral.workspace.maxFiles");
  }
}
