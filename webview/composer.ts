// The input area: text, attachment chips, Send/Stop. Enter sends, Shift+Enter is a newline, Up in
// an empty input recalls the last message, Escape stops. The draft is saved through onDraft so a
// reloaded view (retainContextWhenHidden is off) gets it back.
import type { Attachment } from "../src/shared/protocol";

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
  onDraft(draft: Draft): void;
  lastUserText(): string | undefined;
}

interface TextareaLike extends HTMLElement {
  value: string;
}

export class Composer {
  private attachments: Attachment[] = [];
  private editing = false;
  private generating = false;
  private readonly input: TextareaLike;
  private readonly chips: HTMLElement;
  private readonly sendButton: HTMLElement;
  private readonly editBanner: HTMLElement;

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
    this.input.addEventListener("input", () => this.saveDraft());

    const row = el("div", "composer-actions");
    row.append(
      button("Attach selection", "Attach the editor selection", () => cb.onAttach("selection"), true),
      button("Attach file", "Attach the active file", () => cb.onAttach("file"), true),
    );
    const spacer = el("span", "spacer");
    this.sendButton = button("Send", "Send message", () => (this.generating ? cb.onStop() : this.send()));
    this.sendButton.id = "send-button";
    row.append(spacer, this.sendButton);
    root.append(this.editBanner, this.chips, this.input, row);
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

  restore(draft: Partial<Draft>): void {
    this.input.value = draft.text ?? "";
    this.attachments = draft.attachments ? [...draft.attachments] : [];
    this.renderChips();
    this.setEditing(draft.editing === true, this.input.value);
  }

  addAttachment(a: Attachment): void {
    // The same range twice adds nothing.
    if (this.attachments.some((x) => x.fileName === a.fileName && x.startLine === a.startLine && x.endLine === a.endLine)) return;
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

  private renderChips(): void {
    this.chips.replaceChildren(
      ...this.attachments.map((a, i) => {
        const chip = el("span", "chip");
        chip.setAttribute("role", "group");
        const label = `${a.fileName}:${a.startLine}-${a.endLine}`;
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
