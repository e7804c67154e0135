// Types for demoWorkspace.mjs, which the unit tests import.
export declare function prepareDemoWorkspace(profileRoot: string, repoRoot?: string): string;
export declare const START_SETTINGS: Record<string, unknown>;
