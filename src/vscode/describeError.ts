// Typed errors in core, words in the adapters: one message with the next steps for any error.
// The one table of which error offers which actions (by the code set where it was raised), and
// of which command each action runs; notifications and the chat both read it.
import * as vscode from "vscode";
import { MixtralError, type ErrorCode } from "../core/errors";
import { ERROR_ACTION_TITLES, type ErrorAction } from "../shared/errorActions";
import { CommandIds } from "./commandIds";

export interface ErrorDescription {
  message: string;
  code: ErrorCode;
  /** In order of usefulness; every one is shown (chat notice buttons, notification buttons). */
  actions: ErrorAction[];
}

export const ACTIONS_BY_CODE: Readonly<Record<ErrorCode, readonly ErrorAction[]>> = {
  modelNotInstalled: ["selectModel"],
  invalidModelFile: ["selectModel", "showLog"],
  insufficientMemory: ["selectModel", "loadAnyway", "doctor"],
  download: ["selectModel", "showLog"],
  downloadAuth: ["selectModel", "showLog"],
  invalidOptions: ["openSettings"],
  promptTemplate: ["openSettings"],
  contextFull: ["openSettings"],
  engineCrashed: ["showLog", "doctor"],
  engineStopped: ["restartEngine", "showLog", "doctor"],
  engineUnavailable: ["showLog", "doctor"],
  remote: ["openSettings", "doctor", "showLog"],
  remoteAuth: ["setRemoteApiKey", "showLog"],
  // A pack that cannot be downloaded (offline) can come from a file made on another machine.
  gpuPack: ["installGpuPackFromFile", "showLog", "doctor"],
  gpuBuild: ["showLog", "doctor"],
  aborted: [],
  internal: ["showLog"],
};

/** The command behind each action ("retry" is the chat's own: it loads the backend again). */
export const ACTION_COMMANDS: Readonly<Record<Exclude<ErrorAction, "retry">, string>> = {
  selectModel: CommandIds.selectModel,
  loadAnyway: CommandIds.loadAnyway,
  setRemoteApiKey: CommandIds.setRemoteApiKey,
  restartEngine: CommandIds.restartEngine,
  installGpuPackFromFile: CommandIds.installGpuPackFromFile,
  openSettings: CommandIds.openSettings,
  doctor: CommandIds.doctor,
  showLog: CommandIds.showLog,
};

export function describeError(err: unknown): ErrorDescription {
  const base = err instanceof Error ? err.message : String(err);
  if (!(err instanceof MixtralError)) return { message: `Mixtral: ${base}`, code: "internal", actions: [...ACTIONS_BY_CODE.internal] };
  const message = `${base}${err.hint ? ` ${err.hint}` : ""}`;
  return { message, code: err.code, actions: [...ACTIONS_BY_CODE[err.code]] };
}

/** A notification with the error's actions as buttons; runs the one picked. */
export async function showErrorWithActions(
  show: (message: string, ...titles: string[]) => Thenable<string | undefined>,
  d: ErrorDescription,
): Promise<void> {
  const actions = d.actions.filter((a): a is Exclude<ErrorAction, "retry"> => a !== "retry");
  const picked = await show(d.message, ...actions.map((a) => ERROR_ACTION_TITLES[a]));
  const action = actions.find((a) => ERROR_ACTION_TITLES[a] === picked);
  if (action) await vscode.commands.executeCommand(ACTION_COMMANDS[action]);
}

/** The one way a failure becomes an error notification: the table's words (said to be Mixtral's)
 *  and its actions as buttons. */
export function notifyError(d: ErrorDescription): Promise<void> {
  const message = d.message.startsWith("Mixtral: ") ? d.message : `Mixtral: ${d.message}`;
  return showErrorWithActions((m, ...titles) => vscode.window.showErrorMessage(m, ...titles), { ...d, message });
}
