// The Keys view's commands and Encrypt/Decrypt Selection against the embedded engine, through
// the same commands a user runs (arguments stand in for the pickers).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, editorWith, selectAll, studio, uniqueName } from './studioTestSupport';

interface CreatedKey {
  KeyId?: string;
  Arn?: string;
  KeyState?: string;
}

describe('Keys and encrypt selection', () => {
  let key: CreatedKey;

  before(async () => {
    await studio();
    const created = await vscode.commands.executeCommand<CreatedKey | undefined>('kmsPolicyStudio.createKey', {
      description: 'integration suite key',
      alias: uniqueName('integration'),
    });
    assert.ok(created?.KeyId, 'Create Key returned the new key');
    key = created;
  });

  after(async () => {
    await closeAllEditors();
  });

  it('creates an enabled symmetric key and shows the Keys view', async () => {
    assert.equal(key.KeyState, 'Enabled');
    assert.match(key.Arn ?? '', /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//);
    await vscode.commands.executeCommand('kmsPolicyStudio.keys.focus');
    await vscode.commands.executeCommand('kmsPolicyStudio.refreshKeys');
  });

  it('encrypts a selection to base64 and decrypts it back with the same context', async () => {
    const editor = await editorWith('db-password=correct horse battery staple');
    selectAll(editor);
    const encrypted = await vscode.commands.executeCommand<boolean>('kmsPolicyStudio.encryptSelection', { keyId: key.KeyId, encryptionContext: { suite: 'integration' } });
    assert.equal(encrypted, true);
    const ciphertext = editor.document.getText();
    assert.match(ciphertext, /^[A-Za-z0-9+/]+={0,2}$/);
    assert.ok(!ciphertext.includes('horse'));
    selectAll(editor);
    const decrypted = await vscode.commands.executeCommand<boolean>('kmsPolicyStudio.decryptSelection', { encryptionContext: { suite: 'integration' } });
    assert.equal(decrypted, true);
    assert.equal(editor.document.getText(), 'db-password=correct horse battery staple');
  });

  it('turns text over 4096 bytes into an armored envelope and back', async () => {
    const large = Array.from({ length: 200 }, (_, i) => `line ${i}: ${'secret '.repeat(4)}`).join('\n');
    assert.ok(Buffer.byteLength(large) > 4096);
    const editor = await editorWith(large);
    selectAll(editor);
    assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.encryptSelection', { keyId: key.Arn }), true);
    const armored = editor.document.getText();
    assert.match(armored, /^-----BEGIN KMS ENVELOPE-----\nVersion: 1\nKey-Id: arn:aws:kms:/);
    assert.match(armored, /-----END KMS ENVELOPE-----$/);
    selectAll(editor);
    assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.decryptSelection', {}), true);
    assert.equal(editor.document.getText(), large);
  });

  it('encrypts several selections at once', async () => {
    const editor = await editorWith('first secret\nkeep me\nsecond secret');
    editor.selections = [new vscode.Selection(0, 0, 0, 12), new vscode.Selection(2, 0, 2, 13)];
    assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.encryptSelection', { keyId: key.KeyId }), true);
    const lines = editor.document.getText().split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[1], 'keep me');
    assert.match(lines[0], /^[A-Za-z0-9+/]+={0,2}$/);
    assert.match(lines[2], /^[A-Za-z0-9+/]+={0,2}$/);
    editor.selections = [new vscode.Selection(0, 0, 0, lines[0].length), new vscode.Selection(2, 0, 2, lines[2].length)];
    assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.decryptSelection', {}), true);
    assert.equal(editor.document.getText(), 'first secret\nkeep me\nsecond secret');
  });

  it('refuses, leaving the text as it was, when acting as a principal the key policy does not allow', async () => {
    const alice = 'arn:aws:iam::111122223333:user/alice';
    const actingAs = await vscode.commands.executeCommand<string | undefined>('kmsPolicyStudio.actAs', alice);
    try {
      assert.equal(actingAs, alice, 'the demo environment lets the client act as alice');
      const editor = await editorWith('alice may not encrypt this');
      selectAll(editor);
      assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.encryptSelection', { keyId: key.KeyId }), false);
      assert.equal(editor.document.getText(), 'alice may not encrypt this');
    } finally {
      await vscode.commands.executeCommand('kmsPolicyStudio.actAs', 'arn:aws:iam::111122223333:root');
    }
  });
});
