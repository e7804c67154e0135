// The Keys view's management commands, run with arguments instead of tree nodes and pickers:
// each changes the embedded engine, and encrypting with the key shows the effect.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, editorWith, selectAll, studio, uniqueName } from './studioTestSupport';

async function run(command: string, args: Record<string, unknown>): Promise<string | undefined> {
  return vscode.commands.executeCommand<string | undefined>(`kmsPolicyStudio.${command}`, args);
}

async function canEncryptWith(keyId: string): Promise<boolean> {
  const editor = await editorWith('lifecycle secret');
  selectAll(editor);
  return (await vscode.commands.executeCommand<boolean>('kmsPolicyStudio.encryptSelection', { keyId })) === true;
}

describe('Key lifecycle from the Keys view commands', () => {
  let keyId: string;

  before(async () => {
    await studio();
    const created = await vscode.commands.executeCommand<{ KeyId?: string }>('kmsPolicyStudio.createKey', { description: 'lifecycle' });
    assert.ok(created?.KeyId);
    keyId = created.KeyId;
  });

  afterEach(closeAllEditors);

  it('disables and enables the key', async () => {
    assert.match((await run('disableKey', { keyId })) ?? '', /^Disabled /);
    assert.equal(await canEncryptWith(keyId), false, 'a disabled key is not offered for encryption');
    assert.match((await run('enableKey', { keyId })) ?? '', /^Enabled /);
    assert.equal(await canEncryptWith(keyId), true);
  });

  it('refuses deletion to the root user under the demo SCP, and lets the key administrator schedule and cancel it', async () => {
    // The demo organization's SCP denies kms:ScheduleKeyDeletion to everyone but role/KeyAdmin.
    assert.equal(await run('scheduleKeyDeletion', { keyId, pendingWindowInDays: 7 }), undefined);
    assert.equal(await canEncryptWith(keyId), true, 'the refused request changed nothing');
    await vscode.commands.executeCommand('kmsPolicyStudio.actAs', 'arn:aws:iam::111122223333:role/KeyAdmin');
    try {
      assert.match((await run('scheduleKeyDeletion', { keyId, pendingWindowInDays: 7 })) ?? '', /will be deleted on \d{4}-\d\d-\d\d/);
      assert.match((await run('cancelKeyDeletion', { keyId })) ?? '', /^Deletion of .* cancelled/);
      assert.match((await run('enableKey', { keyId })) ?? '', /^Enabled /);
    } finally {
      await vscode.commands.executeCommand('kmsPolicyStudio.actAs', 'arn:aws:iam::111122223333:root');
    }
    assert.equal(await canEncryptWith(keyId), true);
  });

  it('enables rotation and rotates on demand', async () => {
    assert.match((await run('enableKeyRotation', { keyId, rotationPeriodInDays: 90 })) ?? '', /rotates every 90 days/);
    assert.match((await run('rotateKeyNow', { keyId })) ?? '', /^Started on-demand rotation/);
    assert.equal(await canEncryptWith(keyId), true);
  });

  it('creates an alias that then names the key, and deletes it', async () => {
    const alias = uniqueName('lifecycle');
    assert.equal(await run('createAlias', { keyId, aliasName: alias }), `Created alias/${alias}.`);
    assert.equal(await canEncryptWith(`alias/${alias}`), true);
    assert.equal(await run('deleteAlias', { keyId, aliasName: alias }), `Deleted alias/${alias}.`);
    assert.equal(await canEncryptWith(`alias/${alias}`), false);
  });

  it('creates and revokes a grant', async () => {
    const created = await run('createGrant', { keyId, granteePrincipal: 'arn:aws:iam::111122223333:role/AppRole', operations: ['Encrypt', 'Decrypt'] });
    const grantId = /^Created grant (\S+)\.$/.exec(created ?? '')?.[1];
    assert.ok(grantId, created);
    assert.equal(await run('revokeGrant', { keyId, grantId }), `Revoked grant ${grantId}.`);
  });
});
