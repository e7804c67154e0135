// The access diff lens's command on the demo key policy: the diff in words opens in a read-only
// kms-simulation: document. The demo workspace is the repository's examples/ folder, so the file
// is either unchanged against HEAD (a checkout) or not under git (a copy); both answer, neither fails.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, studio, waitFor, workspaceFile } from './studioTestSupport';

describe('Access diff vs HEAD', () => {
  before(async () => {
    await studio();
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  it('opens the diff in words for the open key policy, and says why when there is none', async () => {
    const policy = workspaceFile('key-policy.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(policy));
    const result = await vscode.commands.executeCommand<{ status: string; lines: string[]; title: string; text: string } | undefined>('kmsPolicyStudio.showAccessDiff', policy.toString());
    assert.ok(result, 'the server answered');
    console.log(`access diff of key-policy.json: ${result.status}, ${result.title}`);
    assert.ok(['compared', 'notUnderGit', 'untrusted'].includes(result.status), result.status);
    if (result.status === 'compared') assert.deepEqual(result.lines, [], 'the demo policy is as committed');
    const editor = await waitFor('the access diff document', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'kms-simulation'));
    assert.equal(editor.document.getText(), result.text);
  });
});
