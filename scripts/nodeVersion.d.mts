// Types for nodeVersion.mjs, which the unit tests import.
export declare const MIN_NODE_MAJOR: number;
export declare function nodeMajor(version: string): number;
export type NodeVersionPlan = { action: 'run' } | { action: 'reexec'; node: string; version: string } | { action: 'fail'; message: string };
export declare function nodeVersionPlan(version: string, toolsNode: string | null, toolsNodeVersion: string | null): NodeVersionPlan;
export declare function ensureSupportedNode(scriptPath: string, label: string): void;
