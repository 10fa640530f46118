// Renders the host's transcript. Streaming is incremental: chunks only mark the streaming turn
// dirty; one requestAnimationFrame renders it, and within it only the part after the last stable
// block boundary is re-rendered (the stable prefix is rendered once and kept).
import type { Turn } from "../src/shared/protocol";
import { normalizeLang, renderMarkdown, stableBoundary } from "./markdown";

export interface TranscriptCallbacks {
  onCodeAction(action: "copy" | "insert" | "replace" | "newFile", code: string, languageId: string): void;
  onOpenLink(href: string): void;
  onRegenerate(): void;
  onEditLast(text: string): void;
}

interface StreamState {
  turn: Turn;
  body: HTMLElement;
  frozen: HTMLElement;
  live: HTMLElement;
  frozenLen: number;
}

export class TranscriptView {
  private turns: Turn[] = [];
  private generating = false;
  private stream: StreamState | undefined;
  private frame = 0;
  /** Stick to the bottom while streaming unless the user scrolled up to read. */
  private follow = true;
  /** Where the view last scrolled itself to. */
  private autoScrollTop = 0;
  /** Rendered turns by id, with what they were rendered from. The host replays the whole
   *  transcript on every send; reusing unchanged turns keeps that from re-running markdown and
   *  highlighting over the whole conversation (and keeps focus and text selection in them). */
  private rendered = new Map<string, { key: string; el: HTMLElement }>();

