// The bench programs' command lines all go through node's util.parseArgs; these turn its string
// values into the options objects the programs take.

/** A `--name value` option. */
export const text = { type: "string" } as const;
/** A `--name` switch. */
export const flag = { type: "boolean" } as const;

/** A number option; undefined when absent. */
export function num(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** `--gpu-layers auto|max|N`; undefined when absent. */
export function gpuLayersOption(value: string | undefined): "auto" | "max" | number | undefined {
  return value === undefined ? undefined : value === "auto" || value === "max" ? value : Number(value);
}

/** The options that were given: absent ones are left out, so the program's defaults apply. */
export function given<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}
