// Which open files an `@` query offers, in what order. Pure: the adapter in src/vscode/chat
// gathers the tabs and their activation order; this decides filtering and ranking.
import { LIMITS, type OpenFileItem } from "../../shared/protocol";

export interface OpenFileCandidate {
  /** The document's URI as a string: unique per file, the handle the webview echoes back. */
  id: string;
  /** Workspace-relative path (or the file name when it lies outside the workspace). */
  path: string;
  languageId: string;
  /** 0 when unknown. */
  lineCount: number;
  /** Size on disk, when known. */
  sizeBytes?: number;
  /** Higher = activated more recently; 0 = never seen active in this session. */
  lastActive: number;
}

/** Splits a workspace-relative path (either separator) into file name and folder. */
export function splitPath(p: string): { name: string; folder: string } {
  const i = Math.max(p.lastIndexOf("/"), p.lastIndexOf("\\"));
  return i < 0 ? { name: p, folder: "" } : { name: p.slice(i + 1), folder: p.slice(0, i) };
}

/**
 * Open files matching `query` (case-insensitive substring of the name or the path). Files whose
 * name matches come before those matched only through their folder, a name starting with the
 * query before one merely containing it; within a tier, most recently active first (ties keep
 * tab order). A file open in several tab groups is listed once.
 */
export function rankOpenFiles(candidates: readonly OpenFileCandidate[], query: string, limit: number = LIMITS.openFiles): OpenFileItem[] {
  const q = query.trim().toLowerCase();
  const seen = new Map<string, { c: OpenFileCandidate; index: number }>();
  candidates.forEach((c, index) => {
    const prev = seen.get(c.id);
    if (!prev || c.lastActive > prev.c.lastActive) seen.set(c.id, { c, index: prev?.index ?? index });
  });
  const scored: { item: OpenFileItem; tier: number; lastActive: number; index: number }[] = [];
  for (const { c, index } of seen.values()) {
    const { name, folder } = splitPath(c.path);
    const lname = name.toLowerCase();
    let tier: number;
    if (q === "" || lname.startsWith(q)) tier = 0;
    else if (lname.includes(q)) tier = 1;
    else if (c.path.toLowerCase().includes(q)) tier = 2;
    else continue;
    scored.push({
      item: {
        id: c.id,
        name,
        description: folder,
        path: c.path,
        languageId: c.languageId,
        lineCount: c.lineCount,
        ...(c.sizeBytes === undefined ? {} : { sizeBytes: c.sizeBytes }),
      },
      tier,
      lastActive: c.lastActive,
      index,
    });
  }
  scored.sort((a, b) => a.tier - b.tier || b.lastActive - a.lastActive || a.index - b.index);
  return scored.slice(0, Math.max(0, limit)).map((s) => s.item);
}

/** Lines in a file's bytes as an attach-file chip counts them (as VS Code splits lines: LF, CRLF
 *  or a lone CR; a final empty line is not counted; an empty file is one line). */
export function countLines(bytes: Uint8Array): number {
  let n = 1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) n++;
  }
  const last = bytes[bytes.length - 1];
  return n > 1 && (last === 0x0a || last === 0x0d) ? n - 1 : n;
}
