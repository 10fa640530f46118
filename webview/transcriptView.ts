// Renders the host's transcript. Streaming is incremental: chunks only mark the streaming turn
// dirty; one requestAnimationFrame renders it, and within it only the part after the last stable
// block boundary is re-rendered (the stable prefix is rendered once and kept). A replay renders
// the newest turns first and the older ones in idle slices, so opening a long conversation is
// never one long frozen task.
import type { CodeActionKind, Turn } from "../src/shared/protocol";
import { renderMarkdown } from "./markdown";
import { ScrollFollow } from "./scrollFollow";
import { StreamedAnswer } from "./streamedAnswer";
import { actionBar, answerNotes, decorate, routeClick, userContent } from "./turnDecorations";

/** Turns a replay always renders before its first paint (newest first: the last exchange)... */
const MIN_SYNC_TURNS = 2;
/** ...and then more while this many ms of script are not spent; the same budget per idle slice
 *  for the older turns (a task over ~50 ms delays typing and scrolling noticeably). */
const SLICE_MS = 16;

/** Whether one more turn, as costly as the average so far, still fits in the budget. */
function fits(start: number, done: number): boolean {
  return done === 0 || ((performance.now() - start) * (done + 1)) / done < SLICE_MS;
}

export interface TranscriptCallbacks {
  onCodeAction(action: CodeActionKind, code: string, languageId: string): void;
  onOpenLink(href: string): void;
  /** A `path:line` reference in an answer (the host opens it inside the workspace only). */
  onOpenFile(path: string, line: number): void;
  onRegenerate(): void;
  onEditLast(text: string): void;
}

export class TranscriptView {
  private turns: Turn[] = [];
  private generating = false;
  private stream: StreamedAnswer | undefined;
  private frame = 0;
  private readonly scroll: ScrollFollow;
  /** Rendered turns by id, with what they were rendered from. The host replays the whole
   *  transcript on every send; reusing unchanged turns keeps that from re-running markdown and
   *  highlighting over the whole conversation (and keeps focus and text selection in them). */
  private rendered = new Map<string, { key: string; el: HTMLElement }>();
  /** Leading turns of a replay not in the DOM yet (rendered by idle slices, newest first). */
  private pending = 0;
  private slice = 0;

