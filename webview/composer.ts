// The input area: text, attachment chips, Send/Stop. Enter sends, Shift+Enter is a newline, Up in
// an empty input recalls the last message, Escape stops, `@` mentions an open file. The draft is saved through onDraft so a
// reloaded view (retainContextWhenHidden is off) gets it back.
import { LIMITS, type Attachment, type OpenFileItem } from "../src/shared/protocol";
import { MentionList } from "./mentionList";

export interface Draft {
  text: string;
  attachments: Attachment[];
  /** Set while the user edits the last message instead of writing a new one. */
  editing: boolean;
}

export interface ComposerCallbacks {
  onSend(text: string, attachments: Attachment[]): void;
  onEditLast(text: string): void;
  onStop(): void;
  onAttach(what: "selection" | "file"): void;
  /** Asks the host which open files match an `@` query (answered through setOpenFiles). */
  onListOpenFiles(query: string): void;
  onDraft(draft: Draft): void;
  lastUserText(): string | undefined;
}

interface TextareaLike extends HTMLElement {
  value: string;
  /** vscode-textarea's inner <textarea> (in its shadow root): where the caret is. */
  readonly wrappedElement?: HTMLTextAreaElement;
  readonly updateComplete?: Promise<unknown>;
}

export class Composer {
  private attachments: Attachment[] = [];
  private editing = false;
  private generating = false;
  private readonly input: TextareaLike;
  private readonly chips: HTMLElement;
  private readonly sendButton: HTMLElement;
  private readonly editBanner: HTMLElement;
  private readonly mentions: MentionList;

  constructor(
    root: HTMLElement,
    private readonly cb: ComposerCallbacks,
  ) {
    root.className = "composer";
    this.editBanner = el("div", "edit-banner");
    this.editBanner.hidden = true;
    const cancelEdit = button("Cancel", "Cancel editing", () => this.setEditing(false, ""));
    this.editBanner.append(document.createTextNode("Editing your last message "), cancelEdit);

    this.chips = el("div", "chips");
    this.chips.setAttribute("aria-label", "Attached context");

    this.input = document.createElement("vscode-textarea") as TextareaLike;
    this.input.id = "prompt-input";
    this.input.setAttribute("rows", "3");
    this.input.setAttribute("resize", "vertical");
    this.input.setAttribute("placeholder", "Ask Mixtral… (Enter to send, Shift+Enter for a newline, /explain /tests /fix /doc)");
    this.input.setAttribute("aria-label", "Message to Mixtral");
    this.input.addEventListener("keydown", (e) => this.onKey(e as KeyboardEvent));
    this.input.addEventListener("input", () => {
      this.updateMention();
      this.saveDraft();
    });
    // The caret can leave or enter an `@query` without typing.
    this.input.addEventListener("click", () => this.updateMention());
    this.input.addEventListener("keyup", (e) => {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes((e as KeyboardEvent).key)) this.updateMention();
    });
    this.input.addEventListener("focusout", () => this.mentions.close());
    this.mentions = new MentionList(this.input, {
      onQuery: (query) => cb.onListOpenFiles(query),
      onPick: (item, start, end) => this.pickMention(item, start, end),
    });
    const inputWrap = el("div", "input-wrap");
    inputWrap.append(this.mentions.element, this.input);

