// Interrupted downloads, made visible from what is on disk (src/core/models/partialDownloads.ts),
// so they survive a window reload, a VS Code restart or a crash: the picker's rows say "paused at
// 43 % — pick to resume", the status bar says so for the configured level and its menu offers
// Resume and Discard. A live lock (another window, the CLI) shows as "downloading in another
// window" and is watched until it goes away; a lock of a dead process never blocks a resume (the
// downloader takes stale locks over). Bytes are only deleted by an explicit, confirmed discard.
import * as os from "node:os";
import * as vscode from "vscode";
import type { QuantLevelId } from "../../core/models/catalog";
import { DownloadLock, isLockOwner } from "../../core/models/downloadLock";
import type { LevelRow } from "../../core/models/levelRows";
import type { ModelSource } from "../../core/models/modelSource";
import { parseModelSource } from "../../core/models/modelSource";
import {
  describePartial,
  findPartialDownload,
  fmtSize,
  partialPercent,
  removePartial,
  scanPartialDownloads,
  type PartialDownload,
} from "../../core/models/partialDownloads";
import type { ResolvedModel } from "../../core/models/resolveModel";
import { CommandIds } from "../commandIds";
import { Disposable } from "../lifecycle";
import type { Services } from "../services";
import { testRecords } from "../testRecords";

/** A download's progress and end, as the ModelManager fires it. */
export interface DownloadState {
  level: QuantLevelId;
  state: "downloading" | "verifying" | "done" | "failed" | "cancelled";
  /** 0..1 while downloading or verifying. */
  fraction?: number;
}

/** What PausedDownloads needs from the ModelManager (which owns downloads and the settings). */
export interface DownloadRunner {
  readonly modelsDirectory: string;
  readonly onDidChangeDownload: vscode.Event<DownloadState>;
  resolveModel(): Promise<ResolvedModel>;
  /** Makes `level` the one in use (mixtral.quantization) without offering a download. */
  selectLevel(level: QuantLevelId): Promise<void>;
  download(level: QuantLevelId): Promise<string | undefined>;
  /** Another process finished the file this window waits for. */
  installedElsewhere(level: QuantLevelId): void;
  tell(kind: "info" | "warning" | "error", message: string, ...actions: string[]): Thenable<string | undefined>;
}

export type PickItem = vscode.QuickPickItem & { run?: () => Promise<unknown> };

const WATCH_ELSEWHERE_MS = 3000;
const DISCARD = "Discard Download";

export class PausedDownloads extends Disposable {
  private current: PartialDownload | undefined;
  private readonly emitter = this._register(new vscode.EventEmitter<PartialDownload | undefined>());
  /** The configured level's paused (or elsewhere-running) download, for the status bar. */
  readonly onDidChange = this.emitter.event;
  private timer?: NodeJS.Timeout;
  private refreshing = Promise.resolve();

