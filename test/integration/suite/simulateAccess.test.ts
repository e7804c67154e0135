// Simulate Access on the demo key policy and Run Scenario on the demo scenario: the result opens
// in a read-only kms-simulation: document whose first line is the decision.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, studio, waitFor, workspaceFile } from './studioTestSupport';

function simulationEditor(): vscode.TextEditor | undefined {
  return vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'kms-simulation');
}

describe('Simulate access', () => {
  before(async () => {
    await studio();
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  it('shows the decision and a trace that links back to the policy statements', async () => {
    const policy = workspaceFile('key-policy.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(policy));
    const result = await vscode.commands.executeCommand<{ decision: string } | undefined>('kmsPolicyStudio.simulateAccess', policy, undefined, {
      principal: 'arn:aws:iam::111122223333:role/AppRole',
      action: 'kms:Decrypt',
    });
    assert.ok(result, 'the simulation answered');
    const editor = await waitFor('the simulation document', simulationEditor);
    const firstLine = editor.document.lineAt(0).text;
    console.log(`simulate key-policy.json as AppRole, kms:Decrypt -> ${firstLine}`);
    assert.equal(firstLine, `Decision: ${result.decision}`);
    assert.match(firstLine, /^Decision: (Allow|ExplicitDeny|ImplicitDeny|NotApplicable)$/);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', editor.document.uri);
    assert.ok(links.length > 0, 'statement lines link to the policy');
    // Plain URLs in the explanation are links too (the editor detects them); the statement links carry a line.
    const statementLinks = links.filter((l) => l.target?.fragment);
    const targets = statementLinks.map((l) => l.target?.toString() ?? '(none)');
    assert.ok(statementLinks.length > 0, 'statement lines link to the policy');
    assert.ok(statementLinks.every((l) => /^L\d+,\d+$/.test(l.target?.fragment ?? '') && l.target?.path.endsWith('/key-policy.json')), `statement links lead to lines of key-policy.json: ${targets.join(' ')}`);
  });

  it('simulates a request on a key of the embedded engine, as Why? does after a denial', async () => {
    const created = await vscode.commands.executeCommand<{ Arn?: string }>('kmsPolicyStudio.createKey', { description: 'simulate a live key' });
    assert.ok(created?.Arn);
    const result = await vscode.commands.executeCommand<{ decision: string; error: string | null } | undefined>('kmsPolicyStudio.simulateAccess', {
      principal: 'arn:aws:iam::111122223333:user/alice',
      action: 'kms:Encrypt',
      resource: created.Arn,
    });
    assert.ok(result, 'the server found the key in the engine');
    const editor = await waitFor('the simulation document', simulationEditor);
    console.log(`simulate alice kms:Encrypt on a new engine key -> ${editor.document.lineAt(0).text}`);
    assert.equal(editor.document.lineAt(0).text, 'Decision: ImplicitDeny');
    assert.equal(result.error, 'AccessDeniedException');
    assert.match(editor.document.getText(), /alice is not authorized to perform: kms:Encrypt/);
  });

  it('runs a scenario file and explains the denial', async () => {
    const scenario = workspaceFile('alice-decrypt-denied.kms-scenario.json');
    const result = await vscode.commands.executeCommand<{ decision: string } | undefined>('kmsPolicyStudio.runScenario', scenario);
    assert.ok(result);
    const editor = await waitFor('the simulation document', simulationEditor);
    console.log(`run alice-decrypt-denied.kms-scenario.json -> ${editor.document.lineAt(0).text}`);
    assert.match(editor.document.lineAt(0).text, /^Decision: (ExplicitDeny|ImplicitDeny)$/);
    assert.match(editor.document.getText(), /AccessDeniedException/);
  });
});
