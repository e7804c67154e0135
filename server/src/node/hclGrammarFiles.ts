// The WebAssembly of the HCL parser, read from disk for the language server and the CLI. The
// bundles find the two files copied next to them (esbuild.mjs copies them into dist/server and
// dist/cli); run from source (tests, tsx) they come from node_modules.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { HclGrammarBinaries } from '../core/templates/terraform/hclParser';
import { initHclParser } from '../core/templates/terraform/hclParser';

export const HCL_RUNTIME_WASM = 'web-tree-sitter.wasm';
export const HCL_GRAMMAR_WASM = 'tree-sitter-terraform.wasm';

const PACKAGED: Readonly<Record<string, string>> = {
  [HCL_RUNTIME_WASM]: 'web-tree-sitter/web-tree-sitter.wasm',
  [HCL_GRAMMAR_WASM]: '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
};

function locate(name: string): string {
  const beside = join(__dirname, name);
  if (existsSync(beside)) return beside;
  return createRequire(__filename).resolve(PACKAGED[name]!);
}

/** The two WebAssembly files' bytes (the benchmark loads tree-sitter alone from them for its baseline). */
export async function readGrammarFiles(): Promise<HclGrammarBinaries> {
  const [runtime, grammar] = await Promise.all([readFile(locate(HCL_RUNTIME_WASM)), readFile(locate(HCL_GRAMMAR_WASM))]);
  return { runtime, grammar };
}

/** Loads the HCL parser once per process; every later call returns at once. */
export function loadHclParser(): Promise<void> {
  return initHclParser(readGrammarFiles);
}
