// Bundles a folder of extension-host tests (an index.ts entry and its *.test.ts files) into
// CommonJS that an extension host can load: `vscode` stays external (the host provides it),
// everything else, mocha included, is bundled.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

export async function bundleSuite(sourceDir: string, outDir: string): Promise<string> {
  const entries = readdirSync(sourceDir).filter((name) => name === 'index.ts' || name.endsWith('.test.ts'));
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: entries.map((name) => join(sourceDir, name)),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    // mocha resolves these only for parallel mode, which the suite does not use.
    logOverride: { 'require-resolve-not-external': 'silent' },
    // jsonc-parser's UMD "main" breaks under bundling; its ESM "module" entry does not.
    mainFields: ['module', 'main'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return join(outDir, 'index.js');
}
