import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { normalizeSettings } from "../../../src/core/config/settings";
import { writeGguf, type GgufTensorSpec } from "../../../src/core/gguf/ggufWriter";
import { tinyMixtralGguf } from "../../../src/core/gguf/tinyMixtral";
import { buildDoctorReport, renderDoctorMarkdown } from "../../../src/core/models/doctorReport";
import { detectMachine } from "../../../src/core/models/machineInfo";
import { resolveModel } from "../../../src/core/models/resolveModel";
import { ensureTinyModel, repoRoot } from "../../helpers/tinyModel";

const settingsWith = (raw: Record<string, unknown>) =>
  normalizeSettings(
    (k) => raw[k],
    () => undefined,
  );

describe("models/doctor", function () {
  this.timeout(60_000);
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "mixtral-doctor-"));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  it("checks a real model file: format, experts, layout, quantization", async () => {
    const machine = await detectMachine({ probeGpu: false });
    assert.ok(machine.totalRamBytes > 0 && machine.logicalCores > 0);
    const report = await buildDoctorReport({
      machine,
      settings: settingsWith({ modelPath: await ensureTinyModel() }),
      modelsDirectory: tmp,
      checkHash: true,
    });
    assert.equal(report.modelFile.ok, true);
    assert.match(report.modelFile.findings.join("\n"), /experts: 8, 2 per token; layout: merged/);
    assert.match(report.modelFile.sha256 ?? "", /^[0-9a-f]{64}$/);
    assert.equal(report.fits.length, 9);
    const md = renderDoctorMarkdown(report);
    for (const heading of ["## Backend", "## Machine", "## Model file", "## What fits", "## Speed", "## Settings in effect"])
      assert.ok(md.includes(heading), heading);
  });

  it("offers the in-place upgrade for an old-layout file", async () => {
    const { metadata, tensors } = tinyMixtralGguf({ seed: 3 });
    const old: GgufTensorSpec[] = tensors.flatMap((t) => {
      const m = /^blk\.(\d+)\.ffn_(gate|up|down)_exps\.weight$/.exec(t.name);
      if (!m) return [t];
      const [a, b, x] = t.dims;
      return Array.from({ length: x }, (_, e) => ({
        ...t,
        name: `blk.${m[1]}.ffn_${m[2]}.${e}.weight`,
        dims: [a, b],
        data: (t.data as Float32Array).subarray(e * a * b, (e + 1) * a * b),
      }));
    });
    const file = path.join(tmp, "old.gguf");
    await writeGguf(file, { metadata, tensors: old });
    const machine = await detectMachine({ probeGpu: false });
    const report = await buildDoctorReport({ machine, settings: settingsWith({ modelPath: file }), modelsDirectory: tmp });
    assert.equal(report.modelFile.ok, false);
    assert.equal(report.modelFile.upgradeAvailable, true);
  });

  it("resolves a level to its download path and says it is not installed", async () => {
    const big = { totalRamBytes: 128 * 1024 ** 3, cpuHasAvx2: true };
    const r = await resolveModel(settingsWith({ quantization: "auto" }), tmp, big);
    assert.equal(r.level, "Q8_0");
    assert.equal(r.path, path.join(tmp, "Mixtral-8x7B-Instruct-v0.1.Q8_0.gguf"));
    assert.equal(r.installed, false);
    assert.match(r.url ?? "", /^https:\/\/huggingface\.co\/mradermacher\//);
  });

  it("`mixtral-local doctor --json` reports on a real model file", async () => {
    const cli = path.join(repoRoot(), "out", "src", "cli", "main.js");
    const model = await ensureTinyModel();
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [cli, "doctor", "--json", "--no-bandwidth", "--model", model, "--context-size", "4096"], (err, out) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: out }),
      );
    });
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { modelFile: { ok: boolean; path: string }; settings: { contextSize: number }; fits: unknown[] };
    assert.equal(report.modelFile.ok, true);
    assert.equal(report.modelFile.path, model);
    assert.equal(report.settings.contextSize, 4096);
    assert.equal(report.fits.length, 9);
  });
});
