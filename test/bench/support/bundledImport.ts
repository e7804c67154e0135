// Loads a module as the product ships it: bundled by esbuild with the options esbuild.mjs uses
// (the extension, the language server and the CLI all run bundles), rather than transpiled on
// the fly by tsx, which wraps every function it creates in a naming call that costs real time
// in hot loops and would be charged to our code.
import * as esbuild from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function bundledImport<T>(entry: string): Promise<T> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    // The SDK stays the one both sides of a comparison load from node_modules.
    external: ['@aws-sdk/*', '@smithy/*'],
    write: false,
    logLevel: 'warning',
  });
  const file = join(mkdtempSync(join(tmpdir(), 'kms-bench-')), 'bundle.cjs');
  writeFileSync(file, result.outputFiles[0]!.text);
  // Resolve node_modules from the repository, not from the temporary folder.
  return createRequire(entry)(file) as T;
}
