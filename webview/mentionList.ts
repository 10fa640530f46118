// The `@`-mention suggestion list under the chat input: detects `@query` before the caret, asks
// the host which open files match (the page never sees a file's contents), and lets the user pick
// one with the keyboard or the mouse. The composer owns the text and the chips; this owns the list.
import type { OpenFileItem } from "../src/shared/protocol";

export interface MentionCallbacks {
  /** Ask the host for the open files matching `query`; the answer comes to setItems. */
  onQuery(query: string): void;
  /** The user picked `item`; `[start, end)` is the `@query` text it replaces. */
  onPick(item: OpenFileItem, start: number, end: number): void;
}

/** `@` at the start or after whitespace, then anything but whitespace, up to the caret. */
const MENTION_BEFORE_CARET = /(?:^|\s)@([^\s@]*)$/;

/** The `@query` ending at `caret`, if the caret is in one. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | undefined {
  const m = MENTION_BEFORE_CARET.exec(text.slice(0, caret));
  if (!m) return undefined;
  const query = m[1] ?? "";
  return { start: caret - query.length - 1, query };
}

export const MENTION_LIST_ID = "mention-list";

export class MentionList {
  readonly element: HTMLElement;
  private items: OpenFileItem[] = [];
  /** Whether there is anything to show for the current query (the host's answer, or the last
   *  answer narrowed down locally while the host's is on its way). */
  private answered = false;
  /** Enter or Tab came before anything was listed: pick the first item once it arrives. */
  private pickWhenAnswered = false;
  private active = 0;
  private token: { start: number; end: number; query: string } | undefined;

  constructor(
    private readonly input: HTMLElement,
    private readonly cb: MentionCallbacks,
  ) {
    this.element = document.createElement("ul");
    this.element.id = MENTION_LIST_ID;
    this.element.className = "mention-list";
    this.element.setAttribute("role", "listbox");
    this.element.setAttribute("aria-label", "Open files");
    this.element.hidden = true;
    input.setAttribute("aria-controls", MENTION_LIST_ID);
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-haspopup", "listbox");
    input.setAttribute("aria-expanded", "false");
  }

  get isOpen(): boolean {
    return this.token !== undefined;
  }

  /** Re-reads the text before the caret (after typing, clicking or moving the caret). */
  update(text: string, caret: number): void {
    const found = mentionAt(text, caret);
    if (!found) return this.close();
    const changed = found.query !== this.token?.query;
    const previous = this.answered ? this.items : [];
    this.token = { start: found.start, end: caret, query: found.query };
    if (!changed) return;
    this.pickWhenAnswered = false;
    // Keep the list steady while typing: narrow the last answer now (the host's ranking of a
    // longer query is a subset of it), so Enter right after typing picks what the user sees.
    const q = found.query.toLowerCase();
    this.items = previous.filter((i) => i.name.toLowerCase().includes(q) || i.path.toLowerCase().includes(q));
    this.answered = this.items.length > 0;
    this.active = 0;
    this.render();
    this.cb.onQuery(found.query);
  }

  /** The host's answer; answers to an older query (typing outran the host) are ignored. */
  setItems(query: string, items: OpenFileItem[]): void {
    if (!this.token || query !== this.token.query) return;
    const activeId = this.answered ? this.items[this.active]?.id : undefined;
    this.items = items;
    this.answered = true;
    // The user may have moved the selection over the provisional list: keep it on that file.
    this.active = Math.max(
      0,
      items.findIndex((i) => i.id === activeId),
    );
    this.render();
    if (this.pickWhenAnswered) {
      this.pickWhenAnswered = false;
      if (items.length > 0) this.pick(this.active);
      else this.close();
    }
  }

  /** Handles a key while the list is open; true when the key was the list's. */
  handleKey(e: KeyboardEvent): boolean {
    if (!this.token) return false;
    const n = this.answered ? this.items.length : 0;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        if (n > 0) this.active = (this.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
        this.render();
        return true;
      case "Enter":
      case "Tab":
        if (e.shiftKey && e.key === "Enter") return false;
        // Enter never sends while the list is open; with nothing to pick it just closes it.
        if (n > 0) this.pick(this.active);
        else if (!this.answered) this.pickWhenAnswered = true;
        else this.close();
        return true;
      case "Escape":
        this.close();
        return true;
      default:
        return false;
    }
  }

  close(): void {
    if (!this.token && this.element.hidden) return;
    this.token = undefined;
    this.items = [];
    this.answered = false;
    this.pickWhenAnswered = false;
    this.render();
  }

  private pick(index: number): void {
    const item = this.items[index];
    const token = this.token;
    if (!item || !token) return;
    this.close();
    this.cb.onPick(item, token.start, token.end);
  }

  private render(): void {
    const open = this.token !== undefined;
    this.element.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
    const rows: HTMLElement[] = [];
    if (open && !this.answered) rows.push(note("Looking for open files…"));
    else if (open && this.items.length === 0) rows.push(note(this.token?.query ? "No matching open files" : "No open files"));
    else if (open) {
      this.items.forEach((item, i) => {
        const li = document.createElement("li");
        li.id = `mention-option-${i}`;
        li.className = "mention-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(i === this.active));
        li.title = item.path;
        const name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = item.name;
        const desc = document.createElement("span");
        desc.className = "mention-description";
        desc.textContent = item.description;
        const detail = document.createElement("span");
        detail.className = "mention-detail";
        detail.textContent = fileDetail(item);
        li.append(name, desc, detail);
        // Keep the focus (and the caret) in the input while clicking.
        li.addEventListener("mousedown", (e) => e.preventDefault());
        li.addEventListener("click", () => this.pick(i));
        rows.push(li);
      });
    }
    this.element.replaceChildren(...rows);
    const active = open && this.answered ? this.items[this.active] : undefined;
    if (active) {
      this.input.setAttribute("aria-activedescendant", `mention-option-${this.active}`);
      rows[this.active]?.scrollIntoView?.({ block: "nearest" });
    } else this.input.removeAttribute("aria-activedescendant");
  }
}

function note(text: string): HTMLElement {
  const li = document.createElement("li");
  li.className = "mention-note";
  li.setAttribute("role", "option");
  li.setAttribute("aria-disabled", "true");
  li.setAttribute("aria-selected", "false");
  li.textContent = text;
  return li;
}

/** The length shown beside a file: its lines, or its size when the host could not count them
 *  cheaply (a large file not loaded yet); nothing when neither is known, never "0 lines". */
export function fileDetail(item: OpenFileItem): string {
  if (item.lineCount > 0) return item.lineCount === 1 ? "1 line" : `${item.lineCount.toLocaleString("en-US")} lines`;
  const b = item.sizeBytes;
  if (b === undefined) return "";
  return b < 1024 ? `${b} bytes` : b < 1024 * 1024 ? `${(b / 1024).toFixed(0)} KB` : `${(b / 1024 / 1024).toFixed(1)} MB`;
}
