// The context keys package.json's `when` and `enablement` clauses read, each with its one owner.
// An owner claims its key once (`ContextKeyOwner`); a second claim throws, so two modules can never
// set one key (test/unit/contextKeys.test.ts checks the table against package.json and that no
// other file calls setContext).
import * as vscode from "vscode";

export const ContextKeys = {
  /** The Mixtral view's own answer is running: its Stop button and Escape. Owner: ChatController. */
  chatGenerating: "mixtral.generating",
  /** No model file for the current settings. Owner: EngineHost. */
  noModel: "mixtral.noModel",
  /** The active editor shows an edit proposal. Owner: InlineProposals. */
  proposalPending: "mixtral.proposalPending",
  /** A GPU pack fits this machine and is not installed. Owner: GpuAcceleration. */
  gpuPackOffered: "mixtral.gpuPackOffered",
  /** A GPU pack or a local GPU build is installed. Owner: GpuAcceleration. */
  gpuPackInstalled: "mixtral.gpuPackInstalled",
  /** A next-edit suggestion is shown: Tab jumps/accepts, Escape dismisses. Owner: NextEditView. */
  nextEditVisible: "mixtral.nextEditVisible",
} as const;

export type ContextKey = (typeof ContextKeys)[keyof typeof ContextKeys];

/** Each claimed key and the value its owner last set (undefined: not set yet). */
const claimed = new Map<ContextKey, boolean | undefined>();

/** The one writer of a context key, for as long as it is not disposed. */
export class ContextKeyOwner implements vscode.Disposable {
  constructor(readonly key: ContextKey) {
    if (claimed.has(key)) throw new Error(`The context key ${key} already has an owner`);
    claimed.set(key, undefined);
  }

  set(value: boolean): void {
    if (claimed.get(this.key) === value) return;
    claimed.set(this.key, value);
    void vscode.commands.executeCommand("setContext", this.key, value);
  }

  dispose(): void {
    claimed.delete(this.key);
  }
}

/** What each owned key was last set to (read by the extension-host tests). */
export function contextKeyValues(): Partial<Record<ContextKey, boolean>> {
  return Object.fromEntries([...claimed].filter(([, v]) => v !== undefined));
}
