// The `mixtral-local` subcommands read their options one way (node:util parseArgs): both
// `--opt value` and `--opt=value`, and an unknown option is refused with the usage and exit 2.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureTinyModel, repoRoot } from "../helpers/tinyModel";

const cli = path.join(repoRoot(), "out", "src", "cli", "main.js");

function mixtralLocal(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("mixtral-local options", function () {
  this.timeout(60_000);

  for (const command of ["doctor", "fixture", "prompt", "gpu-pack list", "gpu-build", "gpu-check"]) {
    it(`${command}: an unknown option is refused with its usage and exit 2`, async () => {
      const r = await mixtralLocal(...command.split(" "), "--bogus");
      assert.equal(r.code, 2);
      const name = command.split(" ")[0];
      assert.match(r.stderr, new RegExp(`^mixtral-local ${name}: Unknown option '--bogus'`));
      assert.match(r.stderr, new RegExp(`usage: mixtral-local ${name} `));
    });
  }

  it("gpu-build refuses an architecture CMake cannot take, says which it needs, and exits 2 without building", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-cli-gpu-build-"));
    try {
      const r = await mixtralLocal("gpu-build", "--arch=ninety", "--check", "--data-dir", dataDir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /cannot build here; missing:\n(.*\n)*  - a valid --arch \(got "ninety"; e\.g\. 90 for H100\/H200/);
      assert.match(r.stderr, /step: building llama\.cpp with CUDA .*: .* source build --gpu cuda --noUsageExample/);
      assert.deepEqual(fs.readdirSync(dataDir), [], "nothing written");
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("doctor takes --opt=value as well as --opt value", async () => {
    const model = await ensureTinyModel();
    const r = await mixtralLocal("doctor", "--json", "--no-bandwidth", `--model=${model}`, "--context-size=2048");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { modelFile: { path: string }; settings: { contextSize: number } };
    assert.equal(report.modelFile.path, model);
    assert.equal(report.settings.contextSize, 2048);
  });

  it("a value option without its value is refused, not taken as the next option", async () => {
    const r = await mixtralLocal("doctor", "--model", "--json");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--model/);
  });

  it("prompt takes --messages=FILE", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mixtral-cli-"));
    try {
      const file = path.join(dir, "c.json");
      fs.writeFileSync(file, JSON.stringify([{ role: "user", content: "Hi" }]));
      const r = await mixtralLocal("prompt", `--messages=${file}`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\[INST\] Hi \[\/INST\]/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