  constructor(
    private readonly root: HTMLElement,
    private readonly scroller: HTMLElement,
    private readonly cb: TranscriptCallbacks,
  ) {
    root.setAttribute("role", "log");
    root.setAttribute("aria-live", "polite");
    root.setAttribute("aria-label", "Conversation");
    root.addEventListener("click", (e) => this.onClick(e));
    root.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target instanceof HTMLElement && e.target.matches("a.md-link[data-href]")) this.onClick(e);
    });
    scroller.addEventListener("scroll", () => {
      this.follow = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 40;
    });
  }

  get lastUserText(): string | undefined {
    const t = [...this.turns].reverse().find((x) => x.role === "user");
    return t ? (t.displayText ?? t.content) : undefined;
  }

  /** Full replay from the host. */
  setTranscript(turns: Turn[], generating: boolean): void {
    this.turns = turns;
    this.generating = generating;
    this.stream = undefined;
    const keep = new Map<string, { key: string; el: HTMLElement }>();
    const els = turns.map((t, i) => this.renderCached(t, i, keep));
    this.rendered = keep;
    // Move only what changed: untouched turns stay in place (no relayout, selection kept).
    els.forEach((el, i) => {
      if (this.root.children[i] !== el) this.root.insertBefore(el, this.root.children[i] ?? null);
    });
    while (this.root.children.length > els.length) this.root.lastElementChild?.remove();
    this.follow = true;
    this.scrollToEnd(true);
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
    const old = this.root.children[i];
    const el = this.renderCached(turn, i, this.rendered);
    if (old) old.replaceWith(el);
    else this.root.append(el);
    // The question's actions (Edit) appear only once nothing is streaming: refresh it.
    const prev = this.turns[i - 1];
    const prevEl = this.root.children[i - 1];
    if (prev && prevEl) prevEl.replaceWith(this.renderCached(prev, i - 1, this.rendered));
    this.scrollToEnd();
  }

  private flush(): void {
    this.frame = 0;
    const s = this.stream;
    if (!s) return;
    const text = s.turn.content;
    // The frozen prefix always ends outside a code fence, so scanning can start there.
    const boundary = s.frozenLen + stableBoundary(text.slice(s.frozenLen));
    if (boundary > s.frozenLen) {
      const part = document.createElement("div");
      part.className = "md-part";
      part.append(this.decorate(renderMarkdown(text.slice(s.frozenLen, boundary))));
      s.frozen.append(part);
      s.frozenLen = boundary;
    }
    s.live.replaceChildren(this.decorate(renderMarkdown(text.slice(s.frozenLen))));
    s.body.classList.toggle("waiting", text === "");
    this.scrollToEnd();
  }

  /** The turn's element, reused when the turn and everything its rendering depends on (its
   *  position as last turn or last question, whether an answer is streaming) are unchanged. */
  private renderCached(turn: Turn, index: number, into: Map<string, { key: string; el: HTMLElement }>): HTMLElement {
    const isLast = index === this.turns.length - 1;
    if (turn.streaming) return this.renderTurn(turn, isLast);
    // Only the last answer (Regenerate) and the last question (Edit) change with position and
    // with `generating`; every other turn renders the same wherever it is.
    const actions = !this.generating && (turn.role === "user" ? this.isLastUser(turn) : isLast);
    const key = JSON.stringify([turn, actions]);
    const old = this.rendered.get(turn.id);
    const el = old && old.key === key ? old.el : this.renderTurn(turn, isLast);
    into.set(turn.id, { key, el });
    return el;
  }

  /** `force`: a new transcript, shown from its end wherever the reader was. */
  private scrollToEnd(force = false): void {
    const s = this.scroller;
    // A scroll the user made since our last one whose `scroll` event has not fired yet (it fires
    // in the next frame's scroll steps; a render can come first): without this check the view
    // would pull them back to the bottom. Above the bottom, not just clamped by a shorter tail.
    if (!force && s.scrollTop < this.autoScrollTop - 2 && s.scrollTop + s.clientHeight < s.scrollHeight - 2) this.follow = false;
    if (this.follow) {
      s.scrollTop = s.scrollHeight;
      this.autoScrollTop = s.scrollTop;
    }
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
      // The user's own text is shown as typed (no markdown): what you see is what was sent.
      const text = document.createElement("div");
      text.className = "user-text";
      text.textContent = turn.displayText ?? turn.content;
      body.append(text);
      if (turn.attachments?.length) {
        const chips = document.createElement("div");
        chips.className = "chips";
        for (const a of turn.attachments) {
          const chip = document.createElement("span");
          chip.className = "chip";
          chip.textContent = `${a.fileName}:${a.startLine}-${a.endLine}`;
          chips.append(chip);
        }
        body.append(chips);
      }
      if (this.isLastUser(turn) && !this.generating) {
        el.append(this.actions([["Edit", "Edit and resend this message", () => this.cb.onEditLast(turn.displayText ?? turn.content)]]));
      }
      return el;
    }

    if (turn.streaming) {
      const frozen = document.createElement("div");
      const live = document.createElement("div");
      body.append(frozen, live);
      body.classList.add("streaming");
      this.stream = { turn: { ...turn }, body, frozen, live, frozenLen: 0 };
      // Replayed partial text is rendered through the same path as new chunks.
      this.flush();
      el.setAttribute("aria-busy", "true");
      return el;
    }

    body.append(this.decorate(renderMarkdown(turn.content)));
    if (turn.error) {
      const err = document.createElement("div");
      err.className = "turn-error";
      err.setAttribute("role", "alert");
      err.textContent = turn.error;
      el.append(err);
    }
    if (turn.incomplete) {
      const cut = document.createElement("div");
      cut.className = "incomplete";
      cut.textContent = `⚠ Answer incomplete: ${turn.incompleteReason ?? "cut short"}`;
      el.append(cut);
    }
    if (turn.stats && turn.stats.generatedTokens > 0) {
      const stats = document.createElement("div");
      stats.className = "stats";
      stats.textContent = `${Math.round(turn.stats.ttftMs)} ms to first token · ${turn.stats.tokensPerSecond.toFixed(1)} tok/s · ${turn.stats.generatedTokens} tokens`;
      stats.title = "Time to first token and generation speed";
      el.append(stats);
    }
    if (isLast && !this.generating) el.append(this.actions([["Regenerate", "Generate this answer again", () => this.cb.onRegenerate()]]));
    return el;
  }

  private isLastUser(turn: Turn): boolean {
    return [...this.turns].reverse().find((t) => t.role === "user")?.id === turn.id;
  }

  private actions(items: [string, string, () => void][]): HTMLElement {
    const bar = document.createElement("div");
    bar.className = "turn-actions";
    for (const [label, aria, run] of items) {
      const b = document.createElement("vscode-button");
      b.setAttribute("secondary", "");
      b.setAttribute("aria-label", aria);
      b.textContent = label;
      b.addEventListener("click", run);
      bar.append(b);
    }
    return bar;
  }

  /** Adds the code-block toolbars and makes host-routed links keyboard reachable. */
  private decorate(frag: DocumentFragment): DocumentFragment {
    for (const a of frag.querySelectorAll("a.md-link[data-href]")) {
      a.setAttribute("tabindex", "0");
      a.setAttribute("role", "link");
    }
    for (const pre of frag.querySelectorAll("pre")) {
      const code = pre.querySelector("code");
      const lang = normalizeLang(/(?:^|\s)language-(\S+)/.exec(code?.className ?? "")?.[1] ?? "");
      const wrap = document.createElement("div");
      wrap.className = "code-block";
      const bar = document.createElement("div");
      bar.className = "code-actions";
      bar.setAttribute("role", "toolbar");
      bar.setAttribute("aria-label", `Code block actions${lang ? ` (${lang})` : ""}`);
      const label = document.createElement("span");
      label.className = "code-lang";
      label.textContent = lang;
      bar.append(label);
      const actions: [string, "copy" | "insert" | "replace" | "newFile", string][] = [
        ["Copy", "copy", "Copy code"],
        ["Insert", "insert", "Insert code at the cursor"],
        ["Replace", "replace", "Replace the editor selection with this code"],
        ["New file", "newFile", "Open code in a new file"],
      ];
      for (const [text, action, aria] of actions) {
        const b = document.createElement("vscode-button");
        b.setAttribute("secondary", "");
        b.setAttribute("aria-label", aria);
        b.dataset.codeAction = action;
        b.textContent = text;
        bar.append(b);
      }
      pre.replaceWith(wrap);
      wrap.append(bar, pre);
    }
    return frag;
  }

  private onClick(e: Event): void {
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    const link = target.closest("a.md-link");
    if (link) {
      e.preventDefault();
      const href = link.getAttribute("data-href");
      if (href) this.cb.onOpenLink(href);
      return;
    }
    const button = target.closest<HTMLElement>("[data-code-action]");
    if (button) {
      const block = button.closest(".code-block");
      const code = block?.querySelector("pre code, pre")?.textContent ?? "";
      const lang = block?.querySelector(".code-lang")?.textContent ?? "";
      this.cb.onCodeAction(button.dataset.codeAction as "copy" | "insert" | "replace" | "newFile", stripTrailingNewline(code), lang);
    }
  }
}

function stripTrailingNewline(s: string): string {
  return s.endsWith("\n") ? s.slice(0, -1) : s;
}
