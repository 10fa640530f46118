// `mixtral-local` CLI: shares src/core with the extension. Each subcommand lives in
// src/cli/commands/<name>.ts and exports `run(args: string[]): Promise<number>` (the exit code);
// it reads its options with node:util's parseArgs (`--opt value` and `--opt=value`, unknown
// options refused with its usage and exit code 2).
// Subcommands are imported statically (a dynamic import() of a relative path in this CommonJS
// build is an ESM import under module node16); each keeps its heavy work inside run().
import * as fixture from "./commands/fixture";
import * as prompt from "./commands/prompt";
import * as doctor from "./commands/doctor";
import * as gpuPack from "./commands/gpuPack";
import * as gpuBuild from "./commands/gpuBuild";
import * as gpuCheck from "./commands/gpuCheck";
import * as workspaceIndex from "./commands/workspaceIndex";

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  // Subcommands register here, one line each.
  fixture: { summary: "write the tiny Mixtral-architecture test GGUF", load: async () => fixture },
  doctor: { summary: "report backend, GPU/RAM, model file checks, what fits and the speed ceiling (--json)", load: async () => doctor },
  "gpu-check": {
    summary: "load a model in the real engine as the extension would: which backend decodes, fallbacks and why",
    load: async () => gpuCheck,
  },
  "gpu-build": {
    summary: "build CUDA support for this machine from the bundled llama.cpp source (--arch, --check)",
    load: async () => gpuBuild,
  },
  "gpu-pack": {
    summary: "list, install (--backend, --from FILE offline) or remove the GPU binaries (CUDA, Vulkan)",
    load: async () => gpuPack,
  },
  index: {
    summary: "index a folder as the extension does (--stats); kept in the user's cache folder",
    load: async () => ({ run: workspaceIndex.runIndex }),
  },
  search: {
    summary: "search a folder's index: best chunks first (--json, --limit N)",
    load: async () => ({ run: workspaceIndex.runSearch }),
  },
  prompt: { summary: "print a conversation's prompt as Mixtral sees it (text, or token ids with --tokens)", load: async () => prompt },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const list = Object.entries(commands)
      .map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)
      .join("\n");
    process.stderr.write(`usage: mixtral-local <command> [options]\n\ncommands:\n${list}\n`);
    return name && name !== "--help" && name !== "help" ? 2 : 0;
  }
  return (await command.load()).run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`mixtral-local: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
