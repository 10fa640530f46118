// `mixtral.buildGpuSupport` ("Mixtral: Build GPU Support for This Machine"): node-llama-cpp's CUDA
// source build for this card, with progress and cancel in a notification and every line in the
// log. The toolchain check, the build and the install are core's (src/core/gpu/gpuBuild*.ts), the
// same the CLI's `mixtral-local gpu-build` runs.
import * as path from "node:path";
import * as vscode from "vscode";
import { GpuBuildError, MixtralError } from "../../core/errors";
import { detectGpuBuildToolchain, gpuBuildSteps } from "../../core/gpu/gpuBuild";
import { runGpuBuild } from "../../core/gpu/gpuBuildRunner";
import { fetchLlamaSource } from "../../core/gpu/llamaSource";
import { loadGpuPackManifest } from "../../core/gpu/packManifest";
import { abortSignalFrom } from "../cancellation";
import { describeError, notifyError } from "../describeError";

export interface BuildGpuSupportDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  /** mixtral.gpu.packMirror: where the llama.cpp source is downloaded from when the VSIX lacks it. */
  mirror(): string;
  /** Called after a build is installed: the engine restarts to load it. */
  onBuilt(): void;
}

export async function buildGpuSupport(deps: BuildGpuSupportDeps): Promise<void> {
  const { context, log } = deps;
  // The extension host runs in Electron: the build runs with the `node` on the PATH.
  const manifest = await loadGpuPackManifest(context.asAbsolutePath("dist"));
  const { toolchain: t, missing } = await detectGpuBuildToolchain({
    nodeLlamaCppDir: context.asAbsolutePath(path.join("node_modules", "node-llama-cpp")),
    sourceDownloadable: !!manifest?.source,
  });
  log.info(
    `[gpu-build] GPU ${t.gpuName ?? "none found"}, sm_${t.cudaArchitectures ?? "?"}; nvcc ${t.nvcc ?? "missing"} (CUDA ${t.cudaVersion ?? "?"}); cmake ${t.cmake ?? "missing"}; C++ ${t.compiler ?? "missing"}; Node ${t.node ?? "missing"}`,
  );
  if (missing.length > 0) {
    for (const m of missing) log.warn(`[gpu-build] missing: ${m}`);
    return notifyError(describeError(new GpuBuildError(`GPU support cannot be built here. Missing: ${missing.join("; ")}.`)));
  }
  const go = await vscode.window.showInformationMessage(
    `Build CUDA support for ${t.gpuName ?? "this GPU"} (sm_${t.cudaArchitectures}) with CUDA ${t.cudaVersion ?? ""}? It takes several minutes and uses every core; ${t.sourceOnDemand ? "llama.cpp's source (node-llama-cpp's npm tarball, about 40 MB, pinned sha512) is downloaded first." : "no network is needed."}`,
    { modal: true },
    "Build",
  );
  if (go !== "Build") return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Mixtral: building GPU support", cancellable: true },
    async (progress, token) => {
      const ac = abortSignalFrom(token);
      let reported = 0;
      try {
        if (t.sourceOnDemand) {
          progress.report({ message: "downloading llama.cpp's source" });
          const src = await fetchLlamaSource({
            dataDir: context.globalStorageUri.fsPath,
            manifest,
            mirror: deps.mirror() || undefined,
            signal: ac.signal,
            onProgress: (p) => progress.report({ message: `downloading llama.cpp's source: ${(p.bytes / 1e6).toFixed(0)} MB` }),
          });
          if (src.status === "cancelled") {
            void vscode.window.showInformationMessage("Mixtral: GPU build cancelled; the partial download is kept and resumes next time.");
            return;
          }
          log.info(`[gpu-build] llama.cpp source: ${src.file} (${src.downloaded ? "downloaded" : "kept from before"}, sha512 checked)`);
          t.sourceFile = src.file;
        }
        const r = await runGpuBuild({
          toolchain: t,
          steps: gpuBuildSteps(t),
          dataDir: context.globalStorageUri.fsPath,
          signal: ac.signal,
          onLine: (line) => log.info(`[gpu-build] ${line}`),
          onProgress: (fraction, message) => {
            const pct = fraction === undefined ? reported : Math.round(fraction * 100);
            progress.report({ message: `${pct} % · ${message}`, increment: Math.max(0, pct - reported) });
            reported = Math.max(reported, pct);
          },
        });
        if (r.status === "cancelled") {
          void vscode.window.showInformationMessage("Mixtral: GPU build cancelled; nothing was installed.");
          return;
        }
        log.info(`[gpu-build] installed ${r.dir}`);
        void vscode.window.showInformationMessage(
          "Mixtral: GPU support built for this machine. The engine restarts, tests it with a short decode, and uses it.",
        );
        deps.onBuilt();
      } catch (err) {
        if (!(err instanceof MixtralError)) throw err;
        log.error(`[gpu-build] ${err.message} ${err.hint ?? ""}`);
        await notifyError(describeError(err));
      } finally {
        ac.dispose();
      }
    },
  );
}
