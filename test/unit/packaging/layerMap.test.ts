// CONTRIBUTING's layer table is the code's map: lint refuses every import a row forbids and
// accepts what it allows. Each case is linted as if it were a file of that folder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function refuses(filePath: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { a } from '${from}';\nexport { a };\n`, { filePath });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

const ROWS: readonly { file: string; allowed: readonly string[]; refused: readonly string[] }[] = [
  { file: 'client/src/layerProbe.ts', allowed: ['vscode', '../../server/src/protocol', '../../server/src/core/advisor/decisionAdvisor', '../../server/src/core/arn/awsArn'], refused: ['../../server/src/core/access/simulateAccess', '../../server/src/lsp/startServer', '../../server/src/node/fileEngineStore'] },
  { file: 'server/src/lsp/layerProbe.ts', allowed: ['../core/access/simulateAccess', '../http/servedEngine', '../node/fileEngineStore', '../protocol'], refused: ['../cli/main', 'vscode'] },
  { file: 'server/src/cli/layerProbe.ts', allowed: ['../core/access/simulateAccess', '../http/servedEngine', '../node/fileEngineStore'], refused: ['../lsp/startServer', 'vscode'] },
  { file: 'server/src/http/layerProbe.ts', allowed: ['../core/engine/kmsEngineApi', '../node/fileEngineStore', '../protocol'], refused: ['../lsp/startServer', '../cli/main'] },
  { file: 'server/src/node/layerProbe.ts', allowed: ['../core/engine/kmsEngineApi'], refused: ['../http/servedEngine', '../lsp/startServer', '../cli/main', '../protocol'] },
  { file: 'server/src/core/access/layerProbe.ts', allowed: ['../environment/environmentModel'], refused: ['../../node/fileEngineStore', '../../http/servedEngine', '../../protocol', 'vscode-languageserver', 'node:http', '@aws-sdk/client-kms'] },
  { file: 'server/src/protocol.ts', allowed: ['./core/access/scenario'], refused: ['./lsp/startServer', './node/fileEngineStore'] },
];

describe('the layer map of CONTRIBUTING.md is linted row by row', () => {
  for (const row of ROWS) {
    it(`${row.file.replace('/layerProbe.ts', '/')}`, async () => {
      for (const from of row.allowed) assert.equal(await refuses(row.file, from), false, `${row.file} may import ${from}`);
      for (const from of row.refused) assert.equal(await refuses(row.file, from), true, `${row.file} must not import ${from}`);
    });
  }
});
