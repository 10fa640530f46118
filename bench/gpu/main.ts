// GPU benchmark program, bundled by bench/gpu/pack.sh into .gpu-carry/gpuBench.js and run on the
// GPU machine by bench/gpu/device.sh with the carried Node (node-llama-cpp stays external: it is
// the CUDA build made there).
//   node gpuBench.js write-models <dir> [--layers N]
//   node gpuBench.js threads
//   node gpuBench.js direct --model <gguf> --threads N --results <jsonl> [--runs 3] [--backend cuda|cpu]
//   node gpuBench.js engine --engine <engine.js> --models-dir <dir> --threads N --results <jsonl>
//                           [--runs 3] [--sections main,experts,q3,offload] [--deadline-ms <epoch ms>]
//                           [--backend cuda|cpu]   (cpu: a quick check of the scripts without a GPU)
//   node gpuBench.js probe --model <gguf> --threads N --results <jsonl> [--gpu-layers max|N] [--runs 3]
//   node gpuBench.js report --models-dir <dir> --llama-bench <jsonl> --results <jsonl>
//   node gpuBench.js specdec --engine <engine.js> --model <gguf> --backend cuda --gpu-layers max --threads N
//                            [--edits N] [--arms off,auto,always]   (bench/specdec.ts: speculative
//                            decoding on the real-edit corpus, $MIXTRAL_EDIT_CORPUS or .cache/edit-corpus.json)
//   node gpuBench.js nextedit --engine <engine.js> --model <gguf> --backend cuda --gpu-layers max --threads N
//                             [--cases N] [--arms auto,off]   (bench/nextedit.ts: next-edit suggestions
//                             on real multi-hunk commits, the same corpus; skipped without it)
import { physicalCores } from "../../src/engine/physicalCores";
import { runDirect } from "./directBench";
import { runEngine } from "./engineBench";
import { runProbe } from "./probeBench";
import { writeShapedModels } from "./mixtralShaped";
import { runReport } from "./report";
import { runBackendCheck } from "./backendCheck";
import { run as runSpecDecode } from "../specdec";
import { run as runNextEdit } from "../nextedit";

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "write-models":
      await writeShapedModels(rest[0], rest[1] === "--layers" ? Number(rest[2]) : undefined);
      break;
    case "threads":
      process.stdout.write(`${physicalCores()}\n`);
      break;
    case "direct":
      await runDirect(rest);
      break;
    case "engine":
      await runEngine(rest);
      break;
    case "probe":
      await runProbe(rest);
      break;
    case "report":
      runReport(rest);
      break;
    case "backend":
      await runBackendCheck(rest);
      break;
    case "specdec":
      if (await runSpecDecode(rest)) throw new Error("an arm wrote different text, or not the forced answer");
      break;
    case "nextedit":
      if (await runNextEdit(rest)) throw new Error("a suggestion applied did not give the file with the next hunk");
      break;
    default:
      throw new Error(`unknown command ${command ?? ""}`);
  }
}

main(process.argv.slice(2)).then(
  () => {
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`gpuBench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
