// The real-edit corpus for the edit benchmarks (issue 17): code edits taken from public
// repositories' history, each a function (or small region) before a commit, the commit's subject
// as the instruction, and the same region after it.
//
// Only the locators are committed (bench/data/edits.json: repository, commit, path, line ranges,
// license, and hashes of the texts): the code itself belongs to those repositories and is read out
// of their git history on the machine that runs the benchmark (bench/editCorpusTool.ts
// materialize), into a file that is never committed. The hashes make the materialized texts
// byte-exact to what was chosen; keptLineFraction is recorded so the split of the corpus is
// visible without the texts, and re-checked whenever they are materialized.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { diffHunks } from "../../src/core/edits/hunks";
import { repoRoot } from "../../test/helpers/tinyModel";
import { MissingBenchData } from "./sections";

export const LANGUAGES = ["typescript", "javascript", "python", "go", "rust", "java", "c"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Only permissive licenses: the texts are used (not shipped) but stay clear of copyleft. */
export const PERMISSIVE_LICENSES = ["MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "MIT OR Apache-2.0"] as const;

/** An edit "keeps most of its lines" when more than this share of its before lines survive
 *  unchanged: the class issue 17's ≥ 2× goal is measured on. */
export const KEEPS_MOST_THRESHOLD = 0.5;

/** One committed entry of bench/data/edits.json. Line ranges are 1-based and inclusive:
 *  beforeLines in `<commit>^:<path>`, afterLines in `<commit>:<path>`. */
export interface EditLocator {
  readonly id: string;
  readonly repo: string;
  readonly commit: string;
  readonly path: string;
  readonly license: string;
  readonly language: Language;
  readonly beforeLines: readonly [number, number];
  readonly afterLines: readonly [number, number];
  readonly sha256: { readonly instruction: string; readonly before: string; readonly after: string };
  readonly keptLineFraction: number;
}

/** One materialized edit: what a benchmark feeds the model and forces it to write. */
export interface Edit {
  readonly id: string;
  readonly repo: string;
  readonly commit: string;
  readonly path: string;
  readonly license: string;
  readonly language: Language;
  readonly instruction: string;
  readonly before: string;
  readonly after: string;
}

export class EditCorpusError extends Error {
  override name = "EditCorpusError";
}

export const MANIFEST_PATH = path.join(repoRoot(), "bench", "data", "edits.json");

/** Where `materialize` writes the texts and loadEditCorpus reads them: $MIXTRAL_EDIT_CORPUS, else
 *  <repo>/.cache/edit-corpus.json (ignored by git, and a repo-relative path a GPU run can carry). */
export function corpusPath(): string {
  return process.env.MIXTRAL_EDIT_CORPUS || path.join(repoRoot(), ".cache", "edit-corpus.json");
}

export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** Share of `before`'s lines that the line diff to `after` leaves unchanged (the same diff the
 *  inline edit proposal shows). 1 for an edit that only adds lines; 0 for a full rewrite. */
export function keptLineFraction(before: string, after: string): number {
  const { chunks } = diffHunks(before, after);
  const kept = chunks.reduce((n, c) => n + (c.kind === "same" ? c.lines.length : 0), 0);
  const total = before === "" ? 0 : before.split(/(?<=\n)/).length;
  return total === 0 ? 1 : kept / total;
}

export const keepsMostLines = (fraction: number): boolean => fraction > KEEPS_MOST_THRESHOLD;

/** The commit subject as an instruction: trailing pull-request and issue references
 *  ("(#123)", "Closes #12.", "This fixes #7") and a final period go. */
export function instructionFromSubject(subject: string): string {
  let s = subject.trim();
  for (let prev = ""; prev !== s;) {
    prev = s;
    s = s
      .replace(/\s*\(#\d+\)$/, "")
      .replace(/[.\s]*\b(?:closes|fixes|this fixes)\s+#\d+\.?$/i, "")
      .replace(/\.$/, "")
      .trim();
  }
  return s;
}

/** Lines `range` (1-based, inclusive) of `text`, each with its terminator. */
export function cutLines(text: string, range: readonly [number, number], where: string): string {
  const lines = text.split(/(?<=\n)/);
  const [start, end] = range;
  if (end > lines.length) throw new EditCorpusError(`${where}: lines ${start}-${end} asked for, the file has ${lines.length}`);
  const cut = lines.slice(start - 1, end).join("");
  return cut.endsWith("\n") ? cut : `${cut}\n`;
}

const HEX40 = /^[0-9a-f]{40}$/;
const HEX64 = /^[0-9a-f]{64}$/;

function checkRange(v: unknown, where: string): void {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => Number.isInteger(n) && n >= 1) || v[0] > v[1]) {
    throw new EditCorpusError(`${where}: expected [firstLine, lastLine], 1-based with first ≤ last`);
  }
}

/** Throws an EditCorpusError naming the entry and the field when one is missing or malformed. */
export function validateLocator(e: unknown, index: number): EditLocator {
  const o = (e ?? {}) as Record<string, unknown>;
  const where = `bench/data/edits.json entry ${index} (${typeof o.id === "string" ? o.id : "no id"})`;
  for (const k of ["id", "repo", "commit", "path", "license", "language"]) {
    if (typeof o[k] !== "string" || o[k] === "") throw new EditCorpusError(`${where}: "${k}" must be a non-empty string`);
  }
  if (!/^[\w.-]+\/[\w.-]+$/.test(o.repo as string)) throw new EditCorpusError(`${where}: "repo" must be owner/name`);
  if (!HEX40.test(o.commit as string)) throw new EditCorpusError(`${where}: "commit" must be a full 40-hex sha`);
  if (!(PERMISSIVE_LICENSES as readonly string[]).includes(o.license as string)) {
    throw new EditCorpusError(`${where}: license "${o.license}" is not one of ${PERMISSIVE_LICENSES.join(", ")}`);
  }
  if (!(LANGUAGES as readonly string[]).includes(o.language as string))
    throw new EditCorpusError(`${where}: unknown language "${o.language}"`);
  checkRange(o.beforeLines, `${where} beforeLines`);
  checkRange(o.afterLines, `${where} afterLines`);
  const h = (o.sha256 ?? {}) as Record<string, unknown>;
  for (const k of ["instruction", "before", "after"]) {
    if (typeof h[k] !== "string" || !HEX64.test(h[k] as string))
      throw new EditCorpusError(`${where}: sha256.${k} must be 64 hex (run editCorpusTool update)`);
  }
  if (h.before === h.after) throw new EditCorpusError(`${where}: before and after are the same text`);
  const f = o.keptLineFraction;
  if (typeof f !== "number" || !(f >= 0 && f <= 1)) throw new EditCorpusError(`${where}: keptLineFraction must be a number in [0, 1]`);
  return o as unknown as EditLocator;
}

export function parseManifest(json: string): EditLocator[] {
  const data: unknown = JSON.parse(json);
  if (!Array.isArray(data)) throw new EditCorpusError("bench/data/edits.json must hold a JSON array");
  const out = data.map(validateLocator);
  const seen = new Set<string>();
  for (const e of out) {
    if (seen.has(e.id)) throw new EditCorpusError(`bench/data/edits.json: id "${e.id}" appears twice`);
    seen.add(e.id);
  }
  return out;
}

export const loadEditManifest = (file = MANIFEST_PATH): EditLocator[] => parseManifest(readFileSync(file, "utf8"));

/** Checks a materialized edit against its locator: the same texts, byte for byte. */
export function checkEdit(loc: EditLocator, edit: Edit): void {
  const where = `edit ${loc.id}`;
  if (edit.repo !== loc.repo || edit.commit !== loc.commit || edit.path !== loc.path)
    throw new EditCorpusError(`${where}: provenance differs from the manifest`);
  for (const k of ["instruction", "before", "after"] as const) {
    if (typeof edit[k] !== "string" || sha256(edit[k]) !== loc.sha256[k])
      throw new EditCorpusError(`${where}: ${k} does not match the manifest's sha256`);
  }
}

/** The materialized corpus, every edit checked against the manifest, in manifest order. A missing
 *  file gets a message that says how to make it. */
export function loadEditCorpus(file = corpusPath(), manifest = loadEditManifest()): Edit[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new MissingBenchData(
      `The edit corpus's texts are not on this machine (${file}). Fetch the repositories of bench/data/edits.json as git mirrors, then run ` +
        "`node out/bench/editCorpusTool.js materialize --mirrors DIR` (see bench/data/README.md).",
    );
  }
  const byId = new Map((JSON.parse(text) as Edit[]).map((e) => [e.id, e]));
  return manifest.map((loc) => {
    const edit = byId.get(loc.id);
    if (!edit) throw new EditCorpusError(`${file} lacks edit ${loc.id}: materialize it again`);
    checkEdit(loc, edit);
    return edit;
  });
}
