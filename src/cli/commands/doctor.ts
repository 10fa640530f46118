// `mixtral-local doctor [--json] [--model PATH] [--models-dir DIR] [--quantization LEVEL]
//   [--context-size N] [--gpu-layers auto|max|N] [--experts N] [--source SRC] [--hash] [--no-bandwidth]`
// The same report as "Mixtral: Doctor", from the command line (no VS Code settings here: the
// options stand in for them; unset ones take the settings' defaults).
import * as os from "node:os";
import * as path from "node:path";
import { normalizeSettings } from "../../core/config/settings";
import { buildDoctorReport, renderDoctorMarkdown } from "../../core/models/doctorReport";
import { detectMachine, measureCopyBandwidth } from "../../core/models/machineInfo";

const USAGE = "usage: mixtral-local doctor [--json] [--model PATH] [--models-dir DIR] [--quantization LEVEL] [--context-size N] [--gpu-layers auto|max|N] [--experts N] [--source SRC] [--hash] [--no-bandwidth]\n";

/** Where the CLI looks for downloaded models when --models-dir is not given. */
export function defaultCliModelsDirectory(): string {
  return process.env.MIXTRAL_MODELS_DIR || path.join(os.homedir(), ".cache", "mixtral-local", "models");
}

export async function run(args: string[]): Promise<number> {
  const raw: Record<string, unknown> = {};
  let json = false, hash = false, bandwidth = true;
  let modelsDir = defaultCliModelsDirectory();
  const valueOptions: Record<string, (v: string) => void> = {
    "--model": (v) => (raw.modelPath = path.resolve(v)),
    "--models-dir": (v) => (modelsDir = path.resolve(v)),
    "--quantization": (v) => (raw.quantization = v),
    "--context-size": (v) => (raw.contextSize = Number(v)),
    "--gpu-layers": (v) => (raw.gpuLayers = v === "auto" || v === "max" ? v : Number(v)),
    "--experts": (v) => (raw.expertsPerToken = Number(v)),
    "--source": (v) => (raw.modelSource = v),
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--json") json = true;
    else if (a === "--hash") hash = true;
    else if (a === "--no-bandwidth") bandwidth = false;
    else if (a === "--help" || a === "-h") { process.stdout.write(USAGE); return 0; }
    else if (valueOptions[a] && i + 1 < args.length) valueOptions[a](args[++i]);
    else { process.stderr.write(`mixtral-local doctor: unknown or incomplete option ${a}\n${USAGE}`); return 2; }
  }
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
