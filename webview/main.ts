// Chat view entry (browser). Renders what the host sends; owns only the draft in the input.
import "@vscode-elements/elements/dist/vscode-button/index.js";
import "@vscode-elements/elements/dist/vscode-textarea/index.js";
import "@vscode-elements/elements/dist/vscode-textfield/index.js";
import "@vscode-elements/elements/dist/vscode-progress-bar/index.js";
import { CHAT_PROTOCOL_VERSION, type Attachment, type HostToWebview, type WebviewToHost } from "../src/shared/protocol";
import { Composer, type Draft } from "./composer";
import { Header } from "./header";
import css from "./styles.css";
import { TranscriptView } from "./transcriptView";

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  draft?: Draft;
  /** The last sent message, until the host confirms it: restored if the send fails. */
  pending?: { text: string; attachments: Attachment[] };
}

const vscode = acquireVsCodeApi();
let saved: SavedState = (vscode.getState() as SavedState | undefined) ?? {};
const save = (patch: Partial<SavedState>) => {
  saved = { ...saved, ...patch };
  vscode.setState(saved);
};
const post = (m: WebviewToHost) => vscode.postMessage(m);
let draftTimer: ReturnType<typeof setTimeout> | undefined;

// Constructable stylesheets are not subject to style-src, so no 'unsafe-inline' is needed.
const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const app = document.getElementById("app") ?? document.body;
const headerEl = document.createElement("div");
const statusEl = document.createElement("div");
const noticeEl = document.createElement("div");
const historyEl = document.createElement("div");
const scroller = document.createElement("main");
scroller.className = "scroller";
const transcriptEl = document.createElement("div");
transcriptEl.id = "transcript";
const emptyEl = document.createElement("div");
emptyEl.className = "empty";
emptyEl.textContent = "Ask anything about your code. Attach the selection or a file for context.";
scroller.append(emptyEl, transcriptEl);
const composerEl = document.createElement("div");
app.append(headerEl, statusEl, noticeEl, historyEl, scroller, composerEl);

const header = new Header(headerEl, statusEl, noticeEl, historyEl, {
  onAction: (action) => post({ type: "action", action }),
  onNewChat: () => post({ type: "newChat" }),
  onOpen: (id) => post({ type: "openConversation", id }),
  onRename: (id, title) => post({ type: "renameConversation", id, title }),
  onDelete: (id) => post({ type: "deleteConversation", id }),
});

const transcript = new TranscriptView(transcriptEl, scroller, {
  onCodeAction: (action, code, languageId) => post({ type: "codeAction", action, code, languageId }),
  onOpenLink: (href) => post({ type: "openLink", href }),
  onOpenFile: (path, line) => post({ type: "openFile", path, line }),
  onRegenerate: () => post({ type: "regenerate" }),
  onEditLast: (text) => composer.startEdit(text),
});

const composer = new Composer(composerEl, {
  onSend: (text, attachments) => {
    save({ pending: { text, attachments } });
    header.clearNotice();
    post({ type: "send", text, attachments });
  },
  onEditLast: (text) => {
    save({ pending: { text, attachments: [] } });
    post({ type: "editLast", text });
  },
  onStop: () => post({ type: "stop" }),
  onAttach: (what) => post({ type: "attach", what }),
  onListOpenFiles: (query) => post({ type: "listOpenFiles", query }),
  onDraft: (draft) => {
    const attachmentsChanged = draft.attachments.length !== (saved.draft?.attachments?.length ?? 0);
    save({ draft });
    // Mirrored to the host: webview state alone may not survive a window reload. Typing is
    // debounced; an attachment added or removed is sent at once (it is one deliberate click).
    clearTimeout(draftTimer);
    const send = () => post({ type: "draft", text: draft.text, attachments: draft.attachments });
    if (attachmentsChanged) send();
    else draftTimer = setTimeout(send, 300);
  },
  lastUserText: () => transcript.lastUserText,
});
if (saved.draft) composer.restore(saved.draft);

function onMessage(m: HostToWebview): void {
  switch (m.type) {
    case "transcript":
      // The placeholder shares the scroller: hidden first, so the transcript scrolls to its real end.
      emptyEl.hidden = m.turns.length > 0;
      transcript.setTranscript(m.turns, m.generating);
      composer.setGenerating(m.generating);
      // The host has the message now; nothing left to restore.
      if (saved.pending && m.turns.length > 0) save({ pending: undefined });
      break;
    case "chunk":
      transcript.appendChunk(m.requestId, m.text);
      break;
    case "done":
      transcript.finishTurn(m.turn);
      composer.setGenerating(false);
      break;
    case "header":
      header.setHeader(m.header);
      break;
    case "history":
      header.setHistory(m.items, m.currentId);
      break;
    case "attachment":
      composer.addAttachment(m.attachment);
      break;
    case "openFiles":
      composer.setOpenFiles(m.query, m.items);
      break;
    case "notice":
      header.showNotice(m.level, m.message, m.actions);
      break;
    case "restoreInput":
      // Never lose typed text: put it back unless the user already typed something new.
      if (composer.text.trim() === "") composer.restore({ text: m.text, attachments: m.attachments });
      save({ pending: undefined });
      composer.focus();
      break;
    case "draft":
      // Only when this page has no draft of its own (a window reload can drop webview state).
      if (composer.text === "" && !saved.draft?.attachments?.length) composer.restore({ text: m.text, attachments: m.attachments });
      break;
    case "focusInput":
      composer.focus();
      break;
    default: {
      const unknown: never = m;
      console.warn("[chat] dropped unknown message", (unknown as { type?: unknown })?.type);
    }
  }
}

window.addEventListener("message", (e: MessageEvent) => {
  const data: unknown = e.data;
  if (typeof data !== "object" || data === null || typeof (data as { type?: unknown }).type !== "string") {
    console.warn("[chat] dropped malformed message");
    return;
  }
  try {
    onMessage(data as HostToWebview);
  } catch (err) {
    console.error("[chat] failed to handle", (data as { type: string }).type, err);
  }
});

// Escape stops from anywhere in the view, not only from the input.
window.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && composer.isGenerating && !e.defaultPrevented) {
    e.preventDefault();
    post({ type: "stop" });
  }
});

post({ type: "ready", version: CHAT_PROTOCOL_VERSION });
// If the page survived being hidden, ask for a replay: the host stops posting while hidden.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") post({ type: "ready", version: CHAT_PROTOCOL_VERSION });
});
composer.focus();
