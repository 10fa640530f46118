// `mixtral-local fixture <out.gguf> [--variant f16|q8_0|q4_k] [--seed N] [--chat-template mixtral|chatml]`:
// writes the tiny Mixtral-architecture GGUF used by the tests and by `npm start -- --demo`, then
// pre-checks it. `--chat-template chatml` gives a model whose format is not Mixtral's.
import { rename, rm } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { precheckGguf } from "../../core/gguf/ggufPrecheck";
import { writeTinyMixtral, type TinyMixtralVariant } from "../../core/gguf/tinyMixtral";
import { FIXTURE_CHAT_TEMPLATES, type FixtureChatTemplate } from "../../core/gguf/tinyVocab";

const USAGE =
  "usage: mixtral-local fixture <out.gguf> [--variant f16|q8_0|q4_k] [--seed N] [--layers N] [--chat-template mixtral|chatml]\n";
const VARIANTS: readonly TinyMixtralVariant[] = ["f16", "q8_0", "q4_k"];

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        variant: { type: "string", default: "q8_0" },
        seed: { type: "string", default: "1" },
        layers: { type: "string", default: "2" },
        "chat-template": { type: "string", default: "mixtral" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    process.stderr.write(`mixtral-local fixture: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const variant = values.variant as TinyMixtralVariant;
  const seed = Number(values.seed);
  const layers = Number(values.layers);
  const templateName = values["chat-template"] as FixtureChatTemplate;
  const problem =
    positionals.length !== 1
      ? "expected one output path"
      : !VARIANTS.includes(variant)
        ? `unknown variant "${values.variant}" (f16, q8_0 or q4_k)`
        : !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff
          ? `--seed must be an integer 0..4294967295, got "${values.seed}"`
          : !Number.isInteger(layers) || layers < 1 || layers > 64
            ? `--layers must be an integer 1..64, got "${values.layers}"`
            : !Object.hasOwn(FIXTURE_CHAT_TEMPLATES, templateName)
              ? `unknown chat template "${values["chat-template"]}" (mixtral or chatml)`
              : undefined;
  if (problem) {
    process.stderr.write(`mixtral-local fixture: ${problem}\n${USAGE}`);
    return 2;
  }

  const out = path.resolve(positionals[0]);
  // Written beside the target and renamed, so a reader never sees half a file.
  const temp = `${out}.${process.pid}.partial`;
  try {
    await writeTinyMixtral(temp, { variant, seed, layers, chatTemplate: FIXTURE_CHAT_TEMPLATES[templateName] });
    await rename(temp, out);
  } finally {
    await rm(temp, { force: true });
  }
  const s = await precheckGguf(out);
  process.stdout.write(
    `wrote ${out} (${(s.fileSize / 1e6).toFixed(1)} MB): ${s.name}, architecture ${s.architecture}, ` +
      `${s.blockCount} layers, Mixture of Experts ${s.expertCount} experts / ${s.expertUsedCount} active, ` +
      `${s.fileTypeName}, vocabulary ${s.vocabSize}, context ${s.contextLength}, seed ${seed}, chat template ${templateName}\n`,
  );
  return 0;
}
