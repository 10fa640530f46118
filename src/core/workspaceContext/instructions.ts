// The workspace's instruction files (AGENTS.md, .github/copilot-instructions.md): which ones apply
// to a file, and the text they add to the system prompt within a token budget. Pure: the adapter
// (src/vscode/workspace/Instructions.ts) reads the files and decides whether they may be used
// (setting, workspace trust).
import { estimateTokens } from "../completion/snippets";

export const ROOT_INSTRUCTION_FILES = ["AGENTS.md", ".github/copilot-instructions.md"] as const;

/** One instruction file as read: its path relative to its root ("/"-separated) and its text. */
export interface InstructionFile {
  /** Shown in the prompt and in Show Last Prompt, e.g. "AGENTS.md" or "packages/api/AGENTS.md". */
  path: string;
  text: string;
}

export interface RenderedInstructions {
  /** The block appended to the system text; "" when nothing applies. */
  text: string;
  /** The files used, in the order they appear (Show Last Prompt lists them). */
  used: string[];
  /** Files cut to fit the budget. */
  shortened: string[];
}

const INTRO =
  "The workspace's maintainers give these instructions for working on this codebase; follow them unless the user says otherwise.";

/** The nested AGENTS.md candidates for a file, nearest first: for "a/b/c.ts", "a/b/AGENTS.md"
 *  then "a/AGENTS.md" (the root one is always read separately). */
export function nestedAgentsCandidates(relativeFile: string | undefined): string[] {
  if (!relativeFile) return [];
  const parts = relativeFile.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) return [];
  const out: string[] = [];
  for (let n = parts.length - 1; n >= 1; n--) out.push(`${parts.slice(0, n).join("/")}/AGENTS.md`);
  return out;
}

/** Cuts `text` to about `tokens` tokens at a line end, saying that it was cut. */
function shorten(text: string, tokens: number): string {
  const chars = Math.max(0, Math.floor(tokens * 3.5) - 40);
  const head = text.slice(0, chars);
  const cut = head.lastIndexOf("\n");
  return `${cut > 0 ? head.slice(0, cut) : head}\n[… the rest of this file was left out to fit the prompt …]`;
}

/**
 * The system-prompt block for these files, most specific first (the nearest AGENTS.md, then the
 * root AGENTS.md, then copilot-instructions), within `budgetTokens` (estimated): a file that does
 * not fit whole is shortened when at least 100 tokens are left, otherwise left out.
 */
export function renderInstructions(files: readonly InstructionFile[], budgetTokens: number): RenderedInstructions {
  const used: string[] = [];
  const shortened: string[] = [];
  const parts: string[] = [];
  let left = budgetTokens - estimateTokens(INTRO) - 2;
  for (const f of files) {
    const body = f.text.replace(/^\uFEFF/, "").trim();
    if (body === "") continue;
    const header = `Instructions from ${f.path}:`;
    const cost = estimateTokens(header) + estimateTokens(body) + 2;
    if (cost <= left) {
      parts.push(`${header}\n${body}`);
      left -= cost;
    } else if (left >= 100) {
      parts.push(`${header}\n${shorten(body, left - estimateTokens(header) - 2)}`);
      shortened.push(f.path);
      left = 0;
    } else continue;
    used.push(f.path);
  }
  if (parts.length === 0) return { text: "", used, shortened };
  return { text: `${INTRO}\n\n${parts.join("\n\n")}`, used, shortened };
}

/** The system text with the instructions after it (the base is the user's or the built-in one). */
export function systemWithInstructions(base: string, instructions: RenderedInstructions): string {
  return instructions.text ? `${base}\n\n${instructions.text}` : base;
}
