// The one table of command ids: package.json's contributes.commands mirrors it, and no other
// source file spells one out (test/unit/commandIds.test.ts checks both).
export const CommandIds = {
  explainSelection: "mixtral.explainSelection",
  refactorSelection: "mixtral.refactorSelection",
  writeTests: "mixtral.writeTests",
  fixProblems: "mixtral.fixProblems",
  addDocumentation: "mixtral.addDocumentation",
  askAboutSelection: "mixtral.askAboutSelection",
  newChat: "mixtral.newChat",
  stopGenerating: "mixtral.stopGenerating",
  selectModel: "mixtral.selectModel",
  toggleInlineCompletions: "mixtral.toggleInlineCompletions",
  showLastPrompt: "mixtral.showLastPrompt",
  doctor: "mixtral.doctor",
  showLog: "mixtral.showLog",
  restartEngine: "mixtral.restartEngine",
  enableGpuAcceleration: "mixtral.enableGpuAcceleration",
  installGpuPackFromFile: "mixtral.installGpuPackFromFile",
  removeGpuPacks: "mixtral.removeGpuPacks",
  buildGpuSupport: "mixtral.buildGpuSupport",
  openSettings: "mixtral.openSettings",
  loadAnyway: "mixtral.loadAnyway",
  resumeDownload: "mixtral.resumeDownload",
  discardDownload: "mixtral.discardDownload",
  setRemoteApiKey: "mixtral.setRemoteApiKey",
  clearRemoteApiKey: "mixtral.clearRemoteApiKey",
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
