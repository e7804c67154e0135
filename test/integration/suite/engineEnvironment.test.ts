// The embedded engine reads the environment file when it starts: a principal added to the file
// can act only after Restart Embedded Engine, and the keys made before the restart are still there.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { studio, waitFor, workspaceFile } from './studioTestSupport';

const NEWCOMER = 'arn:aws:iam::111122223333:user/newcomer';
const ROOT = 'arn:aws:iam::111122223333:root';

suite('Engine environment', () => {
  test('a principal added to the environment file can act after Restart Embedded Engine, and keys stay', async function () {
    this.timeout(90_000);
    const api = await studio();
    const created = await vscode.commands.executeCommand<{ KeyId?: string }>('kmsPolicyStudio.createKey', { description: 'kept across a restart' });
    const keyId = created?.KeyId;
    assert.ok(keyId, 'a key was created before the restart');
    assert.ok((await api.keyTreeSnapshot(3)).some((line) => line.includes(keyId)), 'the new key is in the explorer');

    const file = workspaceFile('kms-environment.json').fsPath;
    const original = readFileSync(file, 'utf8');
    const environment = JSON.parse(original) as { principals: object[] };
    environment.principals.push({ arn: NEWCOMER, name: 'newcomer', accessKeys: [{ accessKeyId: 'newcomer', secretAccessKey: 'newcomer-secret' }] });
    try {
      writeFileSync(file, `${JSON.stringify(environment, null, 2)}\n`);
      // Until the restart, the engine still serves the environment it started with.
      assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.actAs', NEWCOMER), undefined);

      assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.restartEngine'), true);
      assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.actAs', NEWCOMER), NEWCOMER);
      await vscode.commands.executeCommand('kmsPolicyStudio.actAs', ROOT);
      await waitFor('the key made before the restart, listed again', async () =>
        (await api.keyTreeSnapshot(3)).some((line) => line.includes(keyId)) || undefined,
      );
    } finally {
      writeFileSync(file, original);
      await vscode.commands.executeCommand('kmsPolicyStudio.actAs', ROOT);
      await vscode.commands.executeCommand('kmsPolicyStudio.restartEngine');
    }
    assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.actAs', NEWCOMER), undefined, 'the newcomer is gone with the original file');
  });
});
