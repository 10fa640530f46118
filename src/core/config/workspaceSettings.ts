// The `mixtral.workspace.*` settings (workspace knowledge: the index, @workspace, the instruction
// files), read through normalizeSettings like every other setting and clamped with one warning.

export interface WorkspaceSettings {
  /** `mixtral.workspace.enabled`: off = no index, no worker, no @workspace, no tools' results. Default true. */
  enabled: boolean;
  /** `mixtral.workspace.maxFiles`: files indexed at most. Default 50,000. */
  maxFiles: number;
  /** `mixtral.workspace.maxFileSize`: larger files are skipped, in KB. Default 1,024 (1 MiB). */
  maxFileSizeKb: number;
  /** `mixtral.workspace.instructions`: AGENTS.md and .github/copilot-instructions.md go into prompts. Default true. */
  instructions: boolean;
  /** `mixtral.workspace.autoContext`: a chat question that names symbols the index defines gets
   *  their definitions without `@workspace`. Default true. */
  autoContext: boolean;
  /** `mixtral.workspace.contextTokens`: the budget for retrieved code in one chat message or command. Default 2,000. */
  contextTokens: number;
}

export const DEFAULT_WORKSPACE_SETTINGS: WorkspaceSettings = {
  enabled: true,
  maxFiles: 50_000,
  maxFileSizeKb: 1024,
  instructions: true,
  autoContext: true,
  contextTokens: 2000,
};

type Raw = (key: string) => unknown;
type Warn = (message: string) => void;

function bool(raw: Raw, key: string, fallback: boolean, warn: Warn): boolean {
  const v = raw(`workspace.${key}`);
  if (typeof v === "boolean") return v;
  if (v !== undefined) warn(`mixtral.workspace.${key}: ${JSON.stringify(v)} is not true or false; using ${fallback}.`);
  return fallback;
}

function int(raw: Raw, key: string, min: number, max: number, fallback: number, warn: Warn): number {
  const v = raw(`workspace.${key}`);
  if (typeof v !== "number" || !Number.isFinite(v)) {
    if (v !== undefined) warn(`mixtral.workspace.${key}: ${JSON.stringify(v)} is not a number; using ${fallback}.`);
    return fallback;
  }
  const r = Math.round(v);
  const c = Math.min(max, Math.max(min, r));
  if (c !== r) warn(`mixtral.workspace.${key}: ${v} is outside ${min}–${max}; using ${c}.`);
  return c;
}

export function normalizeWorkspaceSettings(raw: Raw, warn: Warn): WorkspaceSettings {
  const d = DEFAULT_WORKSPACE_SETTINGS;
  return {
    enabled: bool(raw, "enabled", d.enabled, warn),
    maxFiles: int(raw, "maxFiles", 100, 2_000_000, d.maxFiles, warn),
    maxFileSizeKb: int(raw, "maxFileSize", 1, 100 * 1024, d.maxFileSizeKb, warn),
    instructions: bool(raw, "instructions", d.instructions, warn),
    autoContext: bool(raw, "autoContext", d.autoContext, warn),
    contextTokens: int(raw, "contextTokens", 0, 16_000, d.contextTokens, warn),
  };
}
