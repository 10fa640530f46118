// A Node module resolve hook (node:module register()), bundled on its own as dist/gpuPackHook.mjs
// and installed by the engine child before it first imports node-llama-cpp. node-llama-cpp finds
// prebuilt binaries only by importing `@node-llama-cpp/<name>` by literal name (no option or
// environment variable names a folder, and NODE_PATH does not apply to ESM imports), so this hook
// resolves that name from the GPU pack folder in global storage (packLayout.ts) when the pack is
// there, and leaves every other specifier to Node's own resolution.
// Hooks run on Node's loader thread: everything they need arrives in `initialize`'s data.
import * as path from "node:path";
import { pathToFileURL } from "node:url";

/** What the engine passes to register(..., { data }). */
export interface PackHookData {
  /** Pack name (e.g. "linux-x64-cuda") → the folder whose node_modules/@node-llama-cpp/<name>/
   *  holds it: the version folder (gpuPacksRoot) or its local-build folder. */
  packs: Record<string, string>;
}

type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type ResolveContext = { parentURL?: string; conditions: string[]; importAttributes?: Record<string, string> };
type NextResolve = (specifier: string, context?: Partial<ResolveContext>) => Promise<ResolveResult> | ResolveResult;

let data: PackHookData = { packs: {} };

export function initialize(input: PackHookData): void {
  data = input;
}

const PACKAGE = /^@node-llama-cpp\/([^/]+)(?:\/.*)?$/;

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  const name = PACKAGE.exec(specifier)?.[1];
  const base = name !== undefined && Object.hasOwn(data.packs, name) ? data.packs[name] : undefined;
  if (base !== undefined) {
    // Resolving as if imported from a file in that folder makes Node look in its node_modules
    // first, with the package's own "exports" honoured.
    return nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(base, "index.mjs")).href });
  }
  return nextResolve(specifier, context);
}