    const row = el("div", "composer-actions");
    row.append(
      button("Attach selection", "Attach the editor selection", () => cb.onAttach("selection"), true),
      button("Attach file", "Attach the active file", () => cb.onAttach("file"), true),
    );
    const spacer = el("span", "spacer");
    this.sendButton = button("Send", "Send message", () => (this.generating ? cb.onStop() : this.send()));
    this.sendButton.id = "send-button";
    row.append(spacer, this.sendButton);
    root.append(this.editBanner, this.chips, inputWrap, row);
  }

  focus(): void {
    this.input.focus();
  }

  get isGenerating(): boolean {
    return this.generating;
  }

  get text(): string {
    return this.input.value;
  }

  setGenerating(generating: boolean): void {
    this.generating = generating;
    this.sendButton.textContent = generating ? "Stop" : "Send";
    this.sendButton.setAttribute("aria-label", generating ? "Stop generating" : "Send message");
    this.sendButton.toggleAttribute("secondary", generating);
  }

  setOpenFiles(query: string, items: OpenFileItem[]): void {
    this.mentions.setItems(query, items);
  }

  restore(draft: Partial<Draft>): void {
    this.mentions.close();
    this.input.value = draft.text ?? "";
    this.attachments = draft.attachments ? [...draft.attachments] : [];
    this.renderChips();
    this.setEditing(draft.editing === true, this.input.value);
  }

  addAttachment(a: Attachment): void {
    // The same range twice adds nothing.
    if (this.attachments.some((x) => x.fileName === a.fileName && x.startLine === a.startLine && x.endLine === a.endLine)) return;
    if (a.mention !== undefined && this.attachments.some((x) => x.mention === a.mention)) return;
    // The host refuses a message with more; better to refuse the chip than lose the message.
    if (this.attachments.length >= LIMITS.attachments) return;
    this.attachments.push(a);
    this.renderChips();
    this.saveDraft();
  }

  startEdit(text: string): void {
    this.setEditing(true, text);
    this.focus();
  }

  private setEditing(editing: boolean, text: string): void {
    this.editing = editing;
    this.editBanner.hidden = !editing;
    if (text !== this.input.value) this.input.value = text;
    this.saveDraft();
  }

  private send(): void {
    const text = this.input.value;
    if (text.trim() === "" && this.attachments.length === 0) return;
    if (this.generating) return;
    if (this.editing) this.cb.onEditLast(text);
    else this.cb.onSend(text, this.attachments);
    this.input.value = "";
    this.attachments = [];
    this.renderChips();
    this.setEditing(false, "");
  }

  private onKey(e: KeyboardEvent): void {
    if (e.isComposing) return;
    if (this.mentions.handleKey(e)) {
      // Not even the view-wide Escape (stop generating) may see a key the list used.
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.send();
    } else if (e.key === "Escape" && this.generating) {
      e.preventDefault();
      this.cb.onStop();
    } else if (e.key === "ArrowUp" && this.input.value === "") {
      const last = this.cb.lastUserText();
      if (last !== undefined) {
        e.preventDefault();
        this.input.value = last;
        this.saveDraft();
      }
    }
  }

  private caret(): number {
    return this.input.wrappedElement?.selectionStart ?? this.input.value.length;
  }

  private updateMention(): void {
    this.mentions.update(this.input.value, this.caret());
  }

  /** Replaces `@query` with `@name ` and attaches the file as a chip (read by the host on send). */
  private pickMention(item: OpenFileItem, start: number, end: number): void {
    const text = this.input.value;
    const inserted = `@${item.name} `;
    if (item.kind === "workspace") {
      // The host searches the index for the question when the message is sent.
      this.input.value = text.slice(0, start) + inserted + text.slice(end);
      const caret = start + inserted.length;
      void (this.input.updateComplete ?? Promise.resolve()).then(() => this.input.wrappedElement?.setSelectionRange(caret, caret));
      this.saveDraft();
      return;
    }
    this.input.value = text.slice(0, start) + inserted + text.slice(end);
    const caret = start + inserted.length;
    // The inner textarea takes the new value on the element's next render.
    void (this.input.updateComplete ?? Promise.resolve()).then(() => this.input.wrappedElement?.setSelectionRange(caret, caret));
    this.addAttachment({
      fileName: item.path,
      languageId: item.languageId,
      startLine: 1,
      endLine: Math.max(1, item.lineCount),
      code: "",
      mention: item.id,
    });
    this.saveDraft();
  }

  private renderChips(): void {
    this.chips.replaceChildren(
      ...this.attachments.map((a, i) => {
        const chip = el("span", "chip");
        chip.setAttribute("role", "group");
        // A mentioned file whose length the host did not know (not loaded yet) shows no range.
        const label = a.mention !== undefined && a.endLine === 1 ? a.fileName : `${a.fileName}:${a.startLine}-${a.endLine}`;
        chip.setAttribute("aria-label", `Attached ${label}`);
        chip.title = label;
        const name = el("span", "chip-label");
        name.textContent = label;
        const remove = document.createElement("button");
        remove.className = "chip-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", `Remove ${label}`);
        remove.addEventListener("click", () => {
          this.attachments.splice(i, 1);
          this.renderChips();
          this.saveDraft();
        });
        chip.append(name, remove);
        return chip;
      }),
    );
  }

  private saveDraft(): void {
    this.cb.onDraft({ text: this.input.value, attachments: this.attachments, editing: this.editing });
  }
}

export function el(tag: string, className: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

export function button(label: string, aria: string, onClick: () => void, secondary = false): HTMLElement {
  const b = document.createElement("vscode-button");
  if (secondary) b.setAttribute("secondary", "");
  b.setAttribute("aria-label", aria);
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}
