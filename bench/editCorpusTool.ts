// The real-edit corpus's texts, read out of git mirrors of its repositories (see bench/data/README.md):
//   node out/bench/editCorpusTool.js verify      --mirrors DIR   re-checks every edit against git
//   node out/bench/editCorpusTool.js materialize --mirrors DIR [--out FILE]   and writes the texts
//   node out/bench/editCorpusTool.js update      --mirrors DIR   fills sha256 / keptLineFraction of new entries
//   node out/bench/editCorpusTool.js summary     [--in FILE]     counts per language and kept fractions
// A mirror of owner/name is DIR/owner+name/repo (the layout the session's fetch tool makes),
// DIR/owner+name or DIR/owner/name. Needs git; nothing here touches the network.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  checkEdit,
  corpusPath,
  cutLines,
  type Edit,
  EditCorpusError,
  type EditLocator,
  instructionFromSubject,
  keepsMostLines,
  keptLineFraction,
  loadEditCorpus,
  loadEditManifest,
  MANIFEST_PATH,
  sha256,
} from "./lib/editCorpus";
import { median, percentile } from "./lib/stats";

export function mirrorOf(mirrors: string, repo: string): string {
  const [owner, name] = repo.split("/");
  const dirs = [path.join(mirrors, `${owner}+${name}`, "repo"), path.join(mirrors, `${owner}+${name}`), path.join(mirrors, owner, name)];
  const found = dirs.find((d) => existsSync(d));
  if (!found) throw new EditCorpusError(`no git mirror of ${repo} under ${mirrors} (looked for ${dirs.join(", ")})`);
  return found;
}

const git = (dir: string, ...args: string[]): string =>
  execFileSync("git", ["--git-dir", dir, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
export const gitDir = (dir: string): string => (existsSync(path.join(dir, ".git")) ? path.join(dir, ".git") : dir);

/** One edit read out of a mirror: the ranges of `commit^:path` and `commit:path`, and the commit's subject. */
export function readEdit(
  mirror: string,
  loc: Pick<EditLocator, "id" | "repo" | "commit" | "path" | "license" | "language" | "beforeLines" | "afterLines">,
): Edit {
  const dir = gitDir(mirror);
  const where = `edit ${loc.id} (${loc.repo} ${loc.commit.slice(0, 10)} ${loc.path})`;
  let subject: string, beforeFile: string, afterFile: string;
  try {
    subject = git(dir, "log", "-1", "--format=%s", loc.commit).trim();
    beforeFile = git(dir, "show", `${loc.commit}^:${loc.path}`);
    afterFile = git(dir, "show", `${loc.commit}:${loc.path}`);
  } catch (err) {
    throw new EditCorpusError(`${where}: git could not read it (${(err as Error).message.split("\n")[0]})`);
  }
  return {
    id: loc.id,
    repo: loc.repo,
    commit: loc.commit,
    path: loc.path,
    license: loc.license,
    language: loc.language,
    instruction: instructionFromSubject(subject),
    before: cutLines(beforeFile, loc.beforeLines, `${where} before`),
    after: cutLines(afterFile, loc.afterLines, `${where} after`),
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Every edit read from the mirrors and checked against the manifest (hashes and kept fraction). */
export function readAll(mirrors: string, manifest: EditLocator[]): Edit[] {
  return manifest.map((loc) => {
    const edit = readEdit(mirrorOf(mirrors, loc.repo), loc);
    checkEdit(loc, edit);
    const kept = round3(keptLineFraction(edit.before, edit.after));
    if (kept !== loc.keptLineFraction)
      throw new EditCorpusError(`edit ${loc.id}: keptLineFraction is ${kept}, the manifest says ${loc.keptLineFraction}`);
    return edit;
  });
}

/** The manifest as written: one entry a line, so a diff of it shows which edits changed. */
export const formatManifest = (entries: readonly EditLocator[]): string =>
  `[\n${entries.map((e) => `  ${JSON.stringify(e)}`).join(",\n")}\n]\n`;

function update(mirrors: string): void {
  const raw = JSON.parse(readFileSync(MANIFEST_PATH, "utf8")) as EditLocator[];
  const out = raw.map((loc) => {
    const edit = readEdit(mirrorOf(mirrors, loc.repo), loc);
    const { id, repo, commit, path: p, license, language, beforeLines, afterLines } = loc;
    return {
      id,
      repo,
      commit,
      path: p,
      license,
      language,
      beforeLines,
      afterLines,
      sha256: { instruction: sha256(edit.instruction), before: sha256(edit.before), after: sha256(edit.after) },
      keptLineFraction: round3(keptLineFraction(edit.before, edit.after)),
    };
  });
  writeFileSync(MANIFEST_PATH, formatManifest(out));
  loadEditManifest(); // the result must validate
  console.log(`updated ${out.length} entries in ${MANIFEST_PATH}`);
}

export function summary(edits: readonly Edit[]): string {
  const rows: string[] = [];
  const fr = edits.map((e) => keptLineFraction(e.before, e.after));
  const lines = (t: string): number => t.split("\n").length - 1;
  const groups = new Map<string, number[]>();
  edits.forEach((e, i) => groups.set(e.language, [...(groups.get(e.language) ?? []), i]));
  rows.push(`${edits.length} edits from ${new Set(edits.map((e) => e.repo)).size} repositories`);
  rows.push("language      edits  keeps-most  kept p25 / median / p75  median lines before / after  median after chars");
  const row = (name: string, idx: number[]): string => {
    const kept = idx.map((i) => fr[i]);
    const q = [25, 50, 75].map((p) => percentile(kept, p).toFixed(2)).join(" / ");
    const ls = `${median(idx.map((i) => lines(edits[i].before)))} / ${median(idx.map((i) => lines(edits[i].after)))}`;
    return `${name.padEnd(12)}  ${String(idx.length).padStart(5)}  ${String(idx.filter((i) => keepsMostLines(fr[i])).length).padStart(10)}  ${q.padStart(23)}  ${ls.padStart(27)}  ${String(median(idx.map((i) => edits[i].after.length))).padStart(18)}`;
  };
  for (const [lang, idx] of [...groups].sort()) rows.push(row(lang, idx));
  rows.push(
    row(
      "all",
      edits.map((_, i) => i),
    ),
  );
  return rows.join("\n");
}

function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  const opt = (name: string): string | undefined => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const mirrors = opt("--mirrors");
  if (cmd === "summary") {
    console.log(summary(loadEditCorpus(opt("--in") ?? corpusPath())));
    return;
  }
  if (!mirrors || !["verify", "materialize", "update"].includes(cmd)) {
    throw new EditCorpusError("usage: editCorpusTool.js verify|materialize|update --mirrors DIR [--out FILE] | summary [--in FILE]");
  }
  if (cmd === "update") return update(mirrors);
  const edits = readAll(mirrors, loadEditManifest());
  console.log(`${edits.length} edits match their commits byte for byte`);
  if (cmd === "materialize") {
    const out = opt("--out") ?? corpusPath();
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(edits, null, 1)}\n`);
    console.log(`wrote ${out}`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof EditCorpusError ? err.message : err);
    process.exitCode = 1;
  }
}
