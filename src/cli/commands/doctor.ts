// `mixtral-local doctor [--json] [--model PATH] [--models-dir DIR] [--quantization LEVEL]
//   [--context-size N] [--gpu-layers auto|max|N] [--experts N] [--source SRC] [--hash] [--no-bandwidth]`
// The same report as "Mixtral: Doctor", from the command line (no VS Code settings here: the
// options stand in for them; unset ones take the settings' defaults).
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { normalizeSettings } from "../../core/config/settings";
import { buildDoctorReport, renderDoctorMarkdown } from "../../core/models/doctorReport";
import { detectMachine, measureCopyBandwidth } from "../../core/models/machineInfo";

const USAGE = "usage: mixtral-local doctor [--json] [--model PATH] [--models-dir DIR] [--quantization LEVEL] [--context-size N] [--gpu-layers auto|max|N] [--experts N] [--source SRC] [--hash] [--no-bandwidth]\n";

/** Where the CLI looks for downloaded models when --models-dir is not given. */
export function defaultCliModelsDirectory(): string {
  return process.env.MIXTRAL_MODELS_DIR || path.join(os.homedir(), ".cache", "mixtral-local", "models");
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        json: { type: "boolean" },
        model: { type: "string" },
        "models-dir": { type: "string" },
        quantization: { type: "string" },
        "context-size": { type: "string" },
        "gpu-layers": { type: "string" },
        experts: { type: "string" },
        source: { type: "string" },
        hash: { type: "boolean" },
        "no-bandwidth": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    process.stderr.write(`mixtral-local doctor: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) { process.stdout.write(USAGE); return 0; }
  // The options stand in for the settings; normalizeSettings checks and clamps them as it does those.
  const gpuLayers = values["gpu-layers"];
  const raw: Record<string, unknown> = {
    modelPath: values.model && path.resolve(values.model),
    quantization: values.quantization,
    contextSize: values["context-size"] && Number(values["context-size"]),
    gpuLayers: gpuLayers === "auto" || gpuLayers === "max" ? gpuLayers : gpuLayers && Number(gpuLayers),
    expertsPerToken: values.experts && Number(values.experts),
    modelSource: values.source,
  };
  const json = !!values.json, hash = !!values.hash, bandwidth = !values["no-bandwidth"];
  const modelsDir = values["models-dir"] ? path.resolve(values["models-dir"]) : defaultCliModelsDirectory();
  const warnings: string[] = [];
  const settings = normalizeSettings((key) => raw[key], (m) => warnings.push(m.replace(/^mixtral\./, "--")));
  const machine = await detectMachine();
  if (bandwidth) machine.ramBandwidthBytesPerSec = measureCopyBandwidth();
  const report = await buildDoctorReport({ machine, settings, modelsDirectory: modelsDir, checkHash: hash });
  if (json) process.stdout.write(`${JSON.stringify({ ...report, warnings }, null, 2)}\n`);
  else {
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(renderDoctorMarkdown(report));
  }
  // Exit 1 when the configured model cannot be used as it is, so scripts can check.
  return report.modelFile.ok || (!report.modelFile.exists && report.modelFile.source === "download") ? 0 : 1;
}
