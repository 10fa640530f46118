// DOM pieces of a rendered turn: code-block toolbars, keyboard-reachable links, the action bar,
// a question's text and chips, an answer's notes, and where a click on them goes. No state.
import type { CodeActionKind as CodeAction, Turn } from "../src/shared/protocol";
import { normalizeLang } from "./markdown";

const CODE_ACTIONS: [string, CodeAction, string][] = [
  ["Copy", "copy", "Copy code"],
  ["Insert", "insert", "Insert code at the cursor"],
  ["Replace", "replace", "Replace the editor selection with this code"],
  ["New file", "newFile", "Open code in a new file"],
];

/** Adds the code-block toolbars and makes host-routed links keyboard reachable. */
export function decorate(frag: DocumentFragment): DocumentFragment {
  for (const a of frag.querySelectorAll("a.md-link[data-href], a.md-link[data-file]")) {
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
    for (const [text, action, aria] of CODE_ACTIONS) {
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

/** A row of secondary buttons: [label, aria-label, on click]. */
export function actionBar(items: [string, string, () => void][]): HTMLElement {
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

/** A question's text, shown as typed (no markdown: what you see is what was sent), and its chips. */
export function userContent(turn: Turn, body: HTMLElement): void {
  const text = document.createElement("div");
  text.className = "user-text";
  text.textContent = turn.displayText ?? turn.content;
  body.append(text);
  if (!turn.attachments?.length) return;
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

/** What is said under a finished answer: its error, why it is incomplete, its speed. */
export function answerNotes(turn: Turn): HTMLElement[] {
  const notes: HTMLElement[] = [];
  const note = (className: string, text: string): HTMLElement => {
    const el = document.createElement("div");
    el.className = className;
    el.textContent = text;
    notes.push(el);
    return el;
  };
  if (turn.error) note("turn-error", turn.error).setAttribute("role", "alert");
  if (turn.incomplete) note("incomplete", `⚠ Answer incomplete: ${turn.incompleteReason ?? "cut short"}`);
  if (turn.stats && turn.stats.generatedTokens > 0) {
    const { ttftMs, tokensPerSecond, generatedTokens } = turn.stats;
    // No rate where none was measured (a partial answer kept after an engine crash).
    const rate = tokensPerSecond !== undefined && tokensPerSecond > 0 ? ` · ${tokensPerSecond.toFixed(1)} tok/s` : "";
    const tokens = `${generatedTokens} token${generatedTokens === 1 ? "" : "s"}`;
    note("stats", `${Math.round(ttftMs)} ms to first token${rate} · ${tokens}`).title = "Time to first token and generation speed";
  }
  return notes;
}

/** A click (or Enter) in the transcript: host-routed links and code-block actions. */
export function routeClick(
  e: Event,
  cb: {
    onOpenLink(href: string): void;
    onOpenFile(path: string, line: number): void;
    onCodeAction(action: CodeAction, code: string, languageId: string): void;
  },
): void {
  const target = e.target instanceof Element ? e.target : null;
  if (!target) return;
  const link = target.closest("a.md-link");
  if (link) {
    e.preventDefault();
    const href = link.getAttribute("data-href");
    const file = link.getAttribute("data-file");
    if (href) cb.onOpenLink(href);
    else if (file) cb.onOpenFile(file, Number(link.getAttribute("data-line")) || 1);
    return;
  }
  const button = target.closest<HTMLElement>("[data-code-action]");
  if (button) {
    const block = button.closest(".code-block");
    const code = block?.querySelector("pre code, pre")?.textContent ?? "";
    const lang = block?.querySelector(".code-lang")?.textContent ?? "";
    cb.onCodeAction(button.dataset.codeAction as CodeAction, code.endsWith("\n") ? code.slice(0, -1) : code, lang);
  }
}
