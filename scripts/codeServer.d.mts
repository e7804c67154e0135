// Types for codeServer.mjs, which the TypeScript test runners import.
export declare const QUIET_SETTINGS: Record<string, unknown>;

export interface Profile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  remove(): void;
}

export interface RunningCodeServer {
  url: string;
  port: number;
  logFile: string;
  pid: number;
  workbenchUrl(folder?: string): string;
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export declare function extensionFolderName(extensionRoot?: string): string;
export declare function prepareProfile(options?: { root?: string; settings?: Record<string, unknown>; keepUserSettings?: boolean }): Profile;
export declare function packagedFiles(extensionRoot?: string): Promise<string[]>;
export declare function installExtension(extensionsDir: string, options?: { extensionRoot?: string; link?: boolean }): Promise<string>;
export declare function freePort(): Promise<number>;
export declare function startCodeServer(options: {
  folder: string;
  profile: Profile;
  env?: Record<string, string>;
  port?: number;
  logFile?: string;
  readyTimeoutMs?: number;
}): Promise<RunningCodeServer>;
