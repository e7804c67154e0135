// A key's real use before it is broken: the Keys view's Recent activity shows the engine's
// CloudTrail events for the key, and Schedule Key Deletion's confirmation names who used it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, editorWith, selectAll, studio, uniqueName } from './studioTestSupport';

const ROOT = 'arn:aws:iam::111122223333:root';

/** The lines under the key's Recent activity in the Keys view (its summary first). */
async function recentActivity(api: Awaited<ReturnType<typeof studio>>, alias: string, keyId: string): Promise<string[]> {
  const lines = await api.keyTreeSnapshot(5);
  const at = lines.indexOf(`    ${alias} — ${keyId}`);
  assert.ok(at > 0, `the key is listed by its alias: ${lines.join(' | ')}`);
  const activity = lines.indexOf('      Recent activity — last 90 days', at);
  assert.ok(activity > at, `the key has a Recent activity node: ${lines.slice(at, at + 12).join(' | ')}`);
  const rows: string[] = [];
  for (const line of lines.slice(activity + 1)) {
    if (!line.startsWith('        ')) break;
    rows.push(line.trim());
  }
  return rows;
}

describe('Recent activity of a key, and who used it before it is deleted', () => {
  afterEach(closeAllEditors);

  it('lists the Encrypt that used the key, and the deletion confirmation names its caller and asks again', async () => {
    const api = await studio();
    const alias = uniqueName('activity');
    const key = await vscode.commands.executeCommand<{ KeyId?: string }>('kmsPolicyStudio.createKey', { alias, description: 'activity' });
    assert.ok(key?.KeyId);
    const editor = await editorWith('activity secret');
    selectAll(editor);
    assert.equal(await vscode.commands.executeCommand('kmsPolicyStudio.encryptSelection', { keyId: key.KeyId }), true);

    const rows = await recentActivity(api, alias, key.KeyId);
    console.log(rows.slice(0, 6).join('\n'));
    assert.match(rows[0] ?? '', /^1 use by 1 principal in the last 90 days; last used just now — \d+ calls recorded$/);
    assert.ok(rows.includes('Encrypt · root — just now'), rows.join(' | '));
    assert.ok(rows.includes('CreateKey · root — just now'), rows.join(' | '));

    const dialogs = await api.keyChangeConfirmation('scheduleKeyDeletion', { keyId: key.KeyId, pendingWindowInDays: 7 });
    assert.ok(dialogs, 'the key is found');
    assert.equal(dialogs.length, 2, 'a key someone used asks twice');
    assert.equal(dialogs[0].message, `Delete alias/${alias} after 7 days?`);
    assert.match(dialogs[0].detail, /Used in the last 90 days by root \(1 call\); last used just now \(Encrypt by root\)\.$/);
    assert.equal(dialogs[1].button, 'Schedule deletion anyway');
    assert.match(dialogs[1].message, new RegExp(`^alias/${alias} is in use: 1 principal used it in the last 90 days`));
    assert.ok(dialogs[1].detail.startsWith(`${ROOT}: 1 call, last just now\n`), dialogs[1].detail);
  });

  it('says no one used a key that was only created, in a single Disable Key confirmation', async () => {
    const api = await studio();
    const alias = uniqueName('unused');
    const key = await vscode.commands.executeCommand<{ KeyId?: string }>('kmsPolicyStudio.createKey', { alias, description: 'never used' });
    assert.ok(key?.KeyId);
    const rows = await recentActivity(api, alias, key.KeyId);
    assert.match(rows[0] ?? '', /^No use in the last 90 days — \d+ calls recorded$/);
    const dialogs = await api.keyChangeConfirmation('disableKey', { keyId: key.KeyId });
    assert.equal(dialogs?.length, 1);
    assert.equal(dialogs?.[0].message, `Disable alias/${alias}?`);
    assert.match(dialogs?.[0].detail ?? '', /No recorded use in the last 90 days \(\d+ other calls? recorded: reads, changes or failed attempts\)\.$/);
  });
});
