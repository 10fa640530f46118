// `mixtral.doctor`: builds the core doctor report with what the engine last reported, opens it
// as a Markdown preview and writes it to the log.
import * as vscode from "vscode";
import { renderGpuPackMarkdown } from "../../core/gpu/packStatus";
import { buildDoctorReport, renderDoctorMarkdown } from "../../core/models/doctorReport";
import { measureCopyBandwidth } from "../../core/models/machineInfo";
import { checkRemoteHealth, type RemoteHealth } from "../../core/remote/health";
import { getApiKey } from "../remote/apiKeys";
import type { GpuAcceleration } from "../gpu/GpuAcceleration";
import type { Services } from "../services";
import type { ModelManager } from "./ModelManager";

export async function runDoctor(services: Services, models: ModelManager, gpu: GpuAcceleration): Promise<void> {
  const markdown = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: "Mixtral: checking this machine…" },
    async () => {
      // What fits is planned for the backend that will load (RAM only when no GPU binary can).
      const machine = await models.fitMachineInfo();
      // 64 MiB keeps the extension host's memory spike small; larger than any CPU cache.
      machine.ramBandwidthBytesPerSec = measureCopyBandwidth(64 * 1024 * 1024, 3);
      const status = services.engine.status();
      const info = status.info;
      const report = await buildDoctorReport({
        machine,
        settings: services.config.settings,
        modelsDirectory: models.modelsDirectory,
        engine: info
          ? {
              backend: info.backend,
              gpuName: info.gpuName,
              vramTotalBytes: info.vramTotalBytes,
              notices: info.notices,
              quantization: info.quantization,
              gpuLayers: info.gpuLayers,
            }
          : undefined,
        lastTokensPerSecond: status.tokensPerSecond,
      });
      if (report.modelFile.upgradeAvailable) {
        void vscode.window
          .showWarningMessage("The configured model uses the old per-expert layout.", "Upgrade in Place")
          .then(async (c) => {
            if (c) await models.offerUpgrade(report.modelFile.path);
          });
      }
      const settings = services.config.settings;
      const remote =
        settings.engine !== "local"
          ? await checkRemoteHealth(settings, await getApiKey(services.context.secrets, settings.remoteUrl))
          : undefined;
      const packs = renderGpuPackMarkdown(await gpu.refresh(), "run **Mixtral: Enable GPU Acceleration…**");
      return renderDoctorMarkdown(report) + packs + (remote ? remoteSection(remote) : "");
    },
  );
  services.log.info(`[doctor]\n${markdown}`);
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: markdown });
  await vscode.commands.executeCommand("markdown.showPreview", doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
}

/** The remote engine's health: reachability, model, latency (never the key, only whether one was sent). */
export function remoteSection(h: RemoteHealth): string {
  const rows = [
    `| Engine | ${h.engine} at ${h.url} |`,
    `| Reachable | ${h.ok ? "yes" : `**no**: ${h.error ?? "unknown error"}${h.hint ? ` ${h.hint}` : ""}`} |`,
    h.serverKind ? `| Server | ${h.serverKind} |` : "",
    h.model ? `| Model | ${h.model} |` : "",
    h.infoLatencyMs !== undefined ? `| Info request | ${h.infoLatencyMs.toFixed(0)} ms |` : "",
    h.generateLatencyMs !== undefined ? `| One-token request | ${h.generateLatencyMs.toFixed(0)} ms |` : "",
    `| API key sent | ${h.keySent ? "yes (from secret storage)" : "no"} |`,
  ].filter(Boolean);
  return `\n\n## Remote engine\n\n| | |\n|---|---|\n${rows.join("\n")}\n`;
}
