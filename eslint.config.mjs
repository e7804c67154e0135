// The layer rule: the pure core imports no editor, no LSP, no network and no AWS SDK.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', '.tools/**', 'test/output/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode', 'vscode-*'], message: 'core/ is pure: no editor or LSP imports.' },
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'core/ is pure: no AWS SDK.' },
            { group: ['node:http', 'node:https', 'http', 'https', 'node:net', 'net'], message: 'core/ is pure: no network.' },
            { group: ['**/lsp/**', '**/http/**', '**/cli/**'], message: 'core/ depends on nothing above it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['vscode'], message: 'The server never imports the vscode API.' }] },
      ],
    },
    ignores: ['server/src/core/**'],
  },
);
