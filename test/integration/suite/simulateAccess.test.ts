// Simulate Access on the demo key policy, on a key of the embedded engine and from a scenario
// file: the result opens in the simulation result view (decision, error, deciding statements
// linking into the policy), whose "Open as text" still gives the read-only kms-simulation:
// document whose first line is the decision. Who Can Use opens the principal × action matrix,
// whose cells open their simulations.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, studio, waitFor, workspaceFile, type StudioApi } from './studioTestSupport';

function simulationEditor(): vscode.TextEditor | undefined {
  return vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'kms-simulation');
}

const DEMO_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('Simulate access', () => {
  let api: StudioApi;
  before(async () => {
    api = await studio();
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  it('shows the decision in the result view; a deciding statement link selects that statement in the policy', async () => {
    const policy = workspaceFile('key-policy.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(policy));
    const result = await vscode.commands.executeCommand<{ decision: string } | undefined>('kmsPolicyStudio.simulateAccess', policy, undefined, {
      principal: 'arn:aws:iam::111122223333:role/ExampleRole',
      action: 'kms:Decrypt',
    });
    assert.ok(result, 'the simulation answered');
    const shown = await waitFor('the simulation result view', () => api.simulationView());
    console.log(`simulate key-policy.json as ExampleRole, kms:Decrypt -> ${shown.title}`);
    assert.equal(shown.view.decision, 'Allow');
    assert.equal(shown.title, 'Simulation: Allow kms:Decrypt ExampleRole');
    assert.match(shown.html, /<span class="decision-words">Allowed<\/span>/);
    const deciding = shown.view.deciding.find((s) => s.label.includes('Allow use of the key'));
    assert.ok(deciding?.link !== undefined, `a deciding statement links into the policy: ${JSON.stringify(shown.view.deciding)}`);
    assert.match(shown.view.links[deciding.link]!.target, /\/key-policy\.json$/);

    // The click on the link, as the webview sends it.
    assert.ok(await api.sendToSimulationView({ type: 'openStatement', link: deciding.link }));
    const editor = await waitFor('the policy with the statement selected', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.path.endsWith('/key-policy.json') && !active.selection.isEmpty ? active : undefined;
    });
    const selected = editor.document.getText(editor.selection);
    assert.match(selected, /^\{[\s\S]*"Sid": "Allow use of the key"[\s\S]*\}$/, `the whole statement is selected: ${selected}`);

    // "Open as text" keeps the read-only document of earlier versions.
    assert.ok(await api.sendToSimulationView({ type: 'openAsText' }));
    const text = await waitFor('the simulation document', simulationEditor);
    assert.equal(text.document.lineAt(0).text, 'Decision: Allow');
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', text.document.uri);
    assert.ok(links.some((l) => /^L\d+,\d+$/.test(l.target?.fragment ?? '') && l.target?.path.endsWith('/key-policy.json')), 'its statement lines still link');
  });

  it('simulates a request on a key of the embedded engine, as Why? does after a denial, and shows AWS\'s error', async () => {
    const created = await vscode.commands.executeCommand<{ Arn?: string }>('kmsPolicyStudio.createKey', { description: 'simulate a live key' });
    assert.ok(created?.Arn);
    const result = await vscode.commands.executeCommand<{ decision: string; error: string | null } | undefined>('kmsPolicyStudio.simulateAccess', {
      principal: 'arn:aws:iam::111122223333:user/alice',
      action: 'kms:Encrypt',
      resource: created.Arn,
    });
    assert.ok(result, 'the server found the key in the engine');
    const shown = await waitFor('the simulation result view', () => (api.simulationView()?.view.request.resource === created.Arn ? api.simulationView() : undefined));
    console.log(`simulate alice kms:Encrypt on a new engine key -> ${shown.view.decision} (${shown.view.error})`);
    assert.equal(shown.view.decision, 'ImplicitDeny');
    assert.equal(result.error, 'AccessDeniedException');
    assert.match(shown.html, /<p class="error-message" id="error-message"><code>AccessDeniedException<\/code>: User: arn:aws:iam::111122223333:user\/alice is not authorized to perform: kms:Encrypt/);
  });

  it('runs a scenario file and explains the denial', async () => {
    const scenario = workspaceFile('alice-decrypt-denied.kms-scenario.json');
    const result = await vscode.commands.executeCommand<{ decision: string } | undefined>('kmsPolicyStudio.runScenario', scenario);
    assert.ok(result);
    const shown = await waitFor('the simulation result view', () => (api.simulationView()?.view.request.principal?.endsWith('user/alice') ? api.simulationView() : undefined));
    console.log(`run alice-decrypt-denied.kms-scenario.json -> ${shown.view.decision}`);
    assert.match(shown.view.decision, /^(ExplicitDeny|ImplicitDeny)$/);
    assert.equal(shown.view.error, 'AccessDeniedException');
    // Its statements link into the scenario file that embeds the policies.
    assert.ok(shown.view.links.length > 0);
    assert.ok(shown.view.links.every((l) => l.target.endsWith('alice-decrypt-denied.kms-scenario.json')), JSON.stringify(shown.view.links.map((l) => l.target)));
  });
});

describe('Who can use this key', () => {
  let api: StudioApi;
  before(async () => {
    api = await studio();
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  it('opens the matrix; a conditional cell opens its simulation with the encryption context it needs', async () => {
    const answer = await vscode.commands.executeCommand<{ keyArn: string } | undefined>('kmsPolicyStudio.whoCanUseKey', DEMO_KEY);
    assert.equal(answer?.keyArn, DEMO_KEY);
    const matrix = await waitFor('the Who Can Use view', () => api.whoCanUseView());
    const row = matrix.matrix.rows.findIndex((r) => r.principal === 'arn:aws:iam::111122223333:role/AppRole');
    const column = matrix.matrix.actions.indexOf('kms:Decrypt');
    assert.ok(row >= 0 && column >= 0);
    const cell = matrix.matrix.rows[row]!.cells[column]!;
    console.log(`who can use demo-app: AppRole kms:Decrypt -> ${cell.decision} ${cell.note ?? ''}`);
    assert.equal(cell.note, 'only with encryption context team=billing');
    assert.match(matrix.html, new RegExp(`<button type="button" class="cell conditional" data-row="${row}" data-col="${column}"`));

    assert.ok(await api.sendToWhoCanUseView({ type: 'simulateCell', row, column }));
    const shown = await waitFor('the simulation of the cell', () => (api.simulationView()?.view.request.principal?.endsWith('role/AppRole') ? api.simulationView() : undefined));
    assert.equal(shown.view.decision, 'Allow');
    assert.equal(shown.view.request.action, 'kms:Decrypt');
    assert.deepEqual(shown.view.request.encryptionContext, [['team', 'billing']]);
  });
});
