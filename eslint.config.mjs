// The layer map of CONTRIBUTING.md, one block per row: each folder may import only the layers
// below it, and the pure core imports no editor, no LSP, no network and no AWS SDK.
import tseslint from 'typescript-eslint';

const NO_VSCODE = { group: ['vscode'], message: 'The server never imports the vscode API.' };

/** A row of the layer table: the files it covers and the imports they must not make. */
const layer = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', '.tools/**', 'test/output/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(['server/src/core/**/*.ts'], [
    { group: ['vscode', 'vscode-*'], message: 'core/ is pure: no editor or LSP imports.' },
    { group: ['@aws-sdk/*', '@smithy/*'], message: 'core/ is pure: no AWS SDK.' },
    { group: ['node:http', 'node:https', 'http', 'https', 'node:net', 'net'], message: 'core/ is pure: no network.' },
    { group: ['**/lsp/**', '**/http/**', '**/cli/**', '**/node/**', '**/protocol'], message: 'core/ depends on nothing above it.' },
  ]),
  layer(['server/src/node/**/*.ts'], [NO_VSCODE, { group: ['**/lsp/**', '**/http/**', '**/cli/**', '**/protocol'], message: 'node/ holds adapters under every entry: it imports only core.' }]),
  layer(['server/src/http/**/*.ts'], [NO_VSCODE, { group: ['**/lsp/**', '**/cli/**'], message: 'http/ imports core, node and protocol only.' }]),
  layer(['server/src/lsp/**/*.ts'], [NO_VSCODE, { group: ['**/cli/**'], message: 'lsp/ imports core, http, node and protocol only.' }]),
  layer(['server/src/cli/**/*.ts'], [NO_VSCODE, { group: ['**/lsp/**'], message: 'cli/ imports core, http, node and protocol only.' }]),
  layer(['server/src/protocol.ts'], [NO_VSCODE, { group: ['./lsp/**', './http/**', './cli/**', './node/**'], message: 'protocol.ts is shared by client and server: core types only.' }]),
  layer(['client/src/**/*.ts'], [
    {
      regex: 'server/src/(?!protocol$|core/advisor/|core/arn/|core/catalog/|core/markdown/)',
      message: 'The client imports only protocol.ts, the pure advisor, the ARN module, the KMS catalog and the markdown escaping from the server.',
    },
  ]),
);
