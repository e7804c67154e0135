// A bad key policy in the demo workspace gets our diagnostics, and only ours.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { studio, waitFor, workspaceFile } from './studioTestSupport';

describe('Key policy diagnostics', () => {
  it('reports the missing account-root statement in examples/bad-key-policy.json', async () => {
    await studio();
    const uri = workspaceFile('bad-key-policy.json');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'kms-key-policy');
    const diagnostics = await waitFor('diagnostics on bad-key-policy.json', () => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length ? found : undefined;
    });
    const codes = diagnostics.map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));
    console.log(`diagnostics: ${codes.join(', ')}`);
    assert.ok(codes.includes('KMS_NO_ACCOUNT_ROOT_STATEMENT'), `expected KMS_NO_ACCOUNT_ROOT_STATEMENT among ${codes.join(', ')}`);
    // Our server owns key-policy files: the built-in JSON server must not report on them too.
    assert.deepEqual(diagnostics.filter((d) => d.source === 'json'), []);
  });
});
