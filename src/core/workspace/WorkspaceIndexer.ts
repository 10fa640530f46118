// The index's engine, run by the indexer worker (src/indexer) and by nothing on the extension
// host's thread: it opens the stored index or builds one, brings it up to date with the disk
// (size and mtime of every file the walk finds: edits, branch switches and deletions made while
// VS Code was closed), takes updates for single paths, and answers queries.
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { analyzeFile } from "./chunker";
import { loadIndex, saveIndex } from "./indexPersistence";
import { fileKey, IndexStore } from "./IndexStore";
import { readSourceText } from "./sourceText";
import type { GrammarLoader } from "./treeSitter";
import type { IndexOptions, IndexProgress, IndexRoot, IndexStats } from "./types";
import { isInScope, walkWorkspace, type WalkedFile } from "./walker";

export type ProgressListener = (progress: IndexProgress) => void;

/** How long after the last update() the index is written to disk (updates come in bursts). */
const SAVE_DELAY_MS = 3000;
/**
 * Saves after updates are at least this far apart, and at least SAVE_GAP_FACTOR times the last
 * save (or load) took: a save rewrites the whole file (245 MB, 99 s on a 66,000-file folder), so
 * it may use at most 1/SAVE_GAP_FACTOR of the time. What a save misses (a kill before it) the next
 * open() catches: it reconciles every file's size and mtime with the disk.
 */
export const MIN_SAVE_GAP_MS = 60_000;
export const SAVE_GAP_FACTOR = 20;
const READ_BATCH = 16;
const PROGRESS_EVERY_MS = 250;

export class WorkspaceIndexer {
  store = new IndexStore();
  private statsValue: IndexStats | undefined;
  private filesOverCap = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  /** When the stored file last matched the index (saved or loaded), and how long that took. */
  private lastSaved = { at: 0, tookMs: 0 };
  /** Mutations (build, update, remove) run one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly options: IndexOptions,
    private readonly grammars: GrammarLoader,
  ) {
    const names = options.roots.map((r) => r.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`two workspace folders are both named "${twice}"; give each root a unique name`);
  }

  stats(): IndexStats | undefined {
    return this.statsValue;
  }

  /** Loads the stored index (when usable) and reconciles it with the disk; returns the stats. */
  open(onProgress: ProgressListener, signal?: AbortSignal): Promise<IndexStats> {
    return this.serialize(async () => {
      const started = Date.now();
      onProgress({ phase: "loading", done: 0, total: 0 });
      const loaded = await loadIndex(this.options);
      if (loaded) {
        this.store = loaded;
        this.lastSaved = { at: Date.now(), tookMs: Date.now() - started };
      }
      return this.reconcile(onProgress, started, signal);
    });
  }

  /** Walks again and indexes what changed since (the same reconciliation open() does). */
  refresh(onProgress: ProgressListener, signal?: AbortSignal): Promise<IndexStats> {
    return this.serialize(() => this.reconcile(onProgress, Date.now(), signal));
  }

  /** Reconciles with the disk; a change is saved now (open, refresh) or on the update schedule (saveNow false). */
  private async reconcile(onProgress: ProgressListener, started: number, signal?: AbortSignal, saveNow = true): Promise<IndexStats> {
    onProgress({ phase: "scanning", done: 0, total: 0 });
    const walk = await walkWorkspace({ ...this.options, signal });
    this.filesOverCap = walk.filesOverCap;
    const seen = new Set<string>();
    const todo: WalkedFile[] = [];
    for (const f of walk.files) {
      const key = fileKey(f.root, f.rel);
      seen.add(key);
      const known = this.store.files.get(key) ?? this.store.skipped.get(key);
      if (!known || known.size !== f.size || known.mtimeMs !== f.mtimeMs) todo.push(f);
    }
    let changed = false;
    for (const key of [...this.store.files.keys()]) if (!seen.has(key)) changed = this.store.removeFile(key) || changed;
    for (const key of [...this.store.skipped.keys()]) if (!seen.has(key)) changed = this.store.skipped.delete(key) || changed;
    await this.indexFiles(todo, onProgress, signal);
    if ((changed || todo.length) && saveNow) {
      onProgress({ phase: "saving", done: 0, total: 0 });
      await this.save();
    }
    this.statsValue = this.computeStats(Date.now() - started, walk.tooLarge);
    onProgress({ phase: "ready", done: todo.length, total: todo.length });
    return this.statsValue;
  }

  private async indexFiles(todo: readonly WalkedFile[], onProgress: ProgressListener, signal?: AbortSignal): Promise<void> {
    let lastProgress = 0;
    const read = (start: number) =>
      Promise.all(todo.slice(start, start + READ_BATCH).map((f) => readSourceText(f.abs, this.options.maxFileBytes)));
    // The next batch is read while this one is parsed.
    let next = todo.length ? read(0) : undefined;
    for (let i = 0; i < todo.length; i += READ_BATCH) {
      const texts = await next!;
      next = i + READ_BATCH < todo.length ? read(i + READ_BATCH) : undefined;
      signal?.throwIfAborted();
      for (let j = 0; j < texts.length; j++) await this.indexOne(todo[i + j], texts[j]);
      const now = Date.now();
      if (now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        onProgress({ phase: "indexing", done: Math.min(i + READ_BATCH, todo.length), total: todo.length });
      }
    }
  }

