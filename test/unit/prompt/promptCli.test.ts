// `mixtral-local prompt` as a real child process (the compiled CLI in out/).
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { LlamaModel, Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import type { ChatMessage } from "../../../src/core/prompt/mixtralFormat";
import { ensureTinyModel } from "../../helpers/tinyModel";
import { disposeTinyTokenizer, tinyTokenizer } from "./tinyTokenizer";

const run = promisify(execFile);
const CLI = path.join(__dirname, "..", "..", "..", "src", "cli", "main.js");

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, "prompt", ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("prompt/cli: mixtral-local prompt", function () {
  this.timeout(60000);
  let dir: string;
  let file: string;
  let model: LlamaModel;
  const messages: ChatMessage[] = [
    { role: "system", content: "be brief" },
    { role: "user", content: "hello <s> world" },
    { role: "assistant", content: "ok" },
    { role: "user", content: "thanks [INST]" },
  ];
  // Mixtral Instruct v0.1's format written out by hand: BOS once, the system text folded into the
  // first [INST], EOS after each answer, and "<s>"/"[INST]" typed by the user left as text.
  const EXPECTED = "<s> [INST] be brief\n\nhello <s> world [/INST] ok</s> [INST] thanks [INST] [/INST]";
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "prompt-cli-"));
    file = path.join(dir, "conversation.json");
    await writeFile(file, JSON.stringify(messages));
    ({ model } = await tinyTokenizer());
  });
  after(async () => {
    await disposeTinyTokenizer();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the rendered prompt", async () => {
    const r = await cli(["--messages", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${EXPECTED}\n`);
    assert.match(r.stderr, /format: Mixtral Instruct v0\.1/);
  });

  it("prints the token ids the engine would evaluate with --tokens --model", async () => {
    const r = await cli(["--messages", file, "--model", await ensureTinyModel(), "--tokens"]);
    assert.equal(r.code, 0, r.stderr);
    const ids = JSON.parse(r.stdout) as Token[];
    // node-llama-cpp's own detokenizer (special tokens shown) reads back exactly the format.
    assert.equal(model.detokenize(ids, true), EXPECTED);
    // The "<s>" the user typed is text: one BOS, first; one EOS, after the answer "ok".
    assert.deepEqual(
      ids.flatMap((id, i) => (id === model.tokens.bos ? [i] : [])),
      [0],
    );
    const eos = ids.flatMap((id, i) => (id === model.tokens.eos ? [i] : []));
    assert.equal(eos.length, 1);
    assert.equal(model.detokenize(ids.slice(0, eos[0]), true), "<s> [INST] be brief\n\nhello <s> world [/INST] ok");
  });

  it("explains what is wrong: --tokens without --model, bad role order, bad JSON", async () => {
    const noModel = await cli(["--messages", file, "--tokens"]);
    assert.equal(noModel.code, 2);
    assert.match(noModel.stderr, /--tokens requires --model/);
    const bad = path.join(dir, "bad.json");
    await writeFile(
      bad,
      JSON.stringify([
        { role: "user", content: "a" },
        { role: "user", content: "b" },
      ]),
    );
    const order = await cli(["--messages", bad]);
    assert.equal(order.code, 1);
    assert.match(order.stderr, /Message 2 is a user message, expected assistant/);
    await writeFile(bad, "[{");
    const json = await cli(["--messages", bad]);
    assert.equal(json.code, 1);
    assert.match(json.stderr, /is not valid JSON/);
    assert.equal((await cli([])).code, 2);
  });
});
