// Types for the TypeScript tests, which load gpuPacks.mjs with a dynamic import().
export declare const TARGET_GPU_PACKS: Record<string, [string, string][]>;
export declare const MANIFEST_FILE: string;
export declare function nodeLlamaCppVersion(): string;
export declare function cachedTarball(name: string, version?: string): string;
export declare function gpuPackManifest(target: string, options?: { log?: (m: string) => void }): Promise<unknown>;
export declare function writeGpuPackManifest(target: string, outDir?: string, options?: { log?: (m: string) => void }): Promise<unknown>;
export declare function cachedPackTarball(name: string, version?: string, log?: (m: string) => void): Promise<string>;