  constructor(
    private readonly services: Services,
    private readonly runner: DownloadRunner,
  ) {
    super();
    // Soon after activation, off its path: a few stats, and machine detection when `auto`.
    this.schedule(1000);
    this._register({ dispose: () => clearTimeout(this.timer) });
    this._register(services.config.onDidChange(() => void this.refresh()));
    this._register(
      runner.onDidChangeDownload((d) => {
        // Our own download's progress replaces "paused" in the status bar; when it stops, look again.
        if (d.state === "downloading" || d.state === "verifying") {
          if (this.current?.level === d.level) this.set(undefined);
        } else {
          void this.refresh();
        }
      }),
    );
    const reg = (id: string, fn: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(CommandIds.resumeDownload, (level?: QuantLevelId) => this.resume(level));
    reg(CommandIds.discardDownload, (level?: QuantLevelId) => this.discard(level));
    if (MIXTRAL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test)
      reg("mixtral._test.answerConfirm", (answer?: string) => void testRecords.confirmAnswers.push(answer));
  }

  get state(): PartialDownload | undefined {
    return this.current;
  }

  /** Every level's, for the picker; this window's own running download is not "paused". */
  async scan(source: ModelSource): Promise<Map<QuantLevelId, PartialDownload>> {
    const all = await scanPartialDownloads(this.runner.modelsDirectory, source);
    for (const [level, p] of all) if (ownedHere(p)) all.delete(level);
    return all;
  }

  /** The picker's row for a level with a partial on disk. */
  rowItem(row: LevelRow, p: PartialDownload, picked: boolean): PickItem {
    const paused = p.state === "paused";
    return {
      label: `${paused ? "$(debug-pause)" : "$(sync~spin)"} ${row.level}`,
      description: `${describePartial(p)}${paused ? " — pick to resume" : ""}`,
      detail: `${row.description} · ${row.detail}`,
      picked,
      run: () => (paused ? this.resumeLevel(row.level) : this.waitForElsewhere(p)),
    };
  }

  /** A section at the end of the picker: one "Discard" row per paused download. */
  discardItems(partials: Map<QuantLevelId, PartialDownload>): PickItem[] {
    const paused = [...partials.values()].filter((p) => p.state === "paused");
    if (!paused.length) return [];
    return [
      { label: "Paused downloads", kind: vscode.QuickPickItemKind.Separator },
      ...paused.map((p): PickItem => ({
        label: `$(trash) Discard Paused ${p.level} Download…`,
        description: `deletes ${fmtSize(p.bytes, p.bytes)} already downloaded`,
        run: () => this.discard(p.level),
      })),
    ];
  }

  /** Re-reads the configured level's state from disk; serialized so events arrive in order. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(async () => {
        const was = this.current;
        this.set(await this.findConfigured());
        if (this.current?.state === "elsewhere") this.schedule(WATCH_ELSEWHERE_MS);
        else if (was?.state === "elsewhere" && !this.current && (await this.runner.resolveModel()).installed)
          this.runner.installedElsewhere(was.level);
      })
      .catch((err: unknown) => {
        // Logged, and the chain stays usable for the next refresh.
        this.services.log.warn(`[models] could not look for a paused download: ${err instanceof Error ? err.message : String(err)}`);
      });
    return this.refreshing;
  }

  private async findConfigured(): Promise<PartialDownload | undefined> {
    const settings = this.services.config.settings;
    if (settings.engine !== "local" || settings.modelPath) return undefined;
    const resolved = await this.runner.resolveModel();
    if (!resolved.level || resolved.installed) return undefined;
    const p = await findPartialDownload(this.runner.modelsDirectory, parseModelSource(settings.modelSource), resolved.level);
    return p && !ownedHere(p) ? p : undefined;
  }

  private set(next: PartialDownload | undefined): void {
    const key = (p?: PartialDownload) => (p ? `${p.level} ${p.state} ${p.bytes} ${p.totalBytes}` : "");
    if (key(next) === key(this.current)) return;
    this.current = next;
    this.emitter.fire(next);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), ms);
  }

  /** Status bar menu's "Resume Download": the configured level unless one is named. */
  private async resume(level?: QuantLevelId): Promise<string | undefined> {
    if (!level) await this.refresh();
    const target = level ?? this.current?.level;
    if (!target) {
      void this.runner.tell("info", "There is no paused Mixtral download to resume.");
      return undefined;
    }
    return this.runner.download(target);
  }

  /** Picking a paused row: that level becomes the one in use and its download resumes. */
  private async resumeLevel(level: QuantLevelId): Promise<void> {
    await this.runner.selectLevel(level);
    await this.runner.download(level);
  }

  private async waitForElsewhere(p: PartialDownload): Promise<void> {
    await this.runner.selectLevel(p.level);
    void this.runner.tell("info", `Mixtral ${p.level} is ${describePartial(p)}. This window will use the file once it is complete.`);
  }

  /** Deletes a paused download's bytes after a modal confirmation. */
  private async discard(level?: QuantLevelId): Promise<boolean> {
    const source = parseModelSource(this.services.config.settings.modelSource);
    if (!level) await this.refresh();
    const name = level ?? this.current?.level;
    const p = name ? await findPartialDownload(this.runner.modelsDirectory, source, name) : undefined;
    if (!p || p.bytes === 0) {
      void this.runner.tell("info", `There is no paused Mixtral ${name ? `${name} ` : ""}download to discard.`);
      return false;
    }
    if (p.state === "elsewhere") {
      void this.runner.tell(
        "warning",
        `Mixtral ${p.level} is ${describePartial(p)}; stop it there (or cancel it here) before discarding it.`,
      );
      return false;
    }
    const answer = await this.confirm(
      `Discard the paused download of Mixtral ${p.level}?`,
      `It is ${describePartial(p)}. The ${fmtSize(p.bytes, p.bytes)} already downloaded will be deleted; downloading this level again starts from the beginning.`,
    );
    if (answer !== DISCARD) return false;
    // Deleted under the download lock, as the downloader writes: another window may have resumed
    // it while the dialog was open (then it keeps the lock), and a stale lock is taken over.
    const lock = await DownloadLock.acquire(`${p.target}.lock`);
    if (isLockOwner(lock)) {
      void this.runner.tell(
        "warning",
        `Mixtral ${p.level} started downloading in another window or process (pid ${lock.pid}); nothing was deleted.`,
      );
      return false;
    }
    try {
      await removePartial(p.partialPath);
    } finally {
      await lock.release();
    }
    this.services.log.info(`[download] discarded ${p.partialPath} (${p.bytes} bytes)`);
    void this.runner.tell("info", `Discarded the paused download of Mixtral ${p.level} (${fmtSize(p.bytes, p.bytes)} freed).`);
    await this.refresh();
    return true;
  }

  private async confirm(message: string, detail: string): Promise<string | undefined> {
    // Extension-host tests answer the modal confirmation through `mixtral._test.answerConfirm`.
    if (MIXTRAL_TEST_HOOKS && testRecords.confirmAnswers.length) return testRecords.confirmAnswers.shift();
    return vscode.window.showWarningMessage(message, { modal: true, detail }, DISCARD);
  }
}

/** This process holds the lock: it is this window's own running download, not a paused one. */
function ownedHere(p: PartialDownload): boolean {
  return p.state === "elsewhere" && p.owner?.pid === process.pid && p.owner.host === os.hostname();
}

export interface PausedStatus {
  level: string;
  state: "paused" | "elsewhere";
  /** " 43 %", " ~2 %" (estimated total) or "". */
  percent: string;
  detail: string;
}

/** The status bar's words for it. */
export function pausedStatus(p: PartialDownload): PausedStatus {
  const pct = partialPercent(p);
  return {
    level: p.level,
    state: p.state,
    percent: pct === undefined ? "" : ` ${p.totalIsEstimate ? "~" : ""}${pct} %`,
    detail: describePartial(p),
  };
}
