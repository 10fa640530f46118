// Types for the TypeScript e2e tests, which load codeServer.mjs with a dynamic import().
import type { ChildProcess } from "node:child_process";

export declare const CODE_SERVER_VERSION: string;
export declare const VSCODE_VERSION: string;
export declare const CODE_SERVER_NODE: string;
export declare const REPO_ROOT: string;
export declare const CODE_SERVER_PREFIX: string;
export declare const CODE_SERVER_ENTRY: string;

export interface Profile {
  base: string;
  userDataDir: string;
  extensionsDir: string;
  xdgConfig: string;
  xdgData: string;
  xdgCache: string;
}

export interface RunningCodeServer {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export declare function ensureCodeServer(options?: { log?: (message: string) => void }): Promise<string>;
export declare function makeProfile(base?: string): Profile;
export declare function installVsix(vsixPath: string, profile: Profile): Promise<string>;
export declare function startCodeServer(options: {
  profile: Profile;
  port?: number;
  env?: Record<string, string>;
  offline?: boolean;
  workspaceTrust?: boolean;
  extensionTests?: boolean;
  onOutput?: (text: string) => void;
  timeoutMs?: number;
}): Promise<RunningCodeServer>;
export declare function writeUserSettings(profile: Profile, settings: Record<string, unknown>): void;
export declare function workbenchUrl(base: string, options?: { folder?: string; payload?: [string, string][] }): string;
export declare function remoteUri(port: number, absPath: string): string;