  constructor(
    private readonly root: HTMLElement,
    scroller: HTMLElement,
    private readonly cb: TranscriptCallbacks,
  ) {
    this.scroll = new ScrollFollow(scroller);
    root.setAttribute("role", "log");
    root.setAttribute("aria-live", "polite");
    root.setAttribute("aria-label", "Conversation");
    root.addEventListener("click", (e) => routeClick(e, cb));
    root.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target instanceof HTMLElement && e.target.matches("a.md-link[data-href], a.md-link[data-file]"))
        routeClick(e, cb);
    });
  }

  get lastUserText(): string | undefined {
    const t = [...this.turns].reverse().find((x) => x.role === "user");
    return t ? (t.displayText ?? t.content) : undefined;
  }

  /** Full replay from the host. */
  setTranscript(turns: Turn[], generating: boolean): void {
    if (this.slice) cancelIdleCallback(this.slice);
    this.slice = 0;
    this.turns = turns;
    this.generating = generating;
    this.stream = undefined;
    const keep = new Map<string, { key: string; el: HTMLElement }>();
    const start = performance.now();
    const els: HTMLElement[] = [];
    let i = turns.length - 1;
    // Newest first, so the end of the conversation (where the view opens) paints after one short
    // task. Reused turns cost nothing and never wait for a slice.
    for (; i >= 0; i--) {
      if (els.length >= MIN_SYNC_TURNS && !fits(start, els.length) && !this.isReusable(turns[i], i)) break;
      els.push(this.renderCached(turns[i], i, keep));
    }
    els.reverse();
    this.pending = i + 1;
    for (const t of turns.slice(0, this.pending)) {
      const old = this.rendered.get(t.id);
      if (old) keep.set(t.id, old);
    }
    this.rendered = keep;
    // Move only what changed: untouched turns stay in place (no relayout, selection kept).
    els.forEach((el, k) => {
      if (this.root.children[k] !== el) this.root.insertBefore(el, this.root.children[k] ?? null);
    });
    while (this.root.children.length > els.length) this.root.lastElementChild?.remove();
    this.scroll.startAtEnd();
    // Screen readers hear the log's additions once it is complete, not slice by slice (tests and
    // the benchmark also wait for this attribute to go).
    this.root.toggleAttribute("aria-busy", this.pending > 0);
    if (this.pending) this.scheduleSlice();
    this.settleLater();
  }

  private scheduleSlice(): void {
    // Idle time first; the timeout keeps a busy view (an answer streaming) from starving it.
    this.slice = requestIdleCallback(() => this.renderOlder(), { timeout: 100 });
  }

  /** One slice of the older turns, prepended above what the reader sees without moving it. */
  private renderOlder(): void {
    this.slice = 0;
    const start = performance.now();
    const batch: HTMLElement[] = [];
    let i = this.pending - 1;
    for (; i >= 0 && fits(start, batch.length); i--) {
      batch.push(this.renderCached(this.turns[i], i, this.rendered));
    }
    this.pending = i + 1;
    // The reader's text keeps its place, measured on the oldest turn shown so far.
    this.scroll.keepPlace(this.root.firstElementChild, () => this.root.prepend(...batch.reverse()));
    if (this.pending) this.scheduleSlice();
    else this.root.removeAttribute("aria-busy");
    this.settleLater();
  }

  /** Lets the browser skip finished turns while off-screen (`.settled`: content-visibility in
   *  styles.css), once each has been laid out and painted: it then remembers their real height.
   *  Skipped from the start, they would sit at an estimated height and change size on the way
   *  into view, moving the end of the conversation away from a reader who follows it. */
  private settleLater(): void {
    // Only the turns in the DOM now: a slice inserted between the two frames has not been painted,
    // so the browser has no height of it to remember yet (its own call settles it later).
    const now = [...this.root.querySelectorAll(".turn:not(.settled):not([aria-busy])")];
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        for (const el of now) if (el.isConnected && !el.hasAttribute("aria-busy")) el.classList.add("settled");
      }),
    );
  }

  appendChunk(requestId: string, text: string): void {
    const s = this.stream;
    if (!s || s.turn.id !== requestId) return;
    s.turn.content += text;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** The final version of a streamed turn: rendered whole once, so anything the incremental
   *  split approximated (reference links, loose lists) ends up exact. */
  finishTurn(turn: Turn): void {
    const i = this.turns.findIndex((t) => t.id === turn.id);
    if (i < 0) return;
    this.turns[i] = turn;
    this.generating = false;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.stream = undefined;
    // DOM positions lag turn indices by the turns a replay has not rendered yet.
    const old = this.root.children[i - this.pending];
    const el = this.renderCached(turn, i, this.rendered);
    if (old) old.replaceWith(el);
    else this.root.append(el);
    // The question's actions (Edit) appear only once nothing is streaming: refresh it.
    const prev = this.turns[i - 1];
    const prevEl = i - 1 >= this.pending ? this.root.children[i - 1 - this.pending] : undefined;
    if (prev && prevEl) prevEl.replaceWith(this.renderCached(prev, i - 1, this.rendered));
    this.scroll.toEnd();
  }

  private flush(): void {
    this.frame = 0;
    this.stream?.render();
    if (this.stream) this.scroll.toEnd();
  }

  /** The turn's element, reused when the turn and everything its rendering depends on (its
   *  position as last turn or last question, whether an answer is streaming) are unchanged. */
  private renderCached(turn: Turn, index: number, into: Map<string, { key: string; el: HTMLElement }>): HTMLElement {
    if (turn.streaming) return this.renderTurn(turn, index === this.turns.length - 1);
    const key = this.cacheKey(turn, index);
    const old = this.rendered.get(turn.id);
    const el = old && old.key === key ? old.el : this.renderTurn(turn, index === this.turns.length - 1);
    into.set(turn.id, { key, el });
    return el;
  }

  private isReusable(turn: Turn, index: number): boolean {
    return !turn.streaming && this.rendered.get(turn.id)?.key === this.cacheKey(turn, index);
  }

  private cacheKey(turn: Turn, index: number): string {
    // Only the last answer (Regenerate) and the last question (Edit) change with position and
    // with `generating`; every other turn renders the same wherever it is.
    const actions = !this.generating && (turn.role === "user" ? this.isLastUser(turn) : index === this.turns.length - 1);
    return JSON.stringify([turn, actions]);
  }

  private renderTurn(turn: Turn, isLast: boolean): HTMLElement {
    const el = document.createElement("article");
    el.className = `turn ${turn.role}`;
    el.dataset.turnId = turn.id;
    el.setAttribute("aria-label", turn.role === "user" ? "You said" : "Mixtral answered");
    const who = document.createElement("div");
    who.className = "who";
    who.textContent = turn.role === "user" ? "You" : "Mixtral";
    el.append(who);

    const body = document.createElement("div");
    body.className = "body";
    el.append(body);

    if (turn.role === "user") {
      userContent(turn, body);
      if (this.isLastUser(turn) && !this.generating) {
        el.append(actionBar([["Edit", "Edit and resend this message", () => this.cb.onEditLast(turn.displayText ?? turn.content)]]));
      }
      return el;
    }

    if (turn.streaming) {
      this.stream = new StreamedAnswer(turn, body);
      // Replayed partial text is rendered through the same path as new chunks.
      this.flush();
      el.setAttribute("aria-busy", "true");
      return el;
    }

    body.append(decorate(renderMarkdown(turn.content)));
    el.append(...answerNotes(turn));
    if (isLast && !this.generating) el.append(actionBar([["Regenerate", "Generate this answer again", () => this.cb.onRegenerate()]]));
    return el;
  }

  private isLastUser(turn: Turn): boolean {
    return [...this.turns].reverse().find((t) => t.role === "user")?.id === turn.id;
  }
}
