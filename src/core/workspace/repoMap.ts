// The repo map, as Aider makes it: files are ranked by PageRank over the graph "file A uses a name
// that file B defines" (an edge A→B, weighted by how specific the name is), personalised to the
// query (the files search ranks for it, and those whose path or definitions name its words); the
// best files are listed with their definitions' first lines until the token budget is spent.
import type { IndexedFile, IndexStore } from "./IndexStore";
import { LineReader } from "./queries";
import { tokenizeCode } from "./tokenizer";
import type { IndexOptions } from "./types";

interface Graph {
  readonly generation: number;
  readonly files: IndexedFile[];
  /** Edges by source: [target index, weight] pairs. */
  readonly edges: Float64Array[];
  readonly targets: Uint32Array[];
}

const DAMPING = 0.85;
const ITERATIONS = 20;
/** A name defined in more files than this says little about which file a use points to. */
const MAX_DEFINERS = 8;
const CHARS_PER_TOKEN = 4;

const graphs = new WeakMap<IndexStore, Graph>();

function nameWeight(name: string, definers: number): number {
  let w = 1 / definers;
  if (name.length >= 8 && /[a-z][A-Z]|_/.test(name)) w *= 10;
  if (name.startsWith("_")) w *= 0.1;
  return w;
}

export function referenceGraph(store: IndexStore): Graph {
  const cached = graphs.get(store);
  if (cached && cached.generation === store.generation) return cached;
  const files = [...store.files.values()];
  const index = new Map<IndexedFile, number>(files.map((f, i) => [f, i]));
  const keyIndex = new Map<string, number>(files.map((f, i) => [`${f.root}\u0000${f.rel}`, i]));
  const edges: Float64Array[] = [];
  const targets: Uint32Array[] = [];
  for (const file of files) {
    const from = index.get(file)!;
    const weights = new Map<number, number>();
    for (const ref of file.refs) {
      const name = store.identifiers[ref];
      const definers = store.definers.get(name);
      if (!definers || definers.size > MAX_DEFINERS) continue;
      const w = nameWeight(name, definers.size);
      for (const key of definers) {
        const to = keyIndex.get(key);
        if (to !== undefined && to !== from) weights.set(to, (weights.get(to) ?? 0) + w);
      }
    }
    targets.push(Uint32Array.from(weights.keys()));
    edges.push(Float64Array.from(weights.values()));
  }
  const graph = { generation: store.generation, files, edges, targets };
  graphs.set(store, graph);
  return graph;
}

/** PageRank with the given personalisation (file index → weight; uniform when empty). */
export function pageRank(graph: Graph, personal: Map<number, number>): Float64Array {
  const n = graph.files.length;
  const bias = new Float64Array(n);
  let biasTotal = 0;
  for (const [i, w] of personal) {
    bias[i] += w;
    biasTotal += w;
  }
  if (biasTotal === 0) {
    bias.fill(1 / Math.max(n, 1));
  } else for (let i = 0; i < n; i++) bias[i] /= biasTotal;
  const outTotal = graph.edges.map((e) => e.reduce((a, b) => a + b, 0));
  let rank = Float64Array.from(bias);
  for (let it = 0; it < ITERATIONS; it++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      if (!outTotal[i]) {
        dangling += rank[i];
        continue;
      }
      const share = rank[i] / outTotal[i];
      const t = graph.targets[i];
      const e = graph.edges[i];
      for (let k = 0; k < t.length; k++) next[t[k]] += share * e[k];
    }
    for (let i = 0; i < n; i++) next[i] = DAMPING * (next[i] + dangling * bias[i]) + (1 - DAMPING) * bias[i];
    rank = next;
  }
  return rank;
}

/** The query's personalisation: files search ranks for it, and files defining the names it uses. */
function personalise(store: IndexStore, graph: Graph, query: string): Map<number, number> {
  const index = new Map<IndexedFile, number>(graph.files.map((f, i) => [f, i]));
  const personal = new Map<number, number>();
  const add = (file: IndexedFile, w: number) => {
    const i = index.get(file);
    if (i !== undefined) personal.set(i, (personal.get(i) ?? 0) + w);
  };
  const ranked = store.rankFiles(query, 30);
  const top = ranked[0]?.score || 1;
  for (const { file, score } of ranked) add(file, score / top);
  for (const word of new Set(query.match(/[A-Za-z_$][\w$]{2,}/g) ?? [])) {
    for (const { file } of store.definitionsOf(word)) add(file, 1);
  }
  return personal;
}

export function buildRepoMap(store: IndexStore, options: IndexOptions, query: string, tokenBudget: number): string {
  const graph = referenceGraph(store);
  if (!graph.files.length) return "";
  const personal = personalise(store, graph, query);
  const rank = pageRank(graph, personal);
  // The question's own files first among equals: their share of the personalisation is added.
  const personalTotal = [...personal.values()].reduce((x, y) => x + y, 0) || 1;
  for (const [i, w] of personal) rank[i] += (0.5 * w) / personalTotal;
  const order = [...rank.keys()].sort((a, b) => rank[b] - rank[a]);
  const queryTerms = new Set(tokenizeCode(query));
  const reader = new LineReader(options);
  const budget = Math.max(0, tokenBudget) * CHARS_PER_TOKEN;
  const multiRoot = options.roots.length > 1;
  let out = "";
  for (const i of order) {
    const file = graph.files[i];
    const header = `${multiRoot ? `${file.root}/` : ""}${file.rel}:\n`;
    if (out.length + header.length > budget) break;
    let block = header;
    const symbols = [...file.symbols].sort(
      (a, b) => symbolScore(b.name, queryTerms) - symbolScore(a.name, queryTerms) || a.startLine - b.startLine,
    );
    const shown = symbols.slice(0, 12).sort((a, b) => a.startLine - b.startLine);
    for (const s of shown) {
      const line = signatureLine(reader.lines(file, s.startLine, Math.min(s.endLine, s.startLine + 8)));
      const entry = `  ${s.startLine}: ${line}\n`;
      if (out.length + block.length + entry.length > budget) break;
      block += entry;
    }
    out += block;
  }
  return out.trimEnd();
}

function symbolScore(name: string, queryTerms: Set<string>): number {
  return tokenizeCode(name).filter((t) => queryTerms.has(t)).length;
}

/** The definition's first line of code (its doc comment and decorators skipped), shortened. */
function signatureLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim());
  const code = lines.find((l) => l && !/^(?:\/\/|\/\*|\*|#|@|"""|'''|\[)/.test(l)) ?? lines[0] ?? "";
  return code.length > 160 ? `${code.slice(0, 157)}...` : code;
}
