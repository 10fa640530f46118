// The view's header (model · quantization · backend, model picker, history, new chat), the
// engine status panel (no model, loading, crashed) and the history list with rename and delete.
import { ERROR_ACTION_TITLES } from "../src/shared/errorActions";
import type { ConversationSummary, ErrorAction, HeaderInfo } from "../src/shared/protocol";
import { button, el } from "./composer";

export interface HeaderCallbacks {
  onAction(action: ErrorAction): void;
  onNewChat(): void;
  onOpen(id: string): void;
  onRename(id: string, title: string): void;
  onDelete(id: string): void;
}

/** The status panel's own words for picking a model (its notices use the shared titles). */
const CHOOSE_MODEL = "Choose or download a model";

export class Header {
  private readonly model: HTMLElement;
  private readonly status: HTMLElement;
  private readonly historyPanel: HTMLElement;
  private readonly notice: HTMLElement;
  private history: ConversationSummary[] = [];
  private currentId = "";

  constructor(
    root: HTMLElement,
    statusRoot: HTMLElement,
    noticeRoot: HTMLElement,
    historyRoot: HTMLElement,
    private readonly cb: HeaderCallbacks,
  ) {
    root.className = "header";
    root.setAttribute("role", "banner");
    this.model = el("span", "model");
    this.model.id = "model-label";
    this.model.setAttribute("aria-live", "polite");
    const historyButton = button("History", "Show past conversations", () => this.toggleHistory(), true);
    historyButton.id = "history-button";
    const newButton = button("New", "Start a new chat", () => cb.onNewChat(), true);
    newButton.id = "new-chat-button";
    const modelButton = button("Model…", "Select or download a model", () => cb.onAction("selectModel"), true);
    modelButton.id = "select-model-button";
    root.append(this.model, el("span", "spacer"), historyButton, newButton, modelButton);

    this.status = statusRoot;
    this.status.className = "status-panel";
    this.status.setAttribute("role", "status");
    this.notice = noticeRoot;
    this.notice.className = "notice";
    this.notice.hidden = true;
    this.historyPanel = historyRoot;
    this.historyPanel.className = "history-panel";
    this.historyPanel.setAttribute("role", "region");
    this.historyPanel.setAttribute("aria-label", "Past conversations");
    this.historyPanel.hidden = true;
  }

  setHeader(h: HeaderInfo): void {
    const noModel = h.state === "noModel" ? "No model yet" : "Model loads with the first message";
    const parts = [h.model ?? (h.engine === "local" ? noModel : `${h.engine} server`), h.quantization, h.backend].filter(Boolean);
    this.model.textContent = parts.join(" · ");
    this.model.title = parts.join(" · ");
    this.renderStatus(h);
  }

  private renderStatus(h: HeaderInfo): void {
    const children: Node[] = [];
    const text = (s: string) => {
      const p = el("p", "status-text");
      p.textContent = s;
      return p;
    };
    switch (h.state) {
      case "noModel":
        children.push(
          text(h.message ?? "No model yet. Choose a Mixtral GGUF on disk or download one."),
          button(CHOOSE_MODEL, CHOOSE_MODEL, () => this.cb.onAction("selectModel")),
        );
        break;
      case "loading": {
        children.push(text(h.message ?? "Loading the model…"));
        const bar = document.createElement("vscode-progress-bar");
        bar.setAttribute("aria-label", "Model loading progress");
        if (typeof h.progress === "number") bar.setAttribute("value", String(Math.round(h.progress * 100)));
        else bar.setAttribute("indeterminate", "");
        bar.setAttribute("max", "100");
        children.push(bar);
        break;
      }
      case "crashed":
      case "error":
        children.push(
          text(h.message ?? (h.state === "crashed" ? "The engine stopped unexpectedly." : "The engine reported an error.")),
          ...(h.actions ?? ["retry", "showLog"]).map((a, i) =>
            button(
              ERROR_ACTION_TITLES[a],
              a === "retry" ? "Retry loading the model" : ERROR_ACTION_TITLES[a],
              () => this.cb.onAction(a),
              i > 0,
            ),
          ),
        );
        break;
      default:
        break;
    }
    this.status.replaceChildren(...children);
    this.status.hidden = children.length === 0;
    this.status.dataset.state = h.state;
  }

  showNotice(level: "info" | "error", message: string, actions: ErrorAction[]): void {
    const p = el("span", "notice-text");
    p.textContent = message;
    const close = button("Dismiss", "Dismiss this message", () => (this.notice.hidden = true), true);
    this.notice.replaceChildren(
      p,
      ...actions.map((a) => button(ERROR_ACTION_TITLES[a], ERROR_ACTION_TITLES[a], () => this.cb.onAction(a), true)),
      close,
    );
    this.notice.dataset.level = level;
    this.notice.setAttribute("role", level === "error" ? "alert" : "status");
    this.notice.hidden = false;
  }

  clearNotice(): void {
    this.notice.hidden = true;
  }

  setHistory(items: ConversationSummary[], currentId: string): void {
    this.history = items;
    this.currentId = currentId;
    if (!this.historyPanel.hidden) this.renderHistory();
  }

  private toggleHistory(): void {
    this.historyPanel.hidden = !this.historyPanel.hidden;
    if (!this.historyPanel.hidden) this.renderHistory();
  }

  private renderHistory(): void {
    if (this.history.length === 0) {
      const p = el("p", "status-text");
      p.textContent = "No past conversations yet.";
      this.historyPanel.replaceChildren(p);
      return;
    }
    const list = el("ul", "history-list");
    list.setAttribute("role", "list");
    for (const item of this.history) {
      const li = el("li", item.id === this.currentId ? "history-item current" : "history-item");
      const open = el("button", "history-open");
      open.textContent = item.title;
      open.title = `${item.title} — ${new Date(item.updatedAt).toLocaleString()}`;
      open.setAttribute("aria-label", `Open conversation ${item.title}`);
      open.addEventListener("click", () => {
        this.historyPanel.hidden = true;
        this.cb.onOpen(item.id);
      });
      const rename = button("Rename", `Rename conversation ${item.title}`, () => this.startRename(li, item), true);
      const del = button("Delete", `Delete conversation ${item.title}`, () => this.cb.onDelete(item.id), true);
      li.append(open, rename, del);
      list.append(li);
    }
    this.historyPanel.replaceChildren(list);
  }

  private startRename(li: HTMLElement, item: ConversationSummary): void {
    const field = document.createElement("vscode-textfield") as HTMLElement & { value: string };
    field.setAttribute("aria-label", "New title");
    field.value = item.title;
    const commit = () => {
      const title = field.value.trim();
      if (title && title !== item.title) this.cb.onRename(item.id, title);
      this.renderHistory();
    };
    field.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") commit();
      if ((e as KeyboardEvent).key === "Escape") this.renderHistory();
    });
    li.replaceChildren(field, button("Save", "Save title", commit));
    field.focus();
  }
}
