// The Who Can Use matrix: cells from the real "who can use" table of the demo environment
// (Allow, conditional on an encryption context, denied), the filter box and the "hide
// principals that can do nothing" toggle, and escaping of names that come from files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadEnvironment } from '../../../server/src/core/environment/environmentLoader';
import { whoCanUseKey } from '../../../server/src/core/environment/whoCanUseKey';
import { parseFromMatrixView } from '../../../client/src/simulation/resultViewMessages';
import { cellKind, matrixVisibility, type WhoCanUseMatrix } from '../../../client/src/webview/whoCanUseMatrix';
import { cellDetail, matrixCellHtml, renderWhoCanUseMatrixHtml, whoCanUseMatrixBody } from '../../../client/src/webview/whoCanUseMatrixHtml';

const examples = join(import.meta.dirname, '../../../examples');
const environment = loadEnvironment(readFileSync(join(examples, 'kms-environment.json'), 'utf8'), { readFile: (ref) => readFileSync(join(examples, ref), 'utf8') });
const table = whoCanUseKey(environment, 'alias/demo-app')!;
const demo: WhoCanUseMatrix = { keyArn: table.keyArn, label: 'demo-app', actions: table.actions, rows: table.rows };

const rowOf = (matrix: WhoCanUseMatrix, name: string) => matrix.rows.findIndex((r) => r.name === name || r.principal.endsWith(`/${name}`));
const columnOf = (matrix: WhoCanUseMatrix, action: string) => matrix.actions.indexOf(action);
const cellOf = (name: string, action: string) => demo.rows[rowOf(demo, name)]!.cells[columnOf(demo, action)]!;
const shownNames = (matrix: WhoCanUseMatrix, rows: readonly boolean[]) => matrix.rows.filter((_, i) => rows[i]).map((r) => r.name ?? r.principal.split('/').pop());

const PAGE = { cspSource: 'vscode-webview://abc', nonce: 'n0nce', scriptUri: 'vscode-webview://abc/whoCanUseMatrix.js', styleUri: 'vscode-webview://abc/resultViews.css' };

