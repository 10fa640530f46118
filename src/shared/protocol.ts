// The host ⇄ chat webview protocol. The host owns the transcript; the webview renders it and asks
// for the few actions listed here (there is deliberately no generic "run command" message).
// Everything arriving from the webview is untrusted: parseWebviewMessage builds fresh objects
// from known fields only (so `__proto__` keys and extra fields never travel further) and enforces
// size caps before anything else looks at the data.
import { ERROR_ACTIONS, type ErrorAction } from "./errorActions";

export const CHAT_PROTOCOL_VERSION = 1;

/** Caps on what the webview may send. Longer strings are refused, not truncated. */
export const LIMITS = {
  /** One typed message (about 25k tokens: more than Mixtral's context anyway). */
  textChars: 100_000,
  /** One attached selection or file, or one code block sent back for an edit. */
  codeChars: 1_000_000,
  attachments: 8,
  fileNameChars: 1_000,
  idChars: 100,
  titleChars: 200,
  urlChars: 8_000,
  languageIdChars: 64,
  /** The text typed after `@` to filter the open files. */
  mentionQueryChars: 200,
  /** Open files listed for one `@` query. */
  openFiles: 50,
} as const;

export interface Attachment {
  fileName: string;
  languageId: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  code: string;
  /** Set on an `@`-mentioned open file: the host's handle for it (from `openFiles`). `code` is
   *  empty in the webview; the host reads the file when the message is sent. */
  mention?: string;
}

/** One open editor tab offered after `@`. Never carries the file's contents. */
export interface OpenFileItem {
  /** Opaque handle, echoed back as `Attachment.mention`. */
  id: string;
  /** File name, the list's label. */
  name: string;
  /** Workspace-relative folder ("" at the root), the list's description. */
  description: string;
  /** Workspace-relative path, as an attach-file chip names the file. */
  path: string;
  languageId: string;
  /** Lines as an attach-file chip counts them; 0 when unknown (a large file whose tab restored
   *  at startup has no document loaded yet). */
  lineCount: number;
  /** The file's size on disk, when read from disk rather than from a loaded document. */
  sizeBytes?: number;
  /** "workspace": the `@workspace` entry (search the workspace index for the question), listed
   *  first; picking it writes `@workspace` into the message and attaches nothing. */
  kind?: "workspace";
}

export interface TurnStats {
  ttftMs: number;
  /** Absent when none was measured: an answer of one token, or the partial answer kept after the
   *  engine process died (its timing died with it). */
  tokensPerSecond?: number;
  generatedTokens: number;
}

export interface Turn {
  id: string;
  role: "user" | "assistant";
  /** The text sent to the model (user) or generated (assistant). */
  content: string;
  /** What the user sees instead of content, e.g. "Explain selection" for a command turn. */
  displayText?: string;
  attachments?: Attachment[];
  feature?: string;
  /** Assistant only: still streaming. */
  streaming?: boolean;
  incomplete?: boolean;
  incompleteReason?: string;
  /** Assistant only: the request failed before or while generating. */
  error?: string;
  stats?: TurnStats;
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
  turnCount: number;
}

export type ViewState = "noModel" | "idle" | "loading" | "ready" | "generating" | "crashed" | "error";

export interface HeaderInfo {
  state: ViewState;
  engine: "local" | "tgi" | "openai";
  message?: string;
  progress?: number;
  model?: string;
  quantization?: string;
  backend?: string;
  /** State "error": the failure's next steps (from the host's one table); absent: Retry and Show Log. */
  actions?: ErrorAction[];
}

export type { ErrorAction };

// ---- host → webview -------------------------------------------------------------------------

export type HostToWebview =
  /** Full replay: sent after `ready` and whenever the conversation changes shape. */
  | { type: "transcript"; conversationId: string; turns: Turn[]; generating: boolean }
  | { type: "chunk"; requestId: string; text: string }
  | { type: "done"; requestId: string; turn: Turn }
  | { type: "header"; header: HeaderInfo }
  | { type: "history"; items: ConversationSummary[]; currentId: string }
  | { type: "attachment"; attachment: Attachment }
  /** The answer to `listOpenFiles`, most recently active first. */
  | { type: "openFiles"; query: string; items: OpenFileItem[] }
  | { type: "notice"; level: "info" | "error"; message: string; actions: ErrorAction[] }
  /** A send failed before the model saw it: put the text back into the input. */
  | { type: "restoreInput"; text: string; attachments: Attachment[] }
  /** The last draft the host saw, replayed to a view rebuilt after a window reload. */
  | { type: "draft"; text: string; attachments: Attachment[] }
  | { type: "focusInput" };

// ---- webview → host -------------------------------------------------------------------------

export type CodeActionKind = "copy" | "insert" | "replace" | "newFile";

export type WebviewToHost =
  | { type: "ready"; version: number }
  | { type: "send"; text: string; attachments: Attachment[] }
  | { type: "stop" }
  | { type: "regenerate" }
  | { type: "editLast"; text: string }
  | { type: "newChat" }
  | { type: "openConversation"; id: string }
  | { type: "renameConversation"; id: string; title: string }
  | { type: "deleteConversation"; id: string }
  | { type: "attach"; what: "selection" | "file" }
  /** The user typed `@query`: which open files match. */
  | { type: "listOpenFiles"; query: string }
  | { type: "codeAction"; action: CodeActionKind; code: string; languageId: string }
  | { type: "openLink"; href: string }
  /** A `path:line` reference in an answer: open that workspace file at that line. */
  | { type: "openFile"; path: string; line: number }
  | { type: "action"; action: ErrorAction }
  /** The unsent input, mirrored to the host so a window reload cannot lose it. */
  | { type: "draft"; text: string; attachments: Attachment[] };