  private async indexOne(f: WalkedFile, source: Awaited<ReturnType<typeof readSourceText>>): Promise<void> {
    const key = fileKey(f.root, f.rel);
    if (source.kind !== "text") {
      this.store.removeFile(key);
      this.store.skipped.set(key, { size: f.size, mtimeMs: f.mtimeMs, reason: source.kind });
      return;
    }
    this.store.skipped.delete(key);
    const analysis = await analyzeFile(f.rel, source.text, this.grammars);
    this.store.addFile(f.root, f.rel, f.size, f.mtimeMs, source.text, analysis);
  }

  /** Re-indexes the given absolute paths (created or changed files; a folder walks again). */
  update(absPaths: readonly string[]): Promise<number> {
    return this.serialize(async () => {
      let changed = 0;
      for (const abs of absPaths) {
        const located = this.locate(abs);
        if (!located) continue;
        const st = await fs.stat(abs).catch(() => undefined);
        if (st?.isDirectory()) {
          await this.reconcile(() => undefined, Date.now(), undefined, false);
          changed++;
          continue;
        }
        const key = fileKey(located.root.name, located.rel);
        const inScope =
          st?.isFile() && st.size <= this.options.maxFileBytes && (await isInScope(located.root, located.rel, this.options.excludeGlobs));
        if (!st || !inScope) {
          if (this.store.removeFile(key) || this.store.skipped.delete(key)) changed++;
          continue;
        }
        const known = this.store.files.get(key) ?? this.store.skipped.get(key);
        if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) continue;
        if (!known && this.store.files.size >= this.options.maxFiles) continue;
        const file: WalkedFile = { root: located.root.name, rel: located.rel, abs, size: st.size, mtimeMs: st.mtimeMs };
        await this.indexOne(file, await readSourceText(abs, this.options.maxFileBytes));
        changed++;
      }
      if (changed) this.afterChange();
      return changed;
    });
  }

  /** Drops the given absolute paths (deleted files, or every file under a deleted folder). */
  remove(absPaths: readonly string[]): Promise<number> {
    return this.serialize(async () => {
      let removed = 0;
      for (const abs of absPaths) {
        const located = this.locate(abs);
        if (!located) continue;
        const prefix = fileKey(located.root.name, located.rel);
        const under = (key: string) => (located.rel === "" ? key.startsWith(prefix) : key === prefix || key.startsWith(prefix + "/"));
        for (const key of [...this.store.files.keys(), ...this.store.skipped.keys()]) {
          if (!under(key)) continue;
          if (this.store.removeFile(key) || this.store.skipped.delete(key)) removed++;
        }
      }
      if (removed) this.afterChange();
      return removed;
    });
  }

  /** Writes a pending save now (dispose). */
  async flush(): Promise<void> {
    if (!this.saveTimer) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.serialize(() => this.save());
  }

  /** The root holding an absolute path, and the path relative to it ("/"-separated). */
  locate(abs: string): { root: IndexRoot; rel: string } | undefined {
    const resolved = path.resolve(abs);
    for (const root of this.options.roots) {
      const rel = path.relative(root.path, resolved);
      if (rel.startsWith("..") || path.isAbsolute(rel)) continue;
      return { root, rel: rel.split(path.sep).join("/") };
    }
    return undefined;
  }

  private afterChange(): void {
    if (this.statsValue) this.statsValue = { ...this.statsValue, ...this.store.counts() };
    if (!this.options.storageDir) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    const gap = Math.max(MIN_SAVE_GAP_MS, SAVE_GAP_FACTOR * this.lastSaved.tookMs);
    const delay = Math.max(SAVE_DELAY_MS, this.lastSaved.at + gap - Date.now());
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.serialize(() => this.save()).catch(() => undefined);
    }, delay);
    // A pending save keeps no process alive: the worker's port does; dispose flushes it.
    this.saveTimer.unref();
  }

  private async save(): Promise<void> {
    const started = Date.now();
    await saveIndex(this.store, this.options);
    this.lastSaved = { at: Date.now(), tookMs: Date.now() - started };
  }

  private computeStats(buildMs: number, tooLargeInWalk: number): IndexStats {
    const skipped = { binary: 0, tooLarge: tooLargeInWalk, minified: 0, unreadable: 0 };
    for (const s of this.store.skipped.values()) skipped[s.reason]++;
    return { ...this.store.counts(), filesOverCap: this.filesOverCap, skipped, buildMs };
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