describe('Who Can Use matrix cells', () => {
  it('an Allow says the path; a conditional Allow says the encryption context it needs; a deny says which', () => {
    assert.equal(cellKind(cellOf('KeyAdmin', 'kms:PutKeyPolicy')), 'allow');
    assert.equal(cellDetail(cellOf('KeyAdmin', 'kms:PutKeyPolicy')), 'via key policy + IAM');
    const conditional = cellOf('AppRole', 'kms:Decrypt');
    assert.equal(cellKind(conditional), 'conditional');
    assert.equal(cellDetail(conditional), 'only with encryption context team=billing (via key policy + IAM)');
    assert.deepEqual(conditional.encryptionContext, { team: 'billing' });
    assert.equal(cellKind(cellOf('KeyAdmin', 'kms:Decrypt')), 'implicit-deny');
    assert.equal(cellKind(cellOf('AppRole', 'kms:ScheduleKeyDeletion')), 'explicit-deny');
    assert.equal(cellKind({ action: 'kms:Decrypt', decision: 'Allow', via: 'key policy', error: 'DisabledException' }), 'allow-fails');
  });

  it('each cell is a button naming principal, action and decision, and pointing at its row and column', () => {
    const r = rowOf(demo, 'AppRole');
    const c = columnOf(demo, 'kms:Decrypt');
    const html = matrixCellHtml(demo.rows[r]!, r, demo.rows[r]!.cells[c]!, c);
    assert.match(html, new RegExp(`^<td data-col="${c}"><button type="button" class="cell conditional" data-row="${r}" data-col="${c}" aria-label="AppRole, kms:Decrypt: Conditional, only with encryption context team=billing \\(via key policy \\+ IAM\\)\\. Opens the simulation\\."`));
    assert.match(html, /<span class="verdict"><span class="codicon codicon-debug-breakpoint-conditional mark" aria-hidden="true"><\/span> Conditional<\/span>/);
  });

  it('the page has a labelled filter box, the toggle, a header per action and a row header per principal', () => {
    const body = whoCanUseMatrixBody(demo);
    assert.match(body, /<label for="filter">Filter<\/label>\s*<input type="search" id="filter"/);
    assert.match(body, /<label for="hide-empty"><input type="checkbox" id="hide-empty"> Hide principals that can do nothing<\/label>/);
    assert.equal(body.match(/<th scope="col" data-col="\d+">/g)?.length, demo.actions.length);
    assert.equal(body.match(/<th scope="row">/g)?.length, demo.rows.length);
    assert.equal(body.match(/<button type="button" class="cell /g)?.length, demo.rows.length * demo.actions.length);
    assert.match(body, /<p id="filter-status" role="status" aria-live="polite">8 principals of 8 by 12 actions of 12\. Each cell opens its simulation\./);
  });

  it('escapes names from files: a principal named <img onerror> is text', () => {
    const hostile: WhoCanUseMatrix = {
      keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k"1',
      label: '<b>key</b>',
      actions: ['kms:Decrypt'],
      rows: [{ principal: 'arn:aws:iam::111122223333:role/R', name: '<img src=x onerror=alert(1)>', cells: [{ action: 'kms:Decrypt', decision: 'Allow', via: 'key policy', error: null, summary: '"><script>x</script>' }] }],
    };
    const html = renderWhoCanUseMatrixHtml(hostile, PAGE, { kind: 'whoCanUse', matrix: hostile, text: '' });
    assert.ok(!html.includes('<img'), 'no image element');
    assert.ok(!html.includes('<b>key'), 'no bold element');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"'), 'a summary cannot leave its attribute');
    assert.deepEqual(html.match(/<script\b[^>]*>/g), ['<script type="application/json" id="view-state">', '<script nonce="n0nce" src="vscode-webview://abc/whoCanUseMatrix.js">']);
  });
});

describe('Who Can Use matrix filter', () => {
  it('a principal word leaves its rows and every action', () => {
    const shown = matrixVisibility(demo, 'partner', false);
    assert.deepEqual(shownNames(demo, shown.rows), ['PartnerReader', 'partner root']);
    assert.ok(shown.columns.every(Boolean));
  });

  it('an action word leaves its columns and every principal', () => {
    const shown = matrixVisibility(demo, 'decrypt', false);
    assert.deepEqual(demo.actions.filter((_, i) => shown.columns[i]), ['kms:Decrypt']);
    assert.ok(shown.rows.every(Boolean));
    assert.equal(shown.status, '8 principals of 8 by 1 action of 12. Each cell opens its simulation.');
  });

  it('a principal and an action together leave one cell', () => {
    const shown = matrixVisibility(demo, 'AppRole Decrypt', false);
    assert.deepEqual(shownNames(demo, shown.rows), ['AppRole']);
    assert.deepEqual(demo.actions.filter((_, i) => shown.columns[i]), ['kms:Decrypt']);
  });

  it('words of one kind add up: two principals, or the actions containing either word', () => {
    assert.deepEqual(shownNames(demo, matrixVisibility(demo, 'AppRole alice', false).rows), ['AppRole', 'alice']);
    const shown = matrixVisibility(demo, 'Decrypt GenerateDataKey', false);
    assert.deepEqual(demo.actions.filter((_, i) => shown.columns[i]), ['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  it('hiding principals that can do nothing looks at the visible actions only', () => {
    const shown = matrixVisibility(demo, 'ListGrants', true);
    assert.deepEqual(shownNames(demo, shown.rows), ['demo account root', 'KeyAdmin', 'KMSAdminRole']);
    // Without a filter every principal of the demo can do something.
    assert.ok(matrixVisibility(demo, '', true).rows.every(Boolean));
  });

  it('a word nothing contains shows no principal and says so', () => {
    const shown = matrixVisibility(demo, 'Decrypt nobody-at-all', false);
    assert.ok(shown.rows.every((r) => !r));
    assert.equal(shown.status, 'No principal or action contains "nobody-at-all".');
  });

  it('accepts a cell click only as a row and column index', () => {
    assert.deepEqual(parseFromMatrixView({ type: 'simulateCell', row: 1, column: 0 }), { type: 'simulateCell', row: 1, column: 0 });
    assert.equal(parseFromMatrixView({ type: 'simulateCell', row: '1', column: 0 }), undefined);
    assert.equal(parseFromMatrixView({ type: 'simulateCell', row: 1 }), undefined);
    assert.deepEqual(parseFromMatrixView({ type: 'openAsText' }), { type: 'openAsText' });
  });
});
