// The next steps an error can offer, by id, with the words on their buttons. Shared by the host
// (notifications, the chat's notices) and the chat webview, which shows every action it is sent.
// Which error offers which actions is one table in src/vscode/describeError.ts; which command
// each runs is in the same file.
export const ERROR_ACTION_TITLES = {
  selectModel: "Select Model…",
  loadAnyway: "Load Anyway",
  setRemoteApiKey: "Set Remote API Key…",
  restartEngine: "Restart Engine",
  installGpuPackFromFile: "Install from File…",
  openSettings: "Settings",
  doctor: "Doctor",
  showLog: "Show Log",
  /** Chat only: load the backend again (the header's button after a failed load). */
  retry: "Retry",
} as const;

export type ErrorAction = keyof typeof ERROR_ACTION_TITLES;
export const ERROR_ACTIONS = Object.keys(ERROR_ACTION_TITLES) as ErrorAction[];
