// The suite's sections (bench/index.ts): each runs on its own, prints its figures or why it has
// none, and the run's exit code says only whether a section really failed. A section whose
// optional input is not on this machine (the edit corpus's texts, never committed) is skipped:
// printed as such, listed in the headline JSON, not a failure.

/** Optional input a section needs that a fresh machine lacks; the message says how to get it. */
export class MissingBenchData extends Error {
  override name = "MissingBenchData";
}

export interface SectionOutcomes {
  /** Section → its failure's first line. */
  errors: Record<string, string>;
  /** Section → why it was skipped. */
  skipped: Record<string, string>;
}

export function newOutcomes(): SectionOutcomes {
  return { errors: {}, skipped: {} };
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message.split("\n")[0] : String(error));

/** Runs one section: its title, its output (from `fn`), then how long it took. */
export async function runSection(
  name: string,
  fn: () => Promise<void>,
  outcomes: SectionOutcomes,
  out: (text: string) => void,
  footer: () => string = () => "",
): Promise<void> {
  const t0 = performance.now();
  out(`== ${name} ==\n`);
  try {
    await fn();
  } catch (error) {
    if (error instanceof MissingBenchData) {
      outcomes.skipped[name] = error.message;
      out(`skipped: ${error.message}\n`);
    } else {
      outcomes.errors[name] = firstLine(error);
      out(`failed: ${outcomes.errors[name]}\n`);
    }
  }
  out(`(${((performance.now() - t0) / 1000).toFixed(1)} s${footer()})\n\n`);
}

/** 1 when a section failed; skipped sections are not failures. */
export function suiteExitCode(outcomes: SectionOutcomes): number {
  return Object.keys(outcomes.errors).length > 0 ? 1 : 0;
}
