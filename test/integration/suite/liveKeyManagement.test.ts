// A key's live policy opens as a key-policy document, the engine clock moves on request, and
// "who can use this key" answers from the environment's principals.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, studio, uniqueName } from './studioTestSupport';

describe('Live key management', () => {
  let key: { KeyId?: string; Arn?: string };

  before(async () => {
    await studio();
    key = (await vscode.commands.executeCommand<{ KeyId?: string; Arn?: string }>('kmsPolicyStudio.createKey', { alias: uniqueName('live'), description: 'live key management' })) ?? {};
    assert.ok(key.KeyId);
  });

  after(async () => {
    await closeAllEditors();
  });

  it('opens the key policy as <key-id>.key-policy.json with the key-policy language', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('kmsPolicyStudio.openKeyPolicy', { keyId: key.KeyId });
    assert.ok(uri, 'the policy opened');
    assert.ok(uri.path.endsWith(`/${key.KeyId}.key-policy.json`), uri.path);
    const document = vscode.window.activeTextEditor?.document;
    assert.equal(document?.uri.toString(), uri.toString());
    assert.equal(document?.languageId, 'kms-key-policy');
    const policy = JSON.parse(document?.getText() ?? '{}') as { Statement?: { Principal?: { AWS?: string } }[] };
    assert.ok(policy.Statement?.some((s) => String(s.Principal?.AWS).endsWith(':root')), 'the default key policy delegates to the account root');
  });

  it('puts an edited live policy after the checks, and keeps the key policy unchanged when they fail', async () => {
    const api = await studio();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('kmsPolicyStudio.openKeyPolicy', { keyId: key.KeyId });
    const document = await vscode.workspace.openTextDocument(uri);
    const replaceAll = async (text: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
    };
    const policy = JSON.parse(document.getText()) as { Statement: Record<string, unknown>[] };

    await replaceAll('{ "Version": "2012-10-17", "Statement": [ ');
    const broken = await api.putLiveKeyPolicy(uri);
    assert.equal(broken.outcome, 'hasErrors', broken.message);

    // Without the root statement nobody could change the policy again: the lockout rule stops it before KMS is asked.
    const lockout = { ...policy, Statement: [{ Sid: 'OnlyAlice', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/alice' }, Action: 'kms:Decrypt', Resource: '*' }] };
    await replaceAll(JSON.stringify(lockout, null, 2));
    const refused = await api.putLiveKeyPolicy(uri);
    console.log(`lockout policy: ${refused.outcome}: ${refused.message}`);
    assert.equal(refused.outcome, 'hasErrors');
    assert.match(refused.message, /kms:PutKeyPolicy/);

    const edited = { ...policy, Statement: [...policy.Statement, { Sid: 'AppRoleDecrypts', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/AppRole' }, Action: 'kms:Decrypt', Resource: '*' }] };
    await replaceAll(JSON.stringify(edited, null, 2));
    const put = await api.putLiveKeyPolicy(uri);
    assert.equal(put.outcome, 'put', put.message);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    const reopened = await vscode.commands.executeCommand<vscode.Uri>('kmsPolicyStudio.openKeyPolicy', { keyId: key.KeyId });
    // Read from disk: the file openKeyPolicy just wrote from GetKeyPolicy.
    const text = Buffer.from(await vscode.workspace.fs.readFile(reopened)).toString('utf8');
    assert.match(text, /AppRoleDecrypts/, 'GetKeyPolicy returns the policy that was put');
  });

  it('keeps an auto-saved draft of the live policy as a draft: only a manual save or Put Key Policy puts it', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('kmsPolicyStudio.openKeyPolicy', { keyId: key.KeyId });
    const document = await vscode.workspace.openTextDocument(uri);
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSaveDelay', 100, vscode.ConfigurationTarget.Global);
    await files.update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
    try {
      const policy = JSON.parse(document.getText()) as { Statement: Record<string, unknown>[] };
      const draft = { ...policy, Statement: [...policy.Statement, { Sid: 'AutoSavedDraft', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/AppRole' }, Action: 'kms:Encrypt', Resource: '*' }] };
      const saved = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidSaveTextDocument((d) => {
          if (d.uri.toString() === uri.toString()) {
            sub.dispose();
            resolve();
          }
        });
      });
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), JSON.stringify(draft, null, 2));
      assert.ok(await vscode.workspace.applyEdit(edit));
      await saved;
      // Time for a put to happen if auto-save triggered one (a modal would block it, so none may come).
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
      await files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
    }
    const reopened = await vscode.commands.executeCommand<vscode.Uri>('kmsPolicyStudio.openKeyPolicy', { keyId: key.KeyId });
    const text = Buffer.from(await vscode.workspace.fs.readFile(reopened)).toString('utf8');
    assert.doesNotMatch(text, /AutoSavedDraft/, 'auto-save did not put the draft on the key');
  });

  it('answers who can use the key', async () => {
    const result = await vscode.commands.executeCommand<{ keyArn: string; rows: unknown[] } | undefined>('kmsPolicyStudio.whoCanUseKey', key.Arn);
    assert.ok(result);
    assert.equal(result.keyArn, key.Arn);
    assert.ok(result.rows.length > 0);
  });

  it('moves the engine clock forward', async () => {
    const before = Date.now();
    const now = await vscode.commands.executeCommand<string | undefined>('kmsPolicyStudio.advanceClock', '2d');
    assert.ok(now, 'the clock answered');
    assert.ok(Date.parse(now) >= before + 2 * 86_400_000 - 60_000, `${now} is about two days ahead`);
  });
});
