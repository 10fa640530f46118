// Thin activate: builds the one composition root and returns. Nothing heavy here: the model
// loads on first use, with progress in the status bar.
import * as vscode from "vscode";
import { EXTENSION_ID } from "../core/config/extensionDataDir";
import { ChatViewProvider } from "./chat/ChatViewProvider";
import { CommandIds } from "./commandIds";
import { CodeCommands } from "./commands/CodeCommands";
import { Config } from "./Config";
import { contextKeyValues } from "./contextKeys";
import { InlineCompletionController } from "./completion/InlineCompletionController";
import { LM_VENDOR, MixtralChatModels, openVsCodeChat } from "./lm/MixtralChatModels";
import { EngineHost } from "./EngineHost";
import { PromptLog } from "./PromptLog";
import { showLastPrompt } from "./showLastPrompt";
import type { Services } from "./services";
import { GpuAcceleration } from "./gpu/GpuAcceleration";
import { Disposable } from "./lifecycle";
import { runDoctor } from "./models/doctorCommand";
import { ModelManager } from "./models/ModelManager";
import { NextEditController } from "./nextEdit/NextEditController";
import { pausedStatus } from "./models/PausedDownloads";
import { registerRemoteKeyCommands } from "./remote/apiKeyCommands";
import { StatusBar } from "./StatusBar";
import { testRecords, type ModelsTestState } from "./testRecords";
import { buildGpuSupport } from "./gpu/buildGpuSupportCommand";
import { WorkspaceKnowledge } from "./workspace/WorkspaceKnowledge";

class MixtralExtension extends Disposable {
  constructor(context: vscode.ExtensionContext) {
    super();
    const log = this._register(vscode.window.createOutputChannel("Mixtral Local", { log: true }));
    const config = this._register(new Config(log));
    const prompts = new PromptLog();
    const host = this._register(new EngineHost(context, log, config, prompts));
    // Starts its index a few seconds after activation, never during it.
    const workspace = this._register(new WorkspaceKnowledge(context, log, config));
    const services: Services = { context, log, config, engine: host, prompts, workspace };
    const statusBar = this._register(new StatusBar(services));
    const chat = this._register(new ChatViewProvider(services));
    this._register(
      vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat, { webviewOptions: { retainContextWhenHidden: false } }),
    );
    const commands = this._register(new CodeCommands(services, chat));
    this._register(new InlineCompletionController(services));
    this._register(new NextEditController(services, { proposalActive: (doc) => commands.proposalActive(doc) }));
    // Mixtral in VS Code's own chat and for other extensions (vscode.lm): the same engine.
    const chatModels = this._register(new MixtralChatModels(services));
    this._register(vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, chatModels));
    const models = this._register(new ModelManager(services));
    host.modelResolver = () => models.resolveModel();
    const gpu = this._register(new GpuAcceleration(services, () => models.machineInfo()));
    this._register(gpu.onDidChange(() => statusBar.setGpuOffer(gpu.offerLabel())));
    this._register(
      models.onDidChangeDownload((d) => {
        statusBar.setDownload(d);
        // The host decided "no model" before the file existed; a reset makes it look again.
        if (d.state === "done") host.resetBackend("model downloaded");
      }),
    );
    this._register(models.paused.onDidChange((p) => statusBar.setPaused(p && pausedStatus(p))));
    this._register(
      registerRemoteKeyCommands(
        context.secrets,
        () => config.settings,
        log,
        () => host.resetBackend("API key changed"),
      ),
    );
    const reg = (id: string, fn: () => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(CommandIds.showLog, () => log.show());
    reg(CommandIds.selectModel, () => models.selectModel());
    reg(CommandIds.doctor, () => runDoctor(services, models, gpu));
    reg(CommandIds.buildGpuSupport, () =>
      buildGpuSupport({
        context,
        log,
        mirror: () => services.config.settings.gpuPackMirror,
        onBuilt: () => host.resetBackend("GPU support was built"),
      }),
    );
    reg(CommandIds.loadAnyway, () => host.loadAnyway());
    reg(CommandIds.restartEngine, () => host.restartEngine());
    reg(CommandIds.newChat, () => chat.newChat());
    reg(CommandIds.stopGenerating, () => chat.stop());
    reg(CommandIds.openVsCodeChat, () => openVsCodeChat(log));
    reg(CommandIds.openSettings, () => vscode.commands.executeCommand("workbench.action.openSettings", `@ext:${EXTENSION_ID}`));
    reg(CommandIds.showLastPrompt, () => showLastPrompt(prompts, host));
    if (MIXTRAL_TEST_HOOKS && context.extensionMode === vscode.ExtensionMode.Test) {
      // Read-only views of state for the extension-host tests; not in the production bundle.
      reg("mixtral._test.lastPrompt", () => prompts.last);
      reg("mixtral._test.status", () => host.status());
      reg("mixtral._test.contextKeys", () => contextKeyValues());
      reg("mixtral._test.enginePid", () => host.enginePid);
      reg("mixtral._test.gpuPacks", () => ({ status: gpu.current, enginePid: host.enginePid, statusBarMenu: testRecords.statusBarMenu }));
      reg("mixtral._test.models", (): ModelsTestState => {
        const { pickItems, modelMessages, pickerCloses, lastPicked, statusBarMenu } = testRecords;
        return {
          pickItems,
          messages: [...modelMessages],
          downloads: models.runningDownloads,
          pickerCloses,
          lastPicked,
          statusBarText: statusBar.text,
          statusBarMenu,
          paused: models.paused.state,
        };
      });
    }
    log.info(
      `[extension] activated (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? "web" : "desktop"}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ""})`,
    );
  }
}

let root: MixtralExtension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  root = new MixtralExtension(context);
  context.subscriptions.push(root);
}

export function deactivate(): void {
  root?.dispose();
  root = undefined;
}
