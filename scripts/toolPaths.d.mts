// Types for toolPaths.mjs, which the TypeScript test runners import.
export declare const REPO_ROOT: string;
export declare const TOOLS_DIR: string;
export declare const NODE_MAJOR: number;
export declare const CODE_SERVER_VERSION: string;
export declare const NODE_PACKAGE_DIR: string;
export declare const NODE_BIN: string;
export declare const CODE_SERVER_DIR: string;
export declare const CODE_SERVER_ENTRY: string;
export declare const CHROMIUM_BIN: string;
export declare const CHROMIUM_ARGS: string[];
export declare function missingCodeServerTools(): string[];
