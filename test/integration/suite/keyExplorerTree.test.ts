// What the Keys view shows: backends, Regions, keys by alias, and under a key its aliases,
// grants, rotation, key material versions and multi-Region replicas; imported material too.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { studio, uniqueName, waitFor } from './studioTestSupport';

describe('Key explorer tree', () => {
  after(async () => {
    await vscode.workspace.getConfiguration('kmsPolicyStudio').update('embeddedRegions', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows a key with its alias, grant, rotation and key material versions', async () => {
    const api = await studio();
    const alias = uniqueName('tree');
    const key = await vscode.commands.executeCommand<{ KeyId?: string }>('kmsPolicyStudio.createKey', { alias, description: 'tree' });
    assert.ok(key?.KeyId);
    await vscode.commands.executeCommand('kmsPolicyStudio.createGrant', { keyId: key.KeyId, granteePrincipal: 'arn:aws:iam::111122223333:role/AppRole', operations: ['Decrypt'] });
    await vscode.commands.executeCommand('kmsPolicyStudio.enableKeyRotation', { keyId: key.KeyId, rotationPeriodInDays: 180 });
    const lines = await api.keyTreeSnapshot(5);
    console.log(lines.slice(0, 12).join('\n'));
    assert.equal(lines[0], 'Embedded engine — root');
    assert.match(lines[1], /^ {2}us-east-1$/);
    const at = lines.findIndex((l) => l === `    ${alias} — ${key.KeyId}`);
    assert.ok(at > 0, `the key is listed by its alias: ${lines.join(' | ')}`);
    const rest = lines.slice(at + 1);
    const end = rest.findIndex((l) => !l.startsWith('      '));
    const children = end < 0 ? rest : rest.slice(0, end);
    assert.ok(children.includes(`      alias/${alias}`), children.join(' | '));
    assert.ok(children.includes('      Grants — 1'), children.join(' | '));
    assert.ok(children.some((l) => /^ {8}arn:aws:iam::111122223333:role\/AppRole — Decrypt$/.test(l)), children.join(' | '));
    assert.ok(children.some((l) => /^ {6}Automatic rotation — every 180 days, next \d{4}-\d\d-\d\d$/.test(l)), children.join(' | '));
    assert.ok(children.some((l) => /^ {6}Key material versions — 1$/.test(l)), children.join(' | '));
  });

  it('lists a key the caller may not describe, with the reason, beside the keys it can read', async () => {
    // The demo's reports key does not delegate to the account, so root may list it (IAM) but
    // not describe it (key policy); the other keys must still show.
    const api = await studio();
    const lines = await api.keyTreeSnapshot(3);
    assert.ok(lines.includes('    reports — 5678abcd-56ab-78cd-90ef-5678901234cd · cannot be described'), lines.join(' | '));
    assert.ok(lines.some((l) => /^ {4}demo-app — 1234abcd-12ab-34cd-56ef-1234567890ab/.test(l)), lines.join(' | '));
  });

  it('shows a multi-Region primary, and its replica in the Region it was replicated to', async () => {
    const api = await studio();
    const key = await vscode.commands.executeCommand<{ KeyId?: string }>('kmsPolicyStudio.createKey', { multiRegion: true, description: 'mrk' });
    assert.match(key?.KeyId ?? '', /^mrk-/);
    assert.match((await vscode.commands.executeCommand<string>('kmsPolicyStudio.replicateKey', { keyId: key?.KeyId, replicaRegion: 'eu-west-1' })) ?? '', /Replicating .* to eu-west-1/);
    const lines = await waitFor('the replica Region in the tree', async () => {
      const snapshot = await api.keyTreeSnapshot(6);
      return snapshot.some((l) => l === '  eu-west-1') ? snapshot : undefined;
    });
    assert.ok(lines.some((l) => /^ {8}Replica: eu-west-1 — arn:aws:kms:eu-west-1:\d{12}:key\/mrk-/.test(l)), lines.join(' | '));
  });

  it('imports key material into a key created for it', async () => {
    const api = await studio();
    const alias = uniqueName('byok');
    const key = await vscode.commands.executeCommand<{ KeyId?: string; KeyState?: string }>('kmsPolicyStudio.createKey', { origin: 'EXTERNAL', alias });
    assert.equal(key?.KeyState, 'PendingImport');
    const material = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
    assert.match((await vscode.commands.executeCommand<string>('kmsPolicyStudio.importKeyMaterial', { keyId: key?.KeyId, keyMaterialBase64: material })) ?? '', /^Imported key material/);
    const lines = await api.keyTreeSnapshot(4);
    assert.ok(lines.includes(`    ${alias} — ${key?.KeyId}`), 'enabled once its material is imported (no state in the description)');
  });
});