export type ParseResult = { ok: true; message: WebviewToHost } | { ok: false; reason: string };

type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads an own property only: an inherited `__proto__`/`constructor` never counts as a field. */
function own(o: Rec, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

class Invalid extends Error {}

function str(o: Rec, key: string, max: number, { allowEmpty = true } = {}): string {
  const v = own(o, key);
  if (typeof v !== "string") throw new Invalid(`${key} must be a string`);
  if (v.length > max) throw new Invalid(`${key} longer than ${max} characters`);
  if (!allowEmpty && v.length === 0) throw new Invalid(`${key} is empty`);
  return v;
}

function int(o: Rec, key: string, min: number, max: number): number {
  const v = own(o, key);
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new Invalid(`${key} must be an integer in ${min}..${max}`);
  return v;
}

function oneOf<T extends string>(o: Rec, key: string, values: readonly T[]): T {
  const v = own(o, key);
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) throw new Invalid(`${key} must be one of ${values.join(", ")}`);
  return v as T;
}

export function parseAttachment(v: unknown): Attachment {
  if (!isRecord(v)) throw new Invalid("attachment must be an object");
  const startLine = int(v, "startLine", 1, 10_000_000);
  const endLine = int(v, "endLine", startLine, 10_000_000);
  const a: Attachment = {
    fileName: str(v, "fileName", LIMITS.fileNameChars),
    languageId: str(v, "languageId", LIMITS.languageIdChars),
    startLine,
    endLine,
    code: str(v, "code", LIMITS.codeChars),
  };
  if (own(v, "mention") !== undefined) a.mention = str(v, "mention", LIMITS.urlChars, { allowEmpty: false });
  return a;
}

function attachments(o: Rec): Attachment[] {
  const v = own(o, "attachments");
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Invalid("attachments must be an array");
  if (v.length > LIMITS.attachments) throw new Invalid(`more than ${LIMITS.attachments} attachments`);
  return v.map(parseAttachment);
}

const CODE_ACTIONS = ["copy", "insert", "replace", "newFile"] as const;

/** Validates one message from the webview. Never throws. */
export function parseWebviewMessage(raw: unknown): ParseResult {
  try {
    if (!isRecord(raw)) throw new Invalid("not an object");
    const type = own(raw, "type");
    switch (type) {
      case "ready":
        return ok({ type, version: int(raw, "version", 0, 1_000) });
      case "send": {
        const text = str(raw, "text", LIMITS.textChars);
        const att = attachments(raw);
        if (text.trim() === "" && att.length === 0) throw new Invalid("empty message");
        return ok({ type, text, attachments: att });
      }
      case "stop":
      case "regenerate":
      case "newChat":
        return ok({ type });
      case "editLast":
        return ok({ type, text: str(raw, "text", LIMITS.textChars, { allowEmpty: false }) });
      case "openConversation":
      case "deleteConversation":
        return ok({ type, id: str(raw, "id", LIMITS.idChars, { allowEmpty: false }) });
      case "renameConversation":
        return ok({
          type,
          id: str(raw, "id", LIMITS.idChars, { allowEmpty: false }),
          title: str(raw, "title", LIMITS.titleChars, { allowEmpty: false }),
        });
      case "attach":
        return ok({ type, what: oneOf(raw, "what", ["selection", "file"] as const) });
      case "listOpenFiles":
        return ok({ type, query: str(raw, "query", LIMITS.mentionQueryChars) });
      case "codeAction":
        return ok({
          type,
          action: oneOf(raw, "action", CODE_ACTIONS),
          code: str(raw, "code", LIMITS.codeChars),
          languageId: str(raw, "languageId", LIMITS.languageIdChars),
        });
      case "openLink":
        return ok({ type, href: str(raw, "href", LIMITS.urlChars, { allowEmpty: false }) });
      case "openFile":
        return ok({ type, path: str(raw, "path", LIMITS.fileNameChars, { allowEmpty: false }), line: int(raw, "line", 1, 10_000_000) });
      case "action":
        return ok({ type, action: oneOf(raw, "action", ERROR_ACTIONS) });
      case "draft":
        return ok({ type, text: str(raw, "text", LIMITS.textChars), attachments: attachments(raw) });
      default:
        throw new Invalid(`unknown type ${JSON.stringify(typeof type === "string" ? type.slice(0, 40) : typeof type)}`);
    }
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    return { ok: false, reason: "malformed" };
  }
}

function ok(message: WebviewToHost): ParseResult {
  return { ok: true, message };
}

/** Schemes a link from model output may open (after the user sees the URL). Everything else,
 *  `javascript:`, `command:`, `vscode:`, `file:`, `data:` included, stays inert. */
export const SAFE_LINK_SCHEMES = ["http:", "https:", "mailto:"] as const;

/** The link as an absolute URL when its scheme is allowed, otherwise undefined. */
export function safeLinkTarget(href: string): string | undefined {
  if (href.length > LIMITS.urlChars) return undefined;
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return undefined;
  }
  if (!(SAFE_LINK_SCHEMES as readonly string[]).includes(url.protocol)) return undefined;
  if (url.protocol !== "mailto:" && url.username + url.password !== "") return undefined;
  return url.href;
}
