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
