// Benchmark (a program, not a test): next-edit suggestions on real multi-hunk commits, through the
// extension's engine process and the product's NextEditService. Per case (bench/lib/nextEditCases):
// the user's last hunk is in the history, the model's answer is forced to the region with the next
// hunk applied, and per arm (input-lookup speculation "auto", the product's, and "off"):
//   time from the request to the suggestion being ready (the prompt evaluated from scratch: the
//   slot's cache is cleared before each request, so the figure includes the whole prefill),
//   tokens generated against the answer's full length (what early stop saved),
//   and whether applying the suggestion gives exactly the file with the next hunk.
//
//   node out/bench/nextedit.js [--model <gguf>] [--cases N] [--arms auto,off] [--threads N]
//                              [--backend auto|cuda|cpu] [--gpu-layers auto|max|N] [--engine <dist/engine.js>]
// The corpus: bench/data (bench/editCorpusTool.js materialize writes .cache/edit-corpus.json);
// without it the section says "skipped" and exits 0.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { EditHistory } from "../src/core/nextEdit/editHistory";
import { NextEditService } from "../src/core/nextEdit/NextEditService";
import { applySuggestion } from "../src/core/nextEdit/suggestion";
import type { Backend } from "../src/shared/engineProtocol";
import { benchModelPath } from "./lib/benchModel";
import { openBenchEngine } from "./lib/benchEngine";
import type { EngineClient } from "../src/core/engineClient/EngineClient";
import { corpusPath, loadEditCorpus } from "./lib/editCorpus";
import { forcedAnswerTokens } from "./lib/nextEditForcing";
import { nextEditCases, rewrittenRegionOf, type NextEditCase } from "./lib/nextEditCases";
import { fmt, median, percentile } from "./lib/stats";
import { formatTable } from "./lib/table";

type Arm = "auto" | "off";

export interface NextEditRunOptions {
  modelPath: string;
  cases?: number;
  arms?: readonly Arm[];
  threads?: number;
  backend?: Backend;
  gpuLayers?: "auto" | "max" | number;
  enginePath?: string;
  onCase?: (line: string) => void;
}

export interface ArmResult {
  ms: number;
  ttftMs: number;
  generated: number;
  forced: number;
  earlyStopped: boolean;
  exact: boolean;
  drafts: number;
  accepted: number;
}

export interface CaseResult {
  id: string;
  regionLines: number;
  arms: Partial<Record<Arm, ArmResult>>;
}

export interface NextEditRun {
  description: string;
  gpu: boolean;
  arms: readonly Arm[];
  cases: CaseResult[];
  outside: number;
}

/** `count` cases taken evenly through the list (it is grouped by repository). */
function spread<T>(all: readonly T[], count: number | undefined): T[] {
  if (count === undefined || count >= all.length) return all.slice();
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]);
}

async function runArm(client: EngineClient, c: NextEditCase, arm: Arm): Promise<ArmResult> {
  const history = new EditHistory();
  history.record({ path: c.path, before: c.before, after: c.edited, startLine: c.editLine, endLine: c.editLine });
  let forced = 0;
  const service = new NextEditService({
    getBackend: async () => client,
    settings: () => ({ template: "", speculation: arm }),
    forceTokens: async (_segments, prompt) => {
      const tokens = await forcedAnswerTokens((p) => client.tokenize(p), prompt.answerPrefix, `${rewrittenRegionOf(c)}\`\`\``);
      forced = tokens.length;
      return tokens;
    },
  });
  // Every request starts cold: a one-token prompt replaces the slot's cached prefix.
  await client.generate(
    { slot: "chat", prompt: [{ type: "bos" }, { type: "text", text: "x" }], maxTokens: 1, temperature: 0 },
    () => undefined,
  );
  const o = await service.suggest({ path: c.path, languageId: c.language, text: c.edited, cursor: c.cursor }, history.diffs());
  if (o.kind === "failed") throw o.error instanceof Error ? o.error : new Error(String(o.error));
  const f = o.figures;
  const spec = f?.stats.speculation;
  return {
    // The forcing callback's tokenizing is the benchmark's, not the product's: not in the time.
    ms: f?.ms ?? NaN,
    ttftMs: f?.stats.ttftMs ?? NaN,
    generated: f?.stats.generatedTokens ?? NaN,
    forced,
    earlyStopped: f?.earlyStopped ?? false,
    exact: o.kind === "suggestion" && applySuggestion(c.edited, o.suggestion) === c.next,
    drafts: spec?.drafts ?? 0,
    accepted: spec?.accepted ?? 0,
  };
}

export async function runNextEdit(o: NextEditRunOptions): Promise<NextEditRun | undefined> {
  if (!existsSync(corpusPath())) return undefined;
  const { cases: all, outside } = nextEditCases(loadEditCorpus());
  const cases = spread(all, o.cases);
  const arms = o.arms ?? (["auto", "off"] as const);
  const { client, info, description } = await openBenchEngine({
    modelPath: o.modelPath,
    backend: o.backend,
    gpuLayers: o.gpuLayers,
    threads: o.threads,
    enginePath: o.enginePath,
  });
  try {
    o.onCase?.(
      `${description}; ${cases.length} of ${all.length} cases (${outside} more had the next hunk outside the region), arms ${arms.join(", ")}\n`,
    );
    const results: CaseResult[] = [];
    for (const [i, c] of cases.entries()) {
      const r: CaseResult = { id: c.id, regionLines: c.region.endLine - c.region.startLine, arms: {} };
      // Alternate the order so neither arm always runs first.
      for (const arm of i % 2 ? [...arms].reverse() : arms) r.arms[arm] = await runArm(client, c, arm);
      results.push(r);
      o.onCase?.(caseLine(r, arms));
    }
    return { description, gpu: info.gpuLayers > 0 && info.gpuLayers >= info.layerCount, arms, cases: results, outside };
  } finally {
    await client.dispose();
  }
}

