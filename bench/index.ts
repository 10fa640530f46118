// `npm run bench`: runs every benchmark program in bench/ (each also runs alone:
// `node out/bench/<name>.js --help`-style arguments are passed through to the one named).
//   node out/bench/index.js [name] [args…]
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  engine: () => import("./engine"),
  completion: () => import("./completion"),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const selected = name && benches[name] ? [[name, benches[name]] as const] : Object.entries(benches);
  const args = name && benches[name] ? rest : argv;
  let code = 0;
  for (const [benchName, load] of selected) {
    process.stdout.write(`== ${benchName} ==\n`);
    code = Math.max(code, await (await load()).run(args));
  }
  return code;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => { process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`); process.exitCode = 1; },
);
