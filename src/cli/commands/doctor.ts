// `mixtral-local doctor [--json] [--model PATH] [--models-dir DIR] [--data-dir DIR] [--quantization LEVEL]
//   [--context-size N] [--gpu-layers auto|max|N] [--experts N] [--source SRC] [--hash] [--no-bandwidth]`
// The same report as "Mixtral: Doctor", from the command line (no VS Code settings here: the
// options stand in for them; unset ones take the settings' defaults). Models are looked for where
// the extension downloads them (its global storage, found as the CLI's gpu-pack finds it).
import * as path from "node:path";
import { parseArgs } from "node:util";
import { defaultModelsDirectory, resolveExtensionDataDir } from "../../core/config/extensionDataDir";
import { normalizeSettings } from "../../core/config/settings";
import { planningMachine, readGpuEvidence } from "../../core/gpu/gpuUsability";
import { gpuPacksRoot } from "../../core/gpu/packLayout";
import { gpuPackStatus, gpuVendorOf, renderGpuPackMarkdown } from "../../core/gpu/packStatus";
import { buildDoctorReport, renderDoctorMarkdown } from "../../core/models/doctorReport";
import { detectMachine, measureCopyBandwidth } from "../../core/models/machineInfo";
import { bundledNodeLlamaCppDir } from "./gpuBuild";
import { cliGpuPackManifest } from "./gpuPack";

const USAGE =
  "usage: mixtral-local doctor [--json] [--model PATH] [--models-dir DIR] [--data-dir DIR] [--quantization LEVEL] [--context-size N] [--gpu-layers auto|max|N] [--experts N] [--source SRC] [--hash] [--no-bandwidth]\n";

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        json: { type: "boolean" },
        hash: { type: "boolean" },
        "no-bandwidth": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        model: { type: "string" },
        "models-dir": { type: "string" },
        "data-dir": { type: "string" },
        quantization: { type: "string" },
        "context-size": { type: "string" },
        "gpu-layers": { type: "string" },
        experts: { type: "string" },
        source: { type: "string" },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`mixtral-local doctor: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const raw: Record<string, unknown> = {
    modelPath: values.model && path.resolve(values.model),
    quantization: values.quantization,
    contextSize: values["context-size"] && Number(values["context-size"]),
    gpuLayers:
      values["gpu-layers"] === "auto" || values["gpu-layers"] === "max"
        ? values["gpu-layers"]
        : values["gpu-layers"] && Number(values["gpu-layers"]),
    expertsPerToken: values.experts && Number(values.experts),
    modelSource: values.source,
  };
  const data = resolveExtensionDataDir({ dataDir: values["data-dir"] });
  // --models-dir, else $MIXTRAL_MODELS_DIR, else the extension's default (mixtral.modelsDirectory unset).
  const modelsDir = values["models-dir"]
    ? path.resolve(values["models-dir"])
    : process.env.MIXTRAL_MODELS_DIR || defaultModelsDirectory(data.dir);
  const warnings: string[] = [];
  const settings = normalizeSettings(
    (key) => raw[key],
    (m) => warnings.push(m.replace(/^mixtral\./, "--")),
  );
  const card = await detectMachine();
  if (!values["no-bandwidth"]) card.ramBandwidthBytesPerSec = measureCopyBandwidth();
  // What fits is planned for the backend that will load: the card's VRAM only when GPU binaries
  // that passed (or have not yet failed) the engine's decode test are here.
  const manifest = await cliGpuPackManifest();
  const packsRoot = manifest ? gpuPacksRoot(data.dir, manifest.nodeLlamaCppVersion) : undefined;
  const machine = planningMachine(card, {
    ...readGpuEvidence(packsRoot, path.join(bundledNodeLlamaCppDir(), "..", "@node-llama-cpp")),
    backendSetting: settings.backend,
  });
  const report = await buildDoctorReport({ machine, settings, modelsDirectory: modelsDir, checkHash: !!values.hash });
  const gpuPacks = await gpuPackStatus(data.dir, manifest, gpuVendorOf(card.gpu));
  if (values.json)
    process.stdout.write(
      `${JSON.stringify({ ...report, dataDir: { dir: data.dir, source: data.source, exists: data.exists }, gpuPacks, warnings }, null, 2)}\n`,
    );
  else {
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(
      `${renderDoctorMarkdown(report)}${renderGpuPackMarkdown(gpuPacks, "install one with `mixtral-local gpu-pack install`")}- Data folder: ${data.dir} (${data.source}${data.exists ? "" : ", not created yet"}; --data-dir overrides)\n`,
    );
  }
  // Exit 1 when the configured model cannot be used as it is, so scripts can check.
  return report.modelFile.ok || (!report.modelFile.exists && report.modelFile.source === "download") ? 0 : 1;
}
