// `npm run bench`: the CPU benchmark suite (engine overhead on the tiny and the ~800 MB model,
// inline completion, cancellation, host cost), a summary table, then ONE JSON line of headline
// figures, always last (also when a section fails: its error goes into the line).
//   node out/bench/index.js [--quick] [--markdown] [--threads N]   the suite (--quick: under two minutes)
//   node out/bench/index.js <engine|completion|cancel|host|chat> [args…]   one program, its own args
// Static imports: under tsc's node16 CommonJS output a dynamic import() of a relative .ts path
// would need a ".js" extension; each module only defines `run` (and starts itself only as main).
import { run as chat } from "./chatView";
import { run as cancel } from "./cancel";
import { run as completion } from "./completion";
import { run as engine } from "./engine";
import { run as host } from "./host";
import { run as specdec } from "./specdec";
import { run as retrieval } from "./retrieval";
import { run as nextedit } from "./nextedit";
import { suite } from "./suite";

const benches: Record<string, (args: string[]) => Promise<number>> = {
  engine,
  completion,
  cancel,
  host,
  chat,
  specdec,
  retrieval,
  nextedit,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name && benches[name]) return benches[name](rest);
  return suite(argv, Object.keys(benches));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
