// `npm run bench`: runs every benchmark program in bench/, or the one named, with its arguments
// (each also runs alone: `node out/bench/<name>.js …`).
//   node out/bench/index.js [name] [args…]
// Static imports: under tsc's node16 CommonJS output a dynamic import() of a relative .ts path
// would need a ".js" extension; each module only defines `run` (and starts itself only as main).
import { run as completion } from "./completion";
import { run as engine } from "./engine";

const benches: Record<string, (args: string[]) => Promise<number>> = {
  engine,
  completion,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const selected = name && benches[name] ? [[name, benches[name]] as const] : Object.entries(benches);
  const args = name && benches[name] ? rest : argv;
  let code = 0;
  for (const [benchName, bench] of selected) {
    process.stdout.write(`== ${benchName} ==\n`);
    code = Math.max(code, await bench(args));
  }
  return code;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => { process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`); process.exitCode = 1; },
);
