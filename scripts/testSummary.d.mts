// Types for testSummary.mjs, which the unit tests import.
export declare function tierCounts(output: string): { pass: number; fail: number; skipped: number };
export declare function skipReasons(output: string): { reason: string; count: number }[];