function caseLine(r: CaseResult, arms: readonly Arm[]): string {
  const parts = arms.map((a) => {
    const x = r.arms[a]!;
    return `${a} ${fmt(x.ms)} ms (ttft ${fmt(x.ttftMs)}), ${x.generated}/${x.forced} tok${x.earlyStopped ? " early stop" : ""}${a === "auto" ? `, ${x.accepted} drafted accepted` : ""}${x.exact ? "" : "  NOT EXACT"}`;
  });
  return `${r.id.padEnd(26)} ${String(r.regionLines).padStart(2)} lines  ${parts.join("  |  ")}\n`;
}

export interface ArmSummary {
  p50: number;
  p95: number;
  ttftP50: number;
  generated: number;
  forced: number;
  /** Tokens generated ÷ the full answer's tokens (what early stop left to write). */
  generatedShare: number;
  earlyStops: number;
}

/** Per arm over the cases; `exact`: cases where every arm's suggestion gave the next file. */
export function nextEditSummary(r: NextEditRun): { cases: number; exact: number; auto: ArmSummary; off: ArmSummary } {
  const arm = (a: Arm): ArmSummary => {
    const xs = r.cases.map((c) => c.arms[a]).filter((x): x is ArmResult => !!x);
    const ms = xs.map((x) => x.ms);
    const generated = xs.reduce((s, x) => s + x.generated, 0);
    const forced = xs.reduce((s, x) => s + x.forced, 0);
    return {
      p50: median(ms),
      p95: percentile(ms, 95),
      ttftP50: median(xs.map((x) => x.ttftMs)),
      generated,
      forced,
      generatedShare: generated / Math.max(1, forced),
      earlyStops: xs.filter((x) => x.earlyStopped).length,
    };
  };
  return {
    cases: r.cases.length,
    exact: r.cases.filter((c) => Object.values(c.arms).every((x) => x.exact)).length,
    auto: arm("auto"),
    off: arm("off"),
  };
}

export function formatNextEdit(r: NextEditRun): string {
  const sum = nextEditSummary(r);
  const rows = r.arms.map((a) => {
    const x = sum[a];
    return [
      a,
      fmt(x.p50),
      fmt(x.p95),
      fmt(x.ttftP50),
      `${x.generated} / ${x.forced} (${fmt(100 * x.generatedShare, 0)} %)`,
      `${x.earlyStops} / ${r.cases.length}`,
    ];
  });
  let text = formatTable(
    ["speculation", "request → suggestion p50 ms", "p95 ms", "ttft p50 ms", "tokens generated / full answer", "early stops"],
    rows,
  );
  const auto = r.cases.map((c) => c.arms.auto).filter(Boolean);
  const off = r.cases.map((c) => c.arms.off).filter(Boolean);
  if (auto.length && off.length)
    text += `auto ÷ off, request → suggestion: median of per-case ratios ${fmt(median(r.cases.map((c) => c.arms.auto!.ms / c.arms.off!.ms)), 3)}\n`;
  const inexact = sum.cases - sum.exact;
  text += inexact
    ? `${inexact} case(s) NOT EXACT: applying the suggestion did not give the file with the next hunk\n`
    : "every suggestion applied gave exactly the file with the next hunk\n";
  return text;
}

/** The section of the CPU suite (bench/index.ts): prints each case and the table, or "skipped". */
export async function nextEditSection(o: NextEditRunOptions, out: (s: string) => void): Promise<NextEditRun | undefined> {
  const r = await runNextEdit({ ...o, onCase: out });
  out(r ? formatNextEdit(r) : `skipped: no edit corpus at ${corpusPath()} (bench/data/README.md: editCorpusTool materialize)\n`);
  return r;
}

export async function run(argv: string[]): Promise<number> {
  const o: NextEditRunOptions = { modelPath: benchModelPath() };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case "--model":
        o.modelPath = v;
        i++;
        break;
      case "--cases":
        o.cases = Number(v);
        i++;
        break;
      case "--arms":
        o.arms = v.split(",") as Arm[];
        i++;
        break;
      case "--threads":
        o.threads = Number(v);
        i++;
        break;
      case "--backend":
        o.backend = v as Backend;
        i++;
        break;
      case "--gpu-layers":
        o.gpuLayers = v === "auto" || v === "max" ? v : Number(v);
        i++;
        break;
      case "--engine":
        o.enginePath = v;
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!existsSync(o.modelPath)) throw new Error(`${o.modelPath} is missing (a full \`npm run bench\` generates the ~800 MB model)`);
  const r = await runNextEdit({ ...o, onCase: (line) => process.stdout.write(line) });
  if (!r) {
    process.stdout.write(
      `next edit: skipped (no edit corpus at ${corpusPath()}; bench/data/README.md says how to materialize it from git mirrors)\n`,
    );
    return 0;
  }
  process.stdout.write(formatNextEdit(r));
  return r.cases.every((c) => Object.values(c.arms).every((x) => x.exact)) ? 0 : 1;
}

// The file name too: bundled into bench/gpu's gpuBench.js, every module is the main one.
if (require.main === module && path.basename(process.argv[1] ?? "") === "nextedit.js") {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`nextedit: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
