// Types for the TypeScript tests, which load package.mjs with a dynamic import().
export declare const TARGET_BINARIES: Record<string, string[]>;
export declare function hostTarget(): string;
export declare function vsixPath(target?: string): string;
export declare function packageVsix(options?: { target?: string; out?: string }): Promise<string>;
